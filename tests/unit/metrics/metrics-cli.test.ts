import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerMetrics } from '../../../src/main/cli/metrics-command';
import { measureTakeFiles } from '../../../src/main/metrics/take-metrics';
import { findFfmpeg } from '../../../src/main/services/conditioning/ffmpeg';
import { ApiError } from '../../../src/shared/api/errors';
import { TakeMetrics } from '../../../src/shared/model/metrics';
import { SAMPLES, SKIP_MESSAGE, samplesPresent, tempDir } from './helpers';

/**
 * `dwm-studio metrics` (registered on a bare commander program, as src/main/cli/index.ts does)
 * on small videos made here with ffmpeg, and the acceptance checks on the real sample 00017
 * (../shared/dwm-samples, read in place): against itself, and against its static video, where the
 * whole-clip PSNR must agree with ffmpeg's own psnr filter on rgb24.
 */

const run = promisify(execFile);
let dir: string;
let present = false;

/** Lossless FFV1 clip from ffmpeg's test pattern. */
async function testVideo(name: string, opts: { size?: string; frames?: number; source?: string } = {}): Promise<string> {
  const file = path.join(dir, name);
  const { ffmpeg } = await findFfmpeg();
  const source = opts.source ?? 'testsrc';
  await run(ffmpeg, [
    ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `${source}=size=${opts.size ?? '64x48'}:rate=8`],
    ...['-frames:v', String(opts.frames ?? 5), '-c:v', 'ffv1', '-pix_fmt', 'bgr0', file],
  ]);
  return file;
}

async function cli(args: string[]): Promise<{ stdout: string; error: Error | null }> {
  // exitOverride: commander throws instead of exiting; its usage messages stay out of the test log.
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  registerMetrics(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'dwm-studio', 'metrics', ...args]);
    return { stdout, error: null };
  } catch (err) {
    return { stdout, error: err as Error };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  dir = await tempDir('cli');
  present = await samplesPresent();
  if (!present) console.log(SKIP_MESSAGE);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('dwm-studio metrics', () => {
  it('prints the metrics as JSON with --json, valid against the schema', async () => {
    const take = await testVideo('take.mkv', { source: 'testsrc2' });
    const ref = await testVideo('ref.mkv');
    const { stdout, error } = await cli(['--take', take, '--reference', ref, '--static', ref, '--hands', ref, '--json']);
    expect(error).toBeNull();
    const m = TakeMetrics.parse(JSON.parse(stdout));
    expect(m).toMatchObject({ version: 1, frames: 5, width: 64, height: 48, psnrCapDb: 100 });
    expect(m.reference?.identical).toBe(false);
    expect(m.reference?.psnr).toBeGreaterThan(0);
    expect(m.reference?.psnr).toBeLessThan(100);
    expect(m.decodeMs).toBeGreaterThan(0);
  });

  it('prints a summary by default, with the cap spelled out for identical videos', async () => {
    const ref = await testVideo('same.mkv');
    const { stdout, error } = await cli(['--take', ref, '--reference', ref]);
    expect(error).toBeNull();
    expect(stdout).toContain(`${ref}: 5 frames, 64x48`);
    expect(stdout).toMatch(/take vs reference\s+100 \(identical\)\s+100 \(identical\)\s+1\.0000/);
    expect(stdout).toContain('PSNRs are capped at 100 dB');
  });

  it('names a missing file and which input it was', async () => {
    const take = await testVideo('t1.mkv');
    const missing = path.join(dir, 'nope.mp4');
    const { error } = await cli(['--take', take, '--static', missing]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.message).toBe(`static video ${missing}: no such file`);
    expect((await cli(['--take', missing])).error?.message).toBe(`take video ${missing}: no such file`);
  });

  it('names the file whose frame count or size differs from the take', async () => {
    const take = await testVideo('t2.mkv');
    const short = await testVideo('short.mkv', { frames: 4 });
    const wide = await testVideo('wide.mkv', { size: '80x48' });
    expect((await cli(['--take', take, '--reference', short])).error?.message).toBe(
      `reference video ${short} has 4 frames but take video ${take} has 5; the videos must have the same number of frames`,
    );
    expect((await cli(['--take', take, '--hands', wide])).error?.message).toBe(
      `hand video ${wide} is 80x48 but take video ${take} is 64x48; the videos must have the same size`,
    );
  });

  it('names a file that is not a video', async () => {
    const take = await testVideo('t3.mkv');
    const text = path.join(dir, 'notes.mp4');
    await fs.writeFile(text, 'not a video\n');
    const { error } = await cli(['--take', take, '--reference', text]);
    expect(error?.message).toMatch(
      new RegExp(`^reference video: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a video ffmpeg can read`),
    );
  });

  it('requires --take', async () => {
    const { error } = await cli([]);
    expect(error?.message).toMatch(/required option '--take <file>' not specified/);
  });
});

describe('metrics on the real sample 00017', () => {
  const file = (folder: string) => path.join(SAMPLES, folder, '00017.mp4');

  it('the ground truth against itself: maximal PSNR, SSIM 1', { timeout: 120_000 }, async (ctx) => {
    if (!present) return ctx.skip();
    const { stdout, error } = await cli(['--take', file('videos'), '--reference', file('videos'), '--json']);
    expect(error).toBeNull();
    const m = TakeMetrics.parse(JSON.parse(stdout));
    expect(m).toMatchObject({ frames: 49, width: 720, height: 480 });
    expect(m.reference).toMatchObject({ psnr: 100, psnrClip: 100, identical: true, ssim: 1 });
    expect(m.reference?.perFrame.ssim.every((s) => s === 1)).toBe(true);
  });

  it("the static video as the take: finite PSNR whose clip figure agrees with ffmpeg's psnr filter on rgb24", {
    timeout: 180_000,
  }, async (ctx) => {
    if (!present) return ctx.skip();
    const m = await measureTakeFiles({
      take: file('videos_static'),
      reference: file('videos'),
      static: file('videos_static'),
      hands: file('videos_hands'),
    });
    const ref = m.reference as NonNullable<typeof m.reference>;
    expect(ref.identical).toBe(false);
    expect(ref.psnr).toBeGreaterThan(10);
    expect(ref.psnr).toBeLessThan(40);
    expect(ref.ssim).toBeGreaterThan(0);
    expect(ref.ssim).toBeLessThan(1);

    // ffmpeg's psnr filter on rgb24 (both inputs converted, so like is compared with like; on
    // yuv420p it would report a different, luma-weighted figure). Its "average" is the PSNR of
    // the mean per-frame MSE, i.e. of the whole-clip MSE: our psnrClip.
    const { ffmpeg } = await findFfmpeg();
    const { stderr } = await run(ffmpeg, [
      ...['-hide_banner', '-nostdin', '-i', file('videos_static'), '-i', file('videos')],
      ...['-lavfi', '[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr', '-f', 'null', '-'],
    ]);
    const match = /PSNR r:[\d.]+ g:[\d.]+ b:[\d.]+ average:([\d.]+)/.exec(stderr);
    expect(match, stderr.slice(-2000)).not.toBeNull();
    const ffmpegAverage = Number(match?.[1]);
    expect(Math.abs(ref.psnrClip - ffmpegAverage)).toBeLessThan(0.1);

    // The take is the static video: its figures are the baseline's, and it changed nothing outside the region.
    const { flicker, ...base } = m.staticBaseline as NonNullable<typeof m.staticBaseline>;
    expect(base).toEqual(ref);
    expect(flicker).toBe(m.flicker);
    expect(m.consistency?.psnr).toBe(100);
    expect(m.consistency?.ssim).toBe(1);
    expect(m.region?.source).toBe('hands+change');
    expect(ref.regionPsnr).toBeLessThan(ref.psnrClip);
    console.log(
      `00017 static vs ground truth: PSNR ${ref.psnr.toFixed(4)} dB (mean of frames), clip ${ref.psnrClip.toFixed(6)} dB, ffmpeg rgb24 average ${ffmpegAverage.toFixed(6)} dB, SSIM ${ref.ssim.toFixed(4)}, region ${((m.region?.fraction ?? 0) * 100).toFixed(1)}% PSNR ${ref.regionPsnr?.toFixed(2)} dB SSIM ${ref.regionSsim?.toFixed(4)}; decode ${m.decodeMs?.toFixed(0)} ms, compute ${m.computeMs.toFixed(0)} ms`,
    );
  });
});
