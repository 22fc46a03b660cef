import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo, readVideoFramesRgba } from '../../src/main/services/conditioning/ffmpeg';
import { DEFAULT_CONDITIONING_SPEC } from '../../src/shared/conditioning/spec';
import {
  createProjectInPage,
  homeWithDefaultModel,
  launchBrowser,
  newPage,
  type RunningHost,
  screenshot,
  startHost,
  tempDir,
} from './harness';

/**
 * Conditioning render of the demo shot through the UI (the right hand opens the top drawer;
 * the left hand is added with grasp-and-open on the middle drawer), then the files checked
 * with ffprobe and ffmpeg, and the lossless PNGs pixel by pixel.
 */

/** Decode a PNG to raw RGBA with ffmpeg (a second tool, not the studio's own code). */
function decodePngRgba(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 64 * 1024 * 1024 });
}

describe('conditioning render in the browser', () => {
  let browser: Browser;
  let host: RunningHost;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The reference size (720x480): the overlay baseline's spec, whatever other model is installed.
    host = await startHost({ home: await homeWithDefaultModel('dwm-baseline-overlay') });
    ({ page } = await newPage(browser));
    dir = path.join(await tempDir('cond'), 'p');
    await page.goto(host.openUrl);
    await createProjectInPage(page, 'Conditioning', dir);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('renders 49 frames at 720x480 and 8 fps for both passes, hands on the exact background in their colours', async () => {
    await page.getByRole('button', { name: 'Open Middle drawer with the left hand' }).click();
    await page.getByRole('button', { name: 'Render conditioning' }).click();
    await page.getByTestId('render-progress').waitFor();
    const videos = page.getByTestId('conditioning-videos');
    await videos.waitFor({ timeout: 240_000 });
    await screenshot(page, 'conditioning-rendered');
    const renderDir = path.join(dir, (await videos.getAttribute('data-dir')) as string);
    for (const name of ['static.mp4', 'hands.mp4']) {
      const probe = await probeVideo(path.join(renderDir, name));
      expect(probe, name).toMatchObject({ width: 720, height: 480, frames: 49, fps: 8, codec: 'h264', pixFmt: 'yuv420p' });
    }
    const pngs = (await fs.readdir(path.join(renderDir, 'hands'))).filter((f) => f.endsWith('.png')).sort();
    expect(pngs).toHaveLength(49);
    // At frame 30 both hands hold their drawers: count background, green-dominant and red-dominant pixels.
    const rgba = decodePngRgba(path.join(renderDir, 'hands', pngs[30] as string));
    const [br, bg, bb] = DEFAULT_CONDITIONING_SPEC.background;
    let background = 0;
    let green = 0;
    let red = 0;
    let other = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      const r = rgba[i] as number;
      const g = rgba[i + 1] as number;
      const b = rgba[i + 2] as number;
      if (r === br && g === bg && b === bb) background++;
      else if (g > r + 20 && g > b + 20) green++;
      else if (r > g + 20 && r > b + 20) red++;
      else other++;
    }
    const total = rgba.length / 4;
    // Everything that is not a hand is exactly the spec's background (lossless PNG).
    expect(background + green + red + other).toBe(total);
    expect(background / total).toBeGreaterThan(0.9);
    expect(green, 'left-hand (green-dominant) pixels').toBeGreaterThan(200);
    expect(red, 'right-hand (red-dominant) pixels').toBeGreaterThan(200);
    // Antialiased edges blend with black: few pixels belong to neither class.
    expect(other).toBeLessThan((green + red) * 0.5);
    // The MP4 keeps the background within 2 levels (limited-range yuv420p rounding).
    const decoded = await readVideoFramesRgba(path.join(renderDir, 'hands.mp4'));
    const frame0 = decoded.frames[0] as Uint8Array;
    expect(Math.max(frame0[0] as number, frame0[1] as number, frame0[2] as number)).toBeLessThanOrEqual(2);
  });

  it('imports the reference samples as shots whose conditioning videos match the files', async (ctx) => {
    const samples = path.resolve(import.meta.dirname, '../../../shared/dwm-samples/realworld');
    if (!existsSync(samples)) {
      console.log('SKIPPED reference samples: ../shared/dwm-samples not found');
      ctx.skip();
      return;
    }
    await page.getByRole('button', { name: 'Samples…' }).click();
    await page.getByLabel('Folder', { exact: true }).fill(samples);
    await page.getByRole('button', { name: 'Import samples' }).click();
    const shotSelect = page.getByLabel('Shot', { exact: true });
    await expect
      .poll(() => shotSelect.locator('option').allTextContents())
      .toEqual(expect.arrayContaining(['Sample 00017', 'Sample 00055']));
    const videos = page.getByTestId('conditioning-videos');
    await videos.waitFor();
    expect(await videos.locator('video').count()).toBe(3);
    // Its conditioning comes from the files: there is nothing to render.
    expect(await page.getByRole('button', { name: 'Render conditioning' }).count()).toBe(0);
    await screenshot(page, 'conditioning-reference-sample');
    for (const id of ['00017', '00055']) {
      for (const name of ['static.mp4', 'hands.mp4', 'ground_truth.mp4']) {
        const probe = await probeVideo(path.join(dir, 'samples', id, name));
        expect(probe, `${id}/${name}`).toMatchObject({ width: 720, height: 480, frames: 49, fps: 8 });
      }
    }
  });
});
