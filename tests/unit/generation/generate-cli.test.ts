import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TakeRecord } from '../../../src/shared/model/take';
import { makeConditioning, probe, TINY_BUNDLE, tempDir } from '../pipeline/helpers';

/**
 * `dwm-studio generate` through bin/, with the bundled models, on the real reference samples
 * (../shared/dwm-samples, read in place) and on broken input. The reference samples are 720x480,
 * so they go to the bundled baseline; the bundled learned model is the default for the rest.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The bundled learned model, the studio's default: its spec is read from its manifest. */
const LEARNED = JSON.parse(readFileSync(path.join(ROOT, 'resources', 'models', 'dwm-synth-small', 'manifest.json'), 'utf8'));
const LEARNED_SPEC = `${LEARNED.conditioning.width}x${LEARNED.conditioning.height}, ${LEARNED.conditioning.frames} frames at ${LEARNED.conditioning.fps} fps`;
const SAMPLES = path.resolve(ROOT, '../shared/dwm-samples/realworld');
let present = false;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('cli');
  present = await fs.stat(SAMPLES).then(
    () => true,
    () => false,
  );
  if (!present) console.log('SKIPPED reference samples: ../shared/dwm-samples not found');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'dwm-studio.mjs'), ...args], {
      env: { ...process.env, DWM_STUDIO_HOME: path.join(dir, 'user'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `generate` on reference sample 00017's conditioning videos, read in place. */
const SAMPLE_00017 = () => [
  'generate',
  '--static',
  path.join(SAMPLES, 'videos_static', '00017.mp4'),
  '--hands',
  path.join(SAMPLES, 'videos_hands', '00017.mp4'),
];

describe('dwm-studio generate', () => {
  it('generates a baseline take from a reference sample: MP4 and take.json', async (ctx) => {
    if (!present) return ctx.skip();
    const out = path.join(dir, 'take-00017');
    const r = await cli([...SAMPLE_00017(), '--prompt', 'open the drawer', '--seed', '7', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(out, 'generated.mp4'));
    expect(r.stderr).toMatch(/baseline, no learned dynamics/);
    expect(r.stderr).toMatch(/denoise step 2\/2/);
    expect(probe(path.join(out, 'generated.mp4'))).toEqual({ frames: 49, width: 720, height: 480, fps: 8, codec: 'h264' });
    const take = TakeRecord.parse(JSON.parse(await fs.readFile(path.join(out, 'take.json'), 'utf8')));
    expect(take).toMatchObject({
      status: 'done',
      shotId: null,
      params: { modelId: 'dwm-baseline-overlay', prompt: 'open the drawer', seed: 7, steps: 2, guidance: 1, provider: 'auto' },
      model: { id: 'dwm-baseline-overlay', baseline: true },
      providerUsed: 'cpu',
      output: { frames: 49, width: 720, height: 480, fps: 8 },
    });
    expect(take.timings.stepMs).toHaveLength(2);
    expect(take.timings.totalMs).toBeGreaterThan(0);
    // The inputs travel with the take, byte for byte.
    const copied = await fs.readFile(path.join(out, 'hands.mp4'));
    expect(copied.equals(await fs.readFile(path.join(SAMPLES, 'videos_hands', '00017.mp4')))).toBe(true);
  }, 120_000);

  // Files that fit no installed model go to the default, whose refusal names the file and both specs.
  it('refuses conditioning of the wrong size, names the file, and records the failure without a video', async () => {
    const src = path.join(dir, 'small');
    await fs.mkdir(src, { recursive: true });
    const videos = makeConditioning(src, { width: 64, height: 48, frames: 9, fps: 8 });
    const out = path.join(dir, 'take-small');
    const r = await cli(['generate', '--static', videos.staticVideo, '--hands', videos.handsVideo, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`static.mp4: 64x48, 9 frames at 8 fps; the model "${LEARNED.id}" needs ${LEARNED_SPEC}`);
    const take = JSON.parse(await fs.readFile(path.join(out, 'take.json'), 'utf8'));
    expect(take.status).toBe('failed');
    expect(take.message).toContain(`needs ${LEARNED_SPEC}`);
    await expect(fs.stat(path.join(out, 'generated.mp4'))).rejects.toThrow();
  }, 60_000);

  it('validates its arguments and the model name', async () => {
    const bad = await cli(['generate', '--static', 'a.mp4', '--hands', 'b.mp4', '--out', path.join(dir, 'x'), '--steps', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--steps.*must be a whole number from 1 to 1000/);
    const noModel = await cli(['generate', '--static', 'a.mp4', '--hands', 'b.mp4', '--out', path.join(dir, 'y'), '--model', 'nope']);
    expect(noModel.stderr).toMatch(/no model "nope" \(installed: dwm-baseline-overlay, dwm-synth-small\)/);
  });

  it('lists the bundled models', async () => {
    const r = await cli(['models', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const listing = JSON.parse(r.stdout);
    expect(listing.models.map((m: { id: string }) => m.id)).toEqual(['dwm-baseline-overlay', 'dwm-synth-small']);
    expect(listing.invalid).toEqual([]);
  });

  // The bundled learned model is the default; with no --model, files get the installed model made
  // for their size: the tiny learned fixture for 64x48, the baseline for the 720x480 sample.
  it('with no --model, takes the default when the files fit it, else the installed model they fit', async (ctx) => {
    const home = path.join(dir, 'with-learned');
    await fs.mkdir(home, { recursive: true });
    await fs.writeFile(path.join(home, 'settings.json'), JSON.stringify({ schemaVersion: 1, modelFolders: [path.dirname(TINY_BUNDLE)] }));
    const env = { DWM_STUDIO_HOME: home };
    const listed = JSON.parse((await cli(['models', '--json'], env)).stdout);
    expect(listed.models.map((m: { id: string }) => m.id)).toContain('tiny-random');

    const src = path.join(dir, 'tiny-src');
    await fs.mkdir(src, { recursive: true });
    const small = makeConditioning(src, { width: 64, height: 48, frames: 9, fps: 8 });
    const r = await cli(
      ['generate', '--static', small.staticVideo, '--hands', small.handsVideo, '--steps', '1', '--out', path.join(dir, 'tiny-take')],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const tinyTake = TakeRecord.parse(JSON.parse(await fs.readFile(path.join(dir, 'tiny-take', 'take.json'), 'utf8')));
    expect(tinyTake.params.modelId).toBe('tiny-random');
    expect(probe(path.join(dir, 'tiny-take', 'generated.mp4'))).toMatchObject({ width: 64, height: 48, frames: 9 });

    if (!present) {
      console.log('SKIPPED the 720x480 half: ../shared/dwm-samples not found');
      return ctx.skip();
    }
    const out = path.join(dir, 'sample-with-learned');
    const s = await cli([...SAMPLE_00017(), '--steps', '1', '--out', out], env);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/baseline, no learned dynamics/);
    expect(TakeRecord.parse(JSON.parse(await fs.readFile(path.join(out, 'take.json'), 'utf8'))).params.modelId).toBe(
      'dwm-baseline-overlay',
    );
  }, 120_000);
});
