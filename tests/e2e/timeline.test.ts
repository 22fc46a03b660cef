import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as THREE from 'three';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRoom } from '../../src/main/services/scenes/room-generator';
import { sampleShot } from '../../src/shared/animation/sample';
import type { Shot } from '../../src/shared/animation/schema';
import { exportCameraJson } from '../../src/shared/trajectory/camera-json';
import { createProjectInPage, launchBrowser, newPage, type RunningHost, readJson, screenshot, startHost, tempDir } from './harness';

/**
 * Authoring a shot in the browser, by UI actions only: new shot, key the camera and the
 * right hand, scrub, play, the grasp-and-open helper on the sample room's drawer, undo and
 * redo, save and reload. Then the demo shot seen through its camera at three frames, with
 * the right hand's pixels checked at the projected drawer handle.
 */

const keysOn = (page: Page, row: string) => page.locator(`[data-testid=key][data-row="${row}"]`).count();
const frameCounter = async (page: Page) => Number((await page.getByTestId('frame-counter').textContent())?.split(' / ')[0]);

async function currentDocument(page: Page): Promise<Record<string, unknown>> {
  const envelope = (await page.evaluate(
    `fetch('/api/invoke/project.current', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.json())`,
  )) as { value: { document: Record<string, unknown> } };
  return envelope.value.document;
}

async function scrubTo(page: Page, frame: number) {
  await page.keyboard.press('Home');
  for (let i = 0; i < frame; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => frameCounter(page)).toBe(frame);
}

describe('timeline authoring in the browser', () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let errors: string[];
  let dir: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    host = await startHost();
    ({ page, errors } = await newPage(browser));
    dir = path.join(await tempDir('timeline'), 'drawer');
    await page.goto(host.openUrl);
    await createProjectInPage(page, 'Drawer shots', dir);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('keys the camera and right hand, scrubs, plays, uses grasp-and-open, undoes and redoes, and survives save and reload', async () => {
    // A new, empty shot next to the demo shot; it starts with a camera key where the viewport looks.
    await page.getByRole('button', { name: 'New shot' }).click();
    await expect.poll(() => page.getByLabel('Shot', { exact: true }).inputValue()).not.toBe('');
    expect(await page.getByLabel('Shot', { exact: true }).locator('option').count()).toBe(2);
    expect(await keysOn(page, 'camera.position')).toBe(1);

    // Scrub to frame 12 by clicking the ruler, move the view, key the camera there.
    const sheet = await page.getByTestId('dopesheet').boundingBox();
    if (!sheet) throw new Error('no dope sheet');
    const pxPerFrame = (sheet.width - 24) / 48;
    await page.mouse.click(sheet.x + 12 + 12 * pxPerFrame, sheet.y + 8);
    await expect.poll(() => frameCounter(page)).toBe(12);
    const view = await page.getByTestId('viewport-canvas').boundingBox();
    if (!view) throw new Error('no viewport');
    await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    await page.mouse.down();
    await page.mouse.move(view.x + view.width / 2 + 120, view.y + view.height / 2 + 20, { steps: 6 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Key camera' }).click();
    await expect.poll(() => keysOn(page, 'camera.position')).toBe(2);

    await page.getByRole('button', { name: 'Key right' }).click();
    await expect.poll(() => keysOn(page, 'right.wristPosition')).toBe(1);

    // Play for a moment: the playhead moves on its own.
    await page.keyboard.press('Space');
    await page.waitForTimeout(900);
    await page.keyboard.press('Space');
    expect(await frameCounter(page)).not.toBe(12);

    // Grasp & open on the sample room's top drawer, from the scene inspector.
    await page.getByRole('button', { name: 'Open Top drawer with the right hand' }).click();
    await expect.poll(() => keysOn(page, 'right.wristPosition')).toBe(6);
    const beforeUndo = await currentDocument(page);

    await page.keyboard.press('Control+z');
    await expect.poll(() => keysOn(page, 'right.wristPosition')).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => keysOn(page, 'right.wristPosition')).toBe(6);
    // Redo gives back the same document (only the modification time moves on).
    const withoutTime = ({ modifiedAt: _, ...rest }: Record<string, unknown>) => rest;
    await expect.poll(async () => withoutTime(await currentDocument(page))).toEqual(withoutTime(beforeUndo));

    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toMatch(/^Saved /);
    const saved = await readJson(path.join(dir, 'project.json'));
    await page.reload();
    await page.getByTestId('dopesheet').waitFor();
    const reloaded = await currentDocument(page);
    expect(reloaded).toEqual(saved);
    expect(await keysOn(page, 'right.wristPosition')).toBe(6);
    expect(errors).toEqual([]);
  });

  it("shows the right hand at the drawer handle through the demo shot's camera", async () => {
    await page.getByLabel('Shot', { exact: true }).selectOption({ label: 'Open the top drawer' });
    await page.getByRole('button', { name: 'Look through' }).click();
    const doc = await readJson(path.join(dir, 'project.json'));
    const shot = (doc.shots as Shot[]).find((s) => s.name === 'Open the top drawer') as Shot;
    const handle = describeRoom(0).parts.find((p) => p.node === 'dresser_drawer_top')?.handleWorld as [number, number, number];
    const canvas = await page.getByTestId('viewport-canvas').boundingBox();
    if (!canvas) throw new Error('no viewport');
    for (const frame of [22, 26, 30]) {
      await scrubTo(page, frame);
      await page.waitForTimeout(700);
      await screenshot(page, `timeline-look-through-frame-${frame}`);
      // Where the handle is in the picture: the viewport camera is the shot camera at this frame.
      const pose = sampleShot(shot, frame).camera;
      const cam = new THREE.PerspectiveCamera(pose.fovY, canvas.width / canvas.height, 0.01, 100);
      cam.position.set(...pose.position);
      cam.quaternion.set(...pose.rotation);
      cam.updateMatrixWorld();
      const ndc = new THREE.Vector3(...handle).project(cam);
      const x = Math.round(((ndc.x + 1) / 2) * canvas.width);
      const y = Math.round(((1 - ndc.y) / 2) * canvas.height);
      expect(x).toBeGreaterThan(0);
      expect(y).toBeGreaterThan(0);
      // Count the hand's light-red pixels in an 80 px box around the handle.
      const handPixels = (await page.evaluate(`(() => {
        const gl = document.querySelector('[data-testid=viewport-canvas] canvas');
        const c = document.createElement('canvas'); c.width = gl.width; c.height = gl.height;
        const ctx = c.getContext('2d'); ctx.drawImage(gl, 0, 0);
        const sx = gl.width / ${canvas.width};
        const d = ctx.getImageData(Math.max(0, ${x} * sx - 40 * sx), Math.max(0, ${y} * sx - 40 * sx), 80 * sx, 80 * sx).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 150 && d[i] - d[i + 1] > 35 && d[i] - d[i + 2] > 35) n++;
        return n;
      })()`)) as number;
      expect(handPixels, `frame ${frame}: right-hand pixels near the handle`).toBeGreaterThan(40);
    }
  });

  it('poses the hand with a preset and snaps the wrist onto a clicked surface, each a key at the playhead', async () => {
    await page.getByLabel('Gizmo target').selectOption('right');
    await scrubTo(page, 33);
    const before = await keysOn(page, 'right.fingers');
    await page.getByTestId('hand-panel').getByRole('button', { name: 'Fist' }).click();
    await expect.poll(() => keysOn(page, 'right.fingers')).toBe(before + 1);
    // Snap: click the dresser front in the look-through view; it re-keys the wrist at this frame.
    const wristAt33 = async () =>
      (
        ((await currentDocument(page)).shots as Shot[]).find((x) => x.name === 'Open the top drawer') as Shot
      ).hands.right.wristPosition.keys.find((k) => k.frame === 33)?.value;
    const before33 = await wristAt33();
    await page.getByRole('button', { name: 'Snap to surface…' }).click();
    const canvas = await page.getByTestId('viewport-canvas').boundingBox();
    if (!canvas) throw new Error('no viewport');
    await page.mouse.click(canvas.x + canvas.width * 0.45, canvas.y + canvas.height * 0.6);
    await expect.poll(wristAt33).not.toEqual(before33);
    const snapped = (await wristAt33()) as number[];
    // The picked point is on the dresser: above the floor, below the dresser top, and the wrist 4 cm off it.
    expect(snapped[1]).toBeGreaterThan(0);
    expect(snapped[1]).toBeLessThan(0.9);
    await page.keyboard.press('Control+z');
    await expect.poll(wristAt33).toEqual(before33);
  });

  it('refuses a camera trajectory with the wrong frame count, naming the file, and changes nothing', async () => {
    const frames = Array.from({ length: 30 }, (_, f) => ({
      position: [0, 1.6, 2 - f * 0.02] as [number, number, number],
      rotation: [0, 0, 0, 1] as [number, number, number, number],
      fovY: 60,
    }));
    const file = path.join(await tempDir('traj'), 'walk-30.camera.json');
    await fs.writeFile(file, exportCameraJson(frames, { width: 720, height: 480, fps: 8 }));
    const before = await currentDocument(page);
    await page.getByLabel('Camera trajectory file').setInputFiles(file);
    const toast = page.locator('.toast.error').last();
    await toast.waitFor();
    expect(await toast.textContent()).toContain('walk-30.camera.json');
    expect(await toast.textContent()).toContain('has 30 frames, the shot has 49');
    expect(await currentDocument(page)).toEqual(before);
  });
});
