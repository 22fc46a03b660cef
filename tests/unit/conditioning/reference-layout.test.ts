import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportReferenceLayout, type ReferenceSample, scanReferenceLayout } from '../../../src/main/services/conditioning/reference-layout';
import { copyLayout, ffmpegRaw, SAMPLES_DIR, samplesPresent, tempDir } from './helpers';

const SLOW = 60_000;
const SKIP_MESSAGE = 'SKIPPED reference samples: ../shared/dwm-samples not found';

describe('scanReferenceLayout on the real DWM samples', () => {
  let present = false;
  let work: string;

  beforeAll(async () => {
    present = await samplesPresent();
    work = await tempDir('layout');
  });
  afterAll(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it(
    'finds 00017 and 00055 with their prompts and ground truth, 49 frames, 720x480, 8 fps each',
    async (ctx) => {
      if (!present) {
        console.log(SKIP_MESSAGE);
        ctx.skip();
      }
      const t0 = performance.now();
      const samples = await scanReferenceLayout(SAMPLES_DIR);
      console.log(`scanned ${samples.length} reference samples in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(samples.map((s) => s.id)).toEqual(['00017', '00055']);
      for (const s of samples) {
        expect(s.problems).toEqual([]);
        expect(s.staticVideo).toBe(path.join(SAMPLES_DIR, 'videos_static', `${s.id}.mp4`));
        expect(s.handsVideo).toBe(path.join(SAMPLES_DIR, 'videos_hands', `${s.id}.mp4`));
        expect(s.groundTruth).toBe(path.join(SAMPLES_DIR, 'videos', `${s.id}.mp4`));
        expect(s.promptFile).toBe(path.join(SAMPLES_DIR, 'prompts_rewrite', `${s.id}.txt`));
        for (const probe of [s.probes.static, s.probes.hands, s.probes.groundTruth]) {
          expect(probe).toMatchObject({ frames: 49, width: 720, height: 480, fps: 8, codec: 'h264' });
        }
      }
      expect(samples[0]?.prompt).toMatch(/^I'm standing in front of a dresser\./);
      expect(samples[1]?.prompt).toMatch(/^I approach a white refrigerator/);
    },
    SLOW,
  );

  it(
    'reports a hands video trimmed to 48 frames, a missing static video, and reads prompts/ when there is no rewrite',
    async (ctx) => {
      if (!present) {
        console.log(SKIP_MESSAGE);
        ctx.skip();
      }
      const root = path.join(work, 'broken');
      await copyLayout(SAMPLES_DIR, root);
      const hands17 = path.join(root, 'videos_hands', '00017.mp4');
      const trimmed = path.join(root, 'videos_hands', 'trimmed.tmp.mp4');
      ffmpegRaw(['-i', hands17, '-frames:v', '48', '-c:v', 'libx264', '-y', trimmed]);
      await fs.rename(trimmed, hands17);
      await fs.rm(path.join(root, 'videos_static', '00055.mp4'));
      await fs.mkdir(path.join(root, 'prompts'));
      await fs.rename(path.join(root, 'prompts_rewrite', '00055.txt'), path.join(root, 'prompts', '00055.txt'));

      const [s17, s55] = await scanReferenceLayout(root);
      expect(s17?.problems).toEqual(['videos_hands/00017.mp4 has 48 frames; the model expects 49']);
      expect(s17?.probes.hands?.frames).toBe(48);
      expect(s55?.staticVideo).toBeNull();
      expect(s55?.problems).toEqual(['videos_static/00055.mp4 is missing: every sample needs the static-scene video']);
      expect(s55?.promptFile).toBe(path.join(root, 'prompts', '00055.txt'));
      expect(s55?.prompt).toMatch(/^I approach a white refrigerator/);
    },
    SLOW,
  );

  it(
    'prefers prompts_rewrite over prompts and reports a sample with no prompt or an unreadable video',
    async (ctx) => {
      if (!present) {
        console.log(SKIP_MESSAGE);
        ctx.skip();
      }
      const root = path.join(work, 'prompts');
      await copyLayout(SAMPLES_DIR, root);
      await fs.mkdir(path.join(root, 'prompts'));
      await fs.writeFile(path.join(root, 'prompts', '00017.txt'), 'the original caption');
      await fs.rm(path.join(root, 'prompts_rewrite', '00055.txt'));
      await fs.writeFile(path.join(root, 'videos', '00055.mp4'), 'not a video');
      const [s17, s55] = await scanReferenceLayout(root);
      expect(s17?.prompt).toMatch(/^I'm standing in front of a dresser/);
      expect(s55?.prompt).toBeNull();
      expect(s55?.problems).toContain('no prompt: neither prompts_rewrite/00055.txt nor prompts/00055.txt exists');
      expect(s55?.problems.some((p) => p.startsWith('videos/00055.mp4 is not a video ffmpeg can read'))).toBe(true);
    },
    SLOW,
  );

  it(
    'exportReferenceLayout then scanReferenceLayout gives the same ids, prompts and video sizes',
    async (ctx) => {
      if (!present) {
        console.log(SKIP_MESSAGE);
        ctx.skip();
      }
      const original = await scanReferenceLayout(SAMPLES_DIR);
      const out = path.join(work, 'export', 'dataset');
      const t0 = performance.now();
      const result = await exportReferenceLayout(original, out);
      console.log(`exported ${result.ids.length} samples in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(result).toEqual({ dir: out, ids: ['00017', '00055'] });
      // Nothing but the finished folder is left beside it.
      expect(await fs.readdir(path.dirname(out))).toEqual(['dataset']);
      const again = await scanReferenceLayout(out);
      const summary = async (samples: ReferenceSample[]) =>
        Promise.all(
          samples.map(async (s) => ({
            id: s.id,
            prompt: s.prompt,
            problems: s.problems,
            sizes: await Promise.all([s.staticVideo, s.handsVideo, s.groundTruth].map(async (f) => (f ? (await fs.stat(f)).size : null))),
          })),
        );
      expect(await summary(again)).toEqual(await summary(original));
      expect(again[0]?.promptFile).toBe(path.join(out, 'prompts_rewrite', '00017.txt'));
      // Exported files are ordinary writable files even though the samples are read-only.
      expect((await fs.stat(again[0]?.staticVideo as string)).mode & 0o200).toBe(0o200);

      await expect(exportReferenceLayout(original, out)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      const incomplete = original.map((s) => ({ ...s, handsVideo: s.id === '00055' ? null : s.handsVideo }));
      await expect(exportReferenceLayout(incomplete, path.join(work, 'export', 'other'))).rejects.toThrow(
        'sample 00055 lacks its hand video',
      );
      expect(await fs.readdir(path.dirname(out))).toEqual(['dataset']);
    },
    SLOW,
  );
});

describe('scanReferenceLayout on folders that are not sample layouts', () => {
  it('refuses a missing folder and a folder without the layout', async () => {
    const dir = await tempDir('not-layout');
    try {
      await expect(scanReferenceLayout(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(scanReferenceLayout(dir)).rejects.toThrow(
        /is not a DWM sample folder: it has none of videos_static\/, videos_hands\/, videos\//,
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
