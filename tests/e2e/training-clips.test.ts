import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/main/services/conditioning/ffmpeg';
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

describe('synthetic training clips', () => {
  it('dwm-studio synth writes four aligned videos, meta and prompts per clip', async () => {
    const work = await tempDir('synth');
    const out = path.join(work, 'set');
    const log = execFileSync(
      process.execPath,
      ['bin/dwm-studio.mjs', 'synth', '--out', out, '--rooms', '1', '--clips-per-room', '2', '--first-room-seed', '3'],
      { cwd: ROOT, env: { ...process.env, DWM_STUDIO_HOME: path.join(work, 'home') }, encoding: 'utf8' },
    );
    expect(log).toMatch(/2 clips into .* s per clip\)/);
    const index = JSON.parse(await fs.readFile(path.join(out, 'clips.json'), 'utf8'));
    expect(index.version).toBe(1);
    expect(index.spec).toMatchObject({
      width: W,
      height: H,
      frames: N,
      fps: 8,
      handColours: { left: [150, 235, 150], right: [230, 115, 115] },
    });
    expect(index.clips.map((c: { clip: string }) => c.clip)).toEqual(['00003_00', '00003_01']);
    for (const { clip } of index.clips as { clip: string }[]) {
      for (const v of VIDEOS) {
        expect(await probeVideo(path.join(out, v, `${clip}.mp4`))).toMatchObject({
          width: W,
          height: H,
          frames: N,
          codec: 'h264',
          pixFmt: 'yuv420p',
        });
      }
      expect(await fs.readFile(path.join(out, 'prompts_rewrite', `${clip}.txt`), 'utf8')).toMatch(
        /^The (left|right) hand reaches for the /,
      );
      const meta = JSON.parse(await fs.readFile(path.join(out, 'meta', `${clip}.json`), 'utf8'));
      expect(meta.camera).toHaveLength(N);
      expect(meta.joint).toHaveLength(N);
      const { grasp, release } = meta.timing;
      expect(meta.joint.slice(0, grasp).every((v: number) => v === 0)).toBe(true);
      expect(meta.joint[release]).toBeGreaterThan(meta.part.type === 'prismatic' ? 0.05 : 0.3);

      // Once the part is open: the two videos differ where the part is and agree elsewhere (hands aside).
      const diff = compare(out, clip, Math.min(N - 1, release + 1));
      expect(diff.maskPixels).toBeGreaterThan(50);
      expect(diff.inside).toBeGreaterThan(8);
      expect(diff.outside).toBeLessThan(2);
      // Before the hand arrives nothing has moved: the videos agree inside the mask too.
      const before = compare(out, clip, 2);
      expect(before.maskPixels).toBeGreaterThan(0);
      expect(before.inside).toBeLessThan(2);
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
  });
});
