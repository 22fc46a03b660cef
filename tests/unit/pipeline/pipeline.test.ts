import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, InputError, type PipelineInput, runPipeline } from '../../../src/main/pipeline/pipeline';
import { BundleError, SessionCache } from '../../../src/main/pipeline/sessions';
import { bundleAt, copyBundle, makeConditioning, probe, TINY_BUNDLE, tempDir } from './helpers';

/**
 * The whole TypeScript pipeline on the tiny random-weight bundle (tools/bundles/make_tiny_bundle.py):
 * real tokenizer, text encoder, VAE graphs and denoiser in onnxruntime-node, classifier-free
 * guidance, the CogVideoX DDIM scheduler, the B,F,C,H,W layout, and the MP4 written by ffmpeg.
 */
let dir: string;
let videos: { staticVideo: string; handsVideo: string };
const sessions = new SessionCache();

beforeAll(async () => {
  dir = await tempDir('tiny');
  videos = makeConditioning(dir, { width: 64, height: 48, frames: 9, fps: 8 });
});
afterAll(async () => {
  await sessions.release();
  await fs.rm(dir, { recursive: true, force: true });
});

async function input(over: Partial<PipelineInput> = {}): Promise<PipelineInput> {
  return {
    bundle: await bundleAt(TINY_BUNDLE),
    ...videos,
    outVideo: path.join(dir, `out-${Math.random().toString(36).slice(2)}.mp4`),
    prompt: 'open the drawer',
    negativePrompt: '',
    seed: 42,
    steps: 4,
    guidance: 6,
    providers: ['cpu'],
    ...over,
  };
}

async function run(over: Partial<PipelineInput> = {}) {
  const latents: Float32Array[] = [];
  const progress: { phase: string; step: number }[] = [];
  const job = await input(over);
  const result = await runPipeline(job, {
    sessions,
    onStepLatents: (_i, l) => latents.push(l.slice()),
    onProgress: (p) => progress.push({ phase: p.phase, step: p.step }),
  });
  const bytes = await fs.readFile(job.outVideo);
  return { job, result, latents, progress, md5: createHash('md5').update(bytes).digest('hex') };
}

describe('pipeline on the tiny bundle', () => {
  it('runs every step and writes an MP4 of the manifest size, length and rate', async () => {
    const { job, result, latents, progress } = await run();
    expect(result.providerUsed).toBe('cpu');
    expect(result.stepMs).toHaveLength(4);
    expect(latents).toHaveLength(4);
    expect(progress.filter((p) => p.phase === 'denoise').map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    const p = probe(job.outVideo);
    expect(p).toMatchObject({ frames: 9, width: 64, height: 48, fps: 8, codec: 'h264' });
    for (const l of latents) expect(l.every(Number.isFinite)).toBe(true);
  });

  it('is deterministic by seed: same seed, identical latents and file; another seed, different ones', async () => {
    const a = await run({ seed: 7 });
    const b = await run({ seed: 7 });
    const c = await run({ seed: 8 });
    expect(a.md5).toBe(b.md5);
    expect(Buffer.from(a.latents[3]?.buffer ?? new ArrayBuffer(0)).equals(Buffer.from(b.latents[3]?.buffer ?? new ArrayBuffer(0)))).toBe(
      true,
    );
    expect(maxAbsDiff(a.latents[3], c.latents[3])).toBeGreaterThan(1e-3);
  });

  it('uses the prompt and the guidance scale', async () => {
    const base = await run({ seed: 3 });
    const otherPrompt = await run({ seed: 3, prompt: 'lift the left cup' });
    const noGuidance = await run({ seed: 3, guidance: 1 });
    expect(maxAbsDiff(base.latents[3], otherPrompt.latents[3])).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(base.latents[3], noGuidance.latents[3])).toBeGreaterThan(1e-4);
  });

  it('cancels within one denoising step and leaves no video', async () => {
    const job = await input({ steps: 40 });
    const abort = new AbortController();
    let stepsWhenCancelled = -1;
    let lastStep = 0;
    const promise = runPipeline(job, {
      sessions,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== 'denoise') return;
        lastStep = p.step;
        if (p.step === 2 && stepsWhenCancelled < 0) {
          stepsWhenCancelled = p.step;
          abort.abort();
        }
      },
    });
    await expect(promise).rejects.toBeInstanceOf(CancelledError);
    expect(lastStep - stepsWhenCancelled).toBeLessThanOrEqual(1);
    await expect(fs.stat(job.outVideo)).rejects.toThrow();
    await expect(fs.stat(job.outVideo.replace(/\.mp4$/, '.partial.mp4'))).rejects.toThrow();
  });
});

describe('pipeline refusals', () => {
  it('refuses conditioning of the wrong size, naming the file', async () => {
    const other = makeConditioning(dir, { width: 80, height: 48, frames: 9, fps: 8 }, { static: 'wide-s.mp4', hands: 'wide-h.mp4' });
    const err = await runPipeline(await input({ staticVideo: other.staticVideo }), { sessions }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('wide-s.mp4');
    expect((err as Error).message).toMatch(/80x48.*needs 64x48/);
  });

  it('refuses the wrong frame count and the wrong rate', async () => {
    const short = makeConditioning(dir, { width: 64, height: 48, frames: 8, fps: 8 }, { static: 's8.mp4', hands: 'h8.mp4' });
    const shortErr = await runPipeline(await input({ handsVideo: short.handsVideo }), { sessions }).catch((e: Error) => e);
    expect((shortErr as Error).message).toMatch(/h8\.mp4: 64x48, 8 frames .* needs 64x48, 9 frames/);
    const slow = makeConditioning(dir, { width: 64, height: 48, frames: 9, fps: 12 }, { static: 's12.mp4', hands: 'h12.mp4' });
    const rateErr = await runPipeline(await input({ staticVideo: slow.staticVideo }), { sessions }).catch((e: Error) => e);
    expect((rateErr as Error).message).toMatch(/s12\.mp4: .* at 12 fps/);
  });

  it('names a graph whose inputs do not match the manifest', async () => {
    const broken = await copyBundle(TINY_BUNDLE, path.join(dir, 'renamed-input'));
    const manifestFile = path.join(broken, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    manifest.graphs.denoiser.inputs.sample = 'latents';
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    const err = await runPipeline(await input({ bundle: await bundleAt(broken) }), { sessions: new SessionCache() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toMatch(/denoiser\.onnx: does not match manifest\.json graphs\.denoiser: the manifest feeds "latents"/);
  });

  it('names a denoiser whose channel count does not fit the conditioning layout', async () => {
    const broken = await copyBundle(TINY_BUNDLE, path.join(dir, 'extra-mask'));
    const manifestFile = path.join(broken, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
    manifest.conditioningLayout[0].channels = 4;
    await fs.writeFile(manifestFile, JSON.stringify(manifest));
    const err = await runPipeline(await input({ bundle: await bundleAt(broken) }), { sessions: new SessionCache() }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/has 13 channels .* give 16/);
  });

  it('reports a graph file that is not ONNX as a bundle problem', async () => {
    const broken = await copyBundle(TINY_BUNDLE, path.join(dir, 'garbage-graph'));
    await fs.writeFile(path.join(broken, 'vae_decoder.onnx'), 'not a model');
    const err = await runPipeline(await input({ bundle: await bundleAt(broken) }), { sessions: new SessionCache() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toContain('vae_decoder.onnx: onnxruntime cannot load it');
  });

  it('fails clearly when a forced provider cannot start, and does not fall back', async () => {
    const err = await runPipeline(await input({ providers: ['cuda'] }), { sessions: new SessionCache() }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/no execution provider could run .*denoiser\.onnx \(cuda: /);
  });

  it('falls back to the CPU with a notice under auto when a GPU provider fails', async () => {
    const own = new SessionCache();
    const { result } = await (async () => {
      const job = await input({ providers: ['cuda', 'cpu'] });
      return { result: await runPipeline(job, { sessions: own }) };
    })();
    await own.release();
    expect(result.providerUsed).toBe('cpu');
    expect(result.providerNotice).toMatch(/^CUDA could not start \(.+\); ran on CPU instead\.$/);
  });
});

function maxAbsDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b || a.length !== b.length) throw new Error('tensors differ in length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
