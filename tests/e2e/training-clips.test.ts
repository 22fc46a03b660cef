import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/main/services/conditioning/ffmpeg';
import { describeRoom, generateRoomGlb } from '../../src/main/services/scenes/room-generator';
import { sampleShot } from '../../src/shared/animation/sample';
import type { Shot } from '../../src/shared/animation/schema';
import { handKeypoints } from '../../src/shared/hand/keypoints';
import { defaultTiming } from '../../src/shared/shot/grasp-and-open';
import { createProjectInPage, launchBrowser, newPage, ROOT, type RunningHost, screenshot, startHost, tempDir } from './harness';

/**
 * Synthetic training clips end to end: `dwm-studio synth` (headless Chromium, real WebGL
 * renderer) writes the reference layout the trainer reads, and the scene panel's "Generate
 * training clips…" dialog does the same in the page, with progress and Cancel.
 */

const W = 144;
const H = 96;
const N = 49;
const VIDEOS = ['videos', 'videos_static', 'videos_hands', 'videos_mask'] as const;
/** A procedural room with a chest lid and a liftable box, whose two clips (cycling from a seeded part) are exactly those. */
const LID_AND_LIFT_SEED = 9;

/** Every frame of a video as RGB bytes. */
function decode(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
}

/** Grow a boolean pixel mask by r pixels (a square neighbourhood). */
function dilate(mask: Uint8Array, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      if (!mask[y * W + x]) continue;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < H && xx >= 0 && xx < W) out[yy * W + xx] = 1;
        }
    }
  return out;
}

interface FrameDiff {
  maskPixels: number;
  inside: number;
  outside: number;
}

/** Mean |interaction - static| inside the mask and outside both the mask and the hands (each grown by 2 px). */
function compare(dir: string, clip: string, frame: number): FrameDiff {
  const [inter, still, hands, mask] = VIDEOS.map((v) => decode(path.join(dir, v, `${clip}.mp4`)));
  const size = W * H * 3;
  const at = (b: Buffer | undefined, p: number, c: number) => (b as Buffer)[frame * size + p * 3 + c] as number;
  const m = new Uint8Array(W * H);
  const h = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) {
    m[p] = at(mask, p, 0) > 127 ? 1 : 0;
    h[p] = at(hands, p, 0) + at(hands, p, 1) + at(hands, p, 2) > 30 ? 1 : 0;
  }
  const mGrown = dilate(m, 2);
  const hGrown = dilate(h, 2);
  let inSum = 0;
  let inN = 0;
  let outSum = 0;
  let outN = 0;
  for (let p = 0; p < W * H; p++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d += Math.abs(at(inter, p, c) - at(still, p, c));
    d /= 3;
    if (m[p] && !hGrown[p]) {
      inSum += d;
      inN++;
    } else if (!mGrown[p] && !hGrown[p]) {
      outSum += d;
      outN++;
    }
  }
  return { maskPixels: m.reduce((a, b) => a + b, 0), inside: inN ? inSum / inN : 0, outside: outN ? outSum / outN : 0 };
}

/** `dwm-studio synth` for one room: the set's folder and its clips.json. */
async function synth(
  seed: number,
  clips: number,
): Promise<{ work: string; out: string; index: { spec: unknown; clips: Record<string, string>[] } }> {
  const work = await tempDir('synth');
  const out = path.join(work, 'set');
  const log = execFileSync(
    process.execPath,
    ['bin/dwm-studio.mjs', 'synth', '--out', out, '--rooms', '1', '--clips-per-room', String(clips), '--first-room-seed', String(seed)],
    { cwd: ROOT, env: { ...process.env, DWM_STUDIO_HOME: path.join(work, 'home') }, encoding: 'utf8' },
  );
  expect(log).toMatch(new RegExp(`${clips} clips into .* s per clip\\)`));
  return { work, out, index: JSON.parse(await fs.readFile(path.join(out, 'clips.json'), 'utf8')) };
}

/**
 * One clip's files and, by decoded pixels, that the part moved with the hand: the interaction
 * and static videos differ inside the mask once the part is open (a lifted object: at the top
 * of the lift) and agree elsewhere, and agree everywhere before the hand arrives.
 */
async function checkClip(out: string, clip: string): Promise<{ kind: string; open: FrameDiff }> {
  for (const v of VIDEOS) {
    expect(await probeVideo(path.join(out, v, `${clip}.mp4`))).toMatchObject({
      width: W,
      height: H,
      frames: N,
      codec: 'h264',
      pixFmt: 'yuv420p',
    });
  }
  expect(await fs.readFile(path.join(out, 'prompts_rewrite', `${clip}.txt`), 'utf8')).toMatch(/^The (left|right) hand reaches for the /);
  const meta = JSON.parse(await fs.readFile(path.join(out, 'meta', `${clip}.json`), 'utf8'));
  expect(meta.camera).toHaveLength(N);
  expect(meta.joint).toHaveLength(N);
  const { grasp, release } = meta.timing;
  expect(meta.joint.slice(0, grasp).every((v: number) => v === 0)).toBe(true);
  const kind: string = meta.part.kind;
  // Drawers and doors are pulled open and left open; a lid is lifted open and left open; a
  // lifted object is set back down before the release.
  const openAt = kind === 'lift' ? meta.timing.lifted : Math.min(N - 1, release + 1);
  expect(meta.timing[kind === 'lift' || kind === 'lid' ? 'lifted' : 'pulled']).toBeGreaterThan(grasp);
  expect(meta.joint[openAt]).toBeGreaterThan(meta.part.type === 'prismatic' ? 0.05 : 0.3);

  // Once the part is open: the two videos differ where the part is and agree elsewhere (hands aside).
  const open = compare(out, clip, openAt);
  expect(open.maskPixels).toBeGreaterThan(50);
  expect(open.inside).toBeGreaterThan(8);
  expect(open.outside).toBeLessThan(2);
  // Before the grasp nothing has moved: the videos agree inside the mask too (at the pre-grasp,
  // when the camera has arrived and the part is in view).
  const before = compare(out, clip, meta.timing.preGrasp);
  expect(before.maskPixels).toBeGreaterThan(0);
  expect(before.inside).toBeLessThan(2);
  if (kind === 'lift') {
    // Set down and let go: at rest again, as in the static video.
    expect(meta.joint.slice(meta.timing.setDown).every((v: number) => v === 0)).toBe(true);
    expect(compare(out, clip, N - 1).inside).toBeLessThan(2);
  }
  return { kind, open };
}

describe('synthetic training clips', () => {
  it('dwm-studio synth writes four aligned videos, meta and prompts per clip', async () => {
    const { work, out, index } = await synth(3, 2);
    expect(index.spec).toMatchObject({
      width: W,
      height: H,
      frames: N,
      fps: 8,
      handColours: { left: [150, 235, 150], right: [230, 115, 115] },
    });
    expect(index.clips.map((c) => c.clip)).toEqual(['00003_00', '00003_01']);
    for (const { clip } of index.clips) await checkClip(out, clip as string);
    await fs.rm(work, { recursive: true, force: true });
  }, 300_000);

  it('renders a chest lid lifted open and a box lifted and set down, each following the hand', async () => {
    const room = describeRoom(LID_AND_LIFT_SEED);
    expect(room.parts.some((p) => p.node === 'chest_lid')).toBe(true);
    const { work, out, index } = await synth(LID_AND_LIFT_SEED, 2);
    expect(index.clips.map((c) => c.partKind)).toEqual(['lid', 'lift']);
    expect(index.clips[0]?.partLabel).toMatch(/lid$/);
    for (const { clip } of index.clips) {
      const { kind, open } = await checkClip(out, clip as string);
      console.log(
        `${clip} (${kind}): |interaction - static| ${open.inside.toFixed(1)} inside the mask (${open.maskPixels} px), ${open.outside.toFixed(2)} outside`,
      );
      const meta = JSON.parse(await fs.readFile(path.join(out, 'meta', `${clip}.json`), 'utf8'));
      expect(Object.keys(meta.timing)).toEqual(
        kind === 'lift'
          ? ['reach', 'preGrasp', 'grasp', 'lifted', 'setDown', 'release']
          : ['reach', 'preGrasp', 'grasp', 'lifted', 'release'],
      );
      expect(await fs.readFile(path.join(out, 'prompts_rewrite', `${clip}.txt`), 'utf8')).toMatch(/lifts it/);
    }
    await fs.rm(work, { recursive: true, force: true });
  }, 300_000);

  describe('from the scene panel', () => {
    let browser: Browser;
    let host: RunningHost;
    let page: Page;
    let errors: string[];
    let dir: string;

    beforeAll(async () => {
      browser = await launchBrowser();
      host = await startHost();
      ({ page, errors } = await newPage(browser));
      dir = path.join(await tempDir('clips-ui'), 'room');
      await page.goto(host.openUrl);
      await createProjectInPage(page, 'Clips', dir);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await host?.stop();
    });

    it('generates clips with progress, cancels cleanly and names the folder', async () => {
      await page.getByRole('button', { name: 'Generate training clips…' }).click();
      const dialog = page.getByTestId('training-clips-dialog');
      await dialog.waitFor();
      await screenshot(page, 'training-clips-dialog');
      await page.getByLabel('Clips per part').fill('1');

      // Cancel part-way: nothing is kept.
      await dialog.getByRole('button', { name: 'Generate' }).click();
      await page
        .getByTestId('training-clips-progress')
        .getByText(/Clip 1 of 5, frame \d+ of 49/)
        .waitFor({ timeout: 60_000 });
      await screenshot(page, 'training-clips-progress');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByText('Training clips cancelled; nothing was kept').waitFor({ timeout: 30_000 });
      const sets = path.join(dir, 'training-clips');
      await expect.poll(async () => (await fs.readdir(sets).catch(() => [])).length, { timeout: 10_000 }).toBe(0);

      await dialog.getByRole('button', { name: 'Generate' }).click();
      const toast = page.getByText(/Wrote 5 training clips to training-clips\//);
      await toast.waitFor({ timeout: 180_000 });
      const [stamp] = await fs.readdir(sets);
      expect(stamp).toMatch(/^\d{8}-\d{6}-\d{3}Z$/);
      const index = JSON.parse(await fs.readFile(path.join(sets, stamp as string, 'clips.json'), 'utf8'));
      expect(index.clips.map((c: { clip: string }) => c.clip)).toEqual(['00000_00', '00000_01', '00000_02', '00000_03', '00000_04']);
      expect(index.clips.map((c: { partKind: string }) => c.partKind)).toEqual(['drawer', 'drawer', 'drawer', 'door', 'door']);
      expect(errors).toEqual([]);
    }, 300_000);

    it("keys a hand lifting a chest's lid open and another lifting a box, from the scene panel", async () => {
      const room = describeRoom(LID_AND_LIFT_SEED);
      const lid = room.parts.find((p) => p.node === 'chest_lid');
      const box = room.parts.find((p) => p.node === 'box');
      if (!lid || !box) throw new Error(`room ${LID_AND_LIFT_SEED} has no lid or no box`);
      const file = path.join(await tempDir('lid-room'), `${room.name}.glb`);
      await fs.writeFile(file, await generateRoomGlb({ seed: LID_AND_LIFT_SEED }));
      await page.keyboard.press('Control+i');
      await page.getByLabel('Path on the machine running the studio').fill(file);
      await page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByTestId('scene-row').filter({ hasText: room.name }).click();
      await page.getByTestId('scene-inspector').getByText('Loaded in').waitFor({ timeout: 60_000 });
      const parts = page.getByTestId('articulations');
      await expect.poll(() => parts.locator('li[data-kind=lid]').count()).toBe(1);
      expect(await parts.locator('li[data-kind=lift]').count()).toBe(room.parts.filter((p) => p.parent === null).length);
      expect(await parts.locator('li[data-kind=lid]').textContent()).toContain(
        `lid hinge ${Math.round((lid.joint.limits[1] * 180) / Math.PI)}°`,
      );
      expect(await parts.locator('li[data-kind=lift]').first().textContent()).toContain('lifts 25 cm');

      await page.getByRole('button', { name: 'New shot' }).click();
      await page.getByRole('button', { name: `Open ${lid.label} with the right hand` }).click();
      await page.getByText(`Keyed the right hand opening ${lid.label}`).waitFor();
      await page.getByRole('button', { name: `Lift ${box.label} with the left hand` }).click();
      await page.getByText(`Keyed the left hand lifting ${box.label}`).waitFor();
      await screenshot(page, 'training-clips-grasp-lid-and-lift');

      const envelope = (await page.evaluate(
        `fetch('/api/invoke/project.current', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).then((r) => r.json())`,
      )) as { value: { document: { activeShotId: string; shots: Shot[] } } };
      const { activeShotId, shots } = envelope.value.document;
      const shot = shots.find((s) => s.id === activeShotId) as Shot;
      const tips = (side: 'left' | 'right', frame: number) => {
        const hand = sampleShot(shot, frame).hands[side];
        return handKeypoints({ fingers: hand.fingers }, side, { position: hand.wristPosition, rotation: hand.wristRotation });
      };
      const near = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - (b[i] as number)));
      // The lid: fingers close on its handle, then the wrist rises on the arc about the hinge.
      const lt = defaultTiming(shot.frames, 'lid');
      expect(near(tips('right', lt.grasp)[8] as number[], lid.handleWorld)).toBeLessThan(0.05);
      const wrist = (side: 'left' | 'right', f: number) => sampleShot(shot, f).hands[side].wristPosition;
      const radius = (f: number) => {
        const w = wrist('right', f);
        const axis = lid.axisWorld;
        const v = w.map((c, i) => c - (lid.originWorld[i] as number));
        const along = v.reduce((a, c, i) => a + c * (axis[i] as number), 0);
        return Math.hypot(...v.map((c, i) => c - along * (axis[i] as number)));
      };
      expect(wrist('right', lt.pulled)[1] - wrist('right', lt.grasp)[1]).toBeGreaterThan(0.3);
      for (const f of [lt.grasp + 3, lt.grasp + 6, lt.pulled]) expect(radius(f)).toBeCloseTo(radius(lt.grasp), 1);
      // The box: fingers on its side, up by the lift, back down before the hand lets go.
      const bt = defaultTiming(shot.frames, 'lift');
      expect(near(tips('left', bt.grasp)[8] as number[], box.handleWorld)).toBeLessThan(0.05);
      expect(wrist('left', bt.pulled)[1] - wrist('left', bt.grasp)[1]).toBeCloseTo(0.25, 6);
      expect(wrist('left', bt.setDown as number)[1]).toBeCloseTo(wrist('left', bt.grasp)[1], 6);
      expect(errors).toEqual([]);
    }, 180_000);
  });
});
