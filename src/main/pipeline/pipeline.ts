import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { conditioningChannels, latentShape, type ModelManifest } from '../../shared/model/manifest';
import type { TakeProgress } from '../../shared/model/take';
import type { ModelBundle } from '../models/bundle';
import { probeVideo, readVideoFramesRgba } from '../services/conditioning/ffmpeg';
import { FrameVideoEncoder } from '../services/conditioning/video-encoder';
import { combineGuidance, concatChannels, scaleLatents, swapChannelFrame, unscaleLatents } from './layout';
import { SeededRng } from './rng';
import { createScheduler } from './schedulers';
import type { SessionCache } from './sessions';
import { PromptTokenizer } from './tokenize';
import { framesToTensor, tensorToFrames } from './video-tensor';

export interface PipelineInput {
  bundle: ModelBundle;
  staticVideo: string;
  handsVideo: string;
  /** Where the generated MP4 goes; only `<name>.partial.mp4` exists until it is complete. */
  outVideo: string;
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  guidance: number;
  /** Execution providers to try, in order (see providers.ts). */
  providers: string[];
}

export interface PipelineResult {
  providerUsed: string;
  providerNotice: string | null;
  frames: number;
  width: number;
  height: number;
  fps: number;
  timings: { loadMs: number; textMs: number; encodeMs: number; denoiseMs: number; decodeMs: number; writeMs: number; totalMs: number };
  stepMs: number[];
}

export type ProgressReport = Omit<TakeProgress, 'takeId' | 'shotId'>;

export interface PipelineHooks {
  sessions: SessionCache;
  signal?: AbortSignal;
  onProgress?: (p: ProgressReport) => void;
  /** Parity hooks (tools/dwm_export): the seeded starting latents, [C, F', H', W'] scaled by the scheduler's init sigma. */
  onInitialLatents?: (latents: Float32Array) => void;
  /** Test hook: the final latents after each step (for parity checks). */
  onStepLatents?: (step: number, latents: Float32Array) => void;
  /** Parity hook: the decoder's output [1, 3, F, H, W] in [-1, 1], before it is rounded to 8-bit frames. */
  onDecoded?: (video: Float32Array) => void;
}

/** The user cancelled; nothing was written. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

/** The inputs do not fit the model (size, length, rate): the user's files, named. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * One generation, as diffusers' inpainting video pipelines compute it: encode the prompt
 * (and the negative prompt for classifier-free guidance), VAE-encode the conditioning videos
 * and assemble them as the manifest's conditioningLayout says, denoise seeded noise with the
 * manifest's scheduler, decode, and write the MP4. Cancel is checked between steps, so it
 * takes effect within one denoising step.
 */
export async function runPipeline(input: PipelineInput, hooks: PipelineHooks): Promise<PipelineResult> {
  const m = input.bundle.manifest;
  const t0 = performance.now();
  const checkCancel = () => {
    if (hooks.signal?.aborted) throw new CancelledError();
  };
  const report = (phase: ProgressReport['phase'], step = 0, etaMs: number | null = null) =>
    hooks.onProgress?.({ phase, step, steps: input.steps, elapsedMs: performance.now() - t0, etaMs });
  validateParams(input);

  report('load');
  const graph = async (name: 'textEncoder' | 'vaeEncoder' | 'denoiser' | 'vaeDecoder') =>
    (await hooks.sessions.get(input.bundle, name, input.providers)).session;
  // The denoiser first: it is the graph whose device matters, and it decides the provider.
  const denoiser = await graph('denoiser');
  const vaeEncoder = await graph('vaeEncoder');
  const vaeDecoder = await graph('vaeDecoder');
  const textEncoder = m.uses.prompt ? await graph('textEncoder') : null;
  const loadMs = performance.now() - t0;
  checkCancel();

  // Guidance only means something when the two branches differ, i.e. when the prompt is used.
  const cfg = m.uses.prompt && input.guidance > 1;
  const batch = cfg ? 2 : 1;

  if (textEncoder) report('text');
  const tText = performance.now();
  const text = textEncoder ? await encodePrompts(input, textEncoder, cfg) : null;
  const textMs = performance.now() - tText;
  checkCancel();

  report('encode');
  const tEncode = performance.now();
  const [c, lf, lh, lw] = latentShape(m);
  const latentSize = c * lf * lh * lw;
  const condParts: Float32Array[] = [];
  for (const part of m.conditioningLayout) {
    if (part.source === 'mask') condParts.push(new Float32Array(part.channels * lf * lh * lw).fill(part.value));
    else {
      const file = part.source === 'static' ? input.staticVideo : input.handsVideo;
      condParts.push(await encodeVideo(file, m, vaeEncoder, latentSize));
      checkCancel();
    }
  }
  const condition = concatChannels(condParts);
  const encodeMs = performance.now() - tEncode;

  const scheduler = createScheduler(m.scheduler, input.steps);
  let latents = new SeededRng(input.seed).normalArray(latentSize, scheduler.initNoiseSigma);
  hooks.onInitialLatents?.(latents);
  const totalChannels = c + conditioningChannels(m);
  const plane = lh * lw;
  const itemSize = totalChannels * lf * plane;
  const sampleDims = m.latent.layout === 'BCFHW' ? [batch, totalChannels, lf, lh, lw] : [batch, lf, totalChannels, lh, lw];
  // One input buffer for the whole loop: the conditioning is written once, only the latents change per step.
  const hidden = new Float32Array(batch * itemSize);
  for (let b = 0; b < batch; b++) writeItem(hidden, b * itemSize, condition, c, totalChannels - c, lf, plane, m.latent.layout);

  const tDenoise = performance.now();
  const stepMs: number[] = [];
  report('denoise', 0);
  for (let i = 0; i < scheduler.timesteps.length; i++) {
    // Let a cancel message that arrived during the last step be handled before the next one starts.
    await new Promise((resolve) => setImmediate(resolve));
    checkCancel();
    const tStep = performance.now();
    const t = scheduler.timesteps[i] as number;
    for (let b = 0; b < batch; b++) writeItem(hidden, b * itemSize, latents, 0, c, lf, plane, m.latent.layout, totalChannels);
    const feeds: Record<string, ort.Tensor> = {
      [m.graphs.denoiser.inputs.sample]: new ort.Tensor('float32', hidden, sampleDims),
      [m.graphs.denoiser.inputs.timestep]: timestepTensor(m, t, batch),
    };
    if (text && m.graphs.denoiser.inputs.text) feeds[m.graphs.denoiser.inputs.text] = text;
    const out = await denoiser.run(feeds);
    const pred = out[m.graphs.denoiser.outputs.prediction];
    if (!pred) throw new Error(`denoiser returned no "${m.graphs.denoiser.outputs.prediction}"`);
    const predData = pred.data as Float32Array;
    if (predData.length !== batch * latentSize) {
      throw new Error(
        `${path.join(input.bundle.dir, m.graphs.denoiser.file)}: prediction has ${predData.length} values, expected ${batch * latentSize} (${batch} x ${c}x${lf}x${lh}x${lw})`,
      );
    }
    let noisePred = cfg
      ? combineGuidance(predData.subarray(0, latentSize), predData.subarray(latentSize), input.guidance)
      : predData.slice(0, latentSize);
    if (m.latent.layout === 'BFCHW') noisePred = swapChannelFrame(noisePred, lf, c, plane);
    latents = scheduler.step(noisePred, i, latents);
    hooks.onStepLatents?.(i, latents);
    stepMs.push(performance.now() - tStep);
    const mean = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
    report('denoise', i + 1, mean * (scheduler.timesteps.length - i - 1));
  }
  const denoiseMs = performance.now() - tDenoise;
  checkCancel();

  report('decode', input.steps);
  const tDecode = performance.now();
  const decoded = await vaeDecoder.run({
    [m.graphs.vaeDecoder.inputs.latent]: new ort.Tensor('float32', unscaleLatents(latents, m.latent.scalingFactor, m.latent.shiftFactor), [
      1,
      c,
      lf,
      lh,
      lw,
    ]),
  });
  const video = decoded[m.graphs.vaeDecoder.outputs.video];
  const { width, height, frames, fps } = m.conditioning;
  if (!video || (video.data as Float32Array).length !== 3 * frames * width * height) {
    throw new Error(
      `${path.join(input.bundle.dir, m.graphs.vaeDecoder.file)}: decoded video has dims [${video?.dims.join(', ')}], expected [1, 3, ${frames}, ${height}, ${width}]`,
    );
  }
  hooks.onDecoded?.(video.data as Float32Array);
  const rgba = tensorToFrames(video.data as Float32Array, frames, width, height);
  const decodeMs = performance.now() - tDecode;
  checkCancel();

  report('write', input.steps);
  const tWrite = performance.now();
  const encoder = new FrameVideoEncoder();
  await encoder.start({ file: input.outVideo, width, height, fps, expectedFrames: frames, crf: 14 });
  try {
    for (const frame of rgba) {
      if (hooks.signal?.aborted) throw new CancelledError();
      await encoder.writeFrame(frame);
    }
    await encoder.finish();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  const writeMs = performance.now() - tWrite;
  return {
    providerUsed: hooks.sessions.provider ?? 'cpu',
    providerNotice: hooks.sessions.providerNotice,
    frames,
    width,
    height,
    fps,
    timings: { loadMs, textMs, encodeMs, denoiseMs, decodeMs, writeMs, totalMs: performance.now() - t0 },
    stepMs,
  };
}

function validateParams(input: PipelineInput): void {
  if (!Number.isInteger(input.steps) || input.steps < 1)
    throw new InputError(`steps must be a whole number of at least 1, got ${input.steps}`);
  if (!(input.guidance >= 0)) throw new InputError(`guidance must be 0 or more, got ${input.guidance}`);
}

/** [negative; positive] text embeddings as one batch (diffusers' order), or the positive alone without guidance. */
async function encodePrompts(input: PipelineInput, encoder: ort.InferenceSession, cfg: boolean): Promise<ort.Tensor> {
  const m = input.bundle.manifest;
  const te = m.graphs.textEncoder;
  if (!te || !m.tokenizer) throw new Error('text encoder missing');
  const tokenizer = await PromptTokenizer.load(input.bundle);
  const prompts = cfg ? [input.negativePrompt, input.prompt] : [input.prompt];
  const L = m.tokenizer.maxLength;
  const ids = new BigInt64Array(prompts.length * L);
  const mask = new BigInt64Array(prompts.length * L);
  prompts.forEach((p, i) => {
    const tok = tokenizer.encode(p);
    ids.set(tok.ids, i * L);
    mask.set(tok.attentionMask, i * L);
  });
  const feeds: Record<string, ort.Tensor> = { [te.inputs.inputIds]: new ort.Tensor('int64', ids, [prompts.length, L]) };
  if (te.inputs.attentionMask) feeds[te.inputs.attentionMask] = new ort.Tensor('int64', mask, [prompts.length, L]);
  const out = await encoder.run(feeds);
  const hidden = out[te.outputs.hiddenStates];
  if (!hidden) throw new Error(`text encoder returned no "${te.outputs.hiddenStates}"`);
  return hidden;
}

/** Decode a conditioning video, check it fits the model, VAE-encode and scale it. */
async function encodeVideo(file: string, m: ModelManifest, vae: ort.InferenceSession, latentSize: number): Promise<Float32Array> {
  const { width, height, frames, fps } = m.conditioning;
  const probe = await probeVideo(file).catch((err: Error) => {
    throw new InputError(err.message.startsWith(file) ? err.message : `${file}: ${err.message}`);
  });
  // A clip at another rate would play at the wrong speed against the camera path: refuse it like a wrong size.
  if (probe.width !== width || probe.height !== height || probe.frames !== frames || Math.abs(probe.fps - fps) > 0.01) {
    throw new InputError(
      `${file}: ${probe.width}x${probe.height}, ${probe.frames} frames at ${round(probe.fps)} fps; the model "${m.id}" needs ${width}x${height}, ${frames} frames at ${fps} fps`,
    );
  }
  const decoded = await readVideoFramesRgba(file, undefined, probe);
  if (decoded.frames.length !== frames) throw new InputError(`${file}: decoded ${decoded.frames.length} frames, expected ${frames}`);
  const pixels = framesToTensor(decoded.frames, width, height);
  decoded.frames.length = 0;
  const out = await vae.run({ [m.graphs.vaeEncoder.inputs.video]: new ort.Tensor('float32', pixels, [1, 3, frames, height, width]) });
  const latent = out[m.graphs.vaeEncoder.outputs.latent];
  const data = latent?.data as Float32Array | undefined;
  if (!data || data.length !== latentSize) {
    throw new Error(
      `VAE encoder returned [${latent?.dims.join(', ')}] for ${file}, expected ${latentSize} values (${latentShape(m).join('x')})`,
    );
  }
  return scaleLatents(data.slice(), m.latent.scalingFactor, m.latent.shiftFactor);
}

/**
 * Write a channels-first block [n, F, P] into one batch item of the denoiser input at channel
 * offset `at`, in the graph's layout: BCFHW keeps it contiguous, BFCHW interleaves per frame.
 */
function writeItem(
  dst: Float32Array,
  itemOffset: number,
  block: Float32Array,
  at: number,
  n: number,
  frames: number,
  plane: number,
  layout: 'BCFHW' | 'BFCHW',
  totalChannels = at + n,
): void {
  if (layout === 'BCFHW') {
    dst.set(block, itemOffset + at * frames * plane);
    return;
  }
  for (let ci = 0; ci < n; ci++) {
    for (let fi = 0; fi < frames; fi++) {
      const from = (ci * frames + fi) * plane;
      dst.set(block.subarray(from, from + plane), itemOffset + (fi * totalChannels + at + ci) * plane);
    }
  }
}

function timestepTensor(m: ModelManifest, t: number, batch: number): ort.Tensor {
  if (m.timestepType === 'int64') return new ort.Tensor('int64', new BigInt64Array(batch).fill(BigInt(Math.round(t))), [batch]);
  return new ort.Tensor('float32', new Float32Array(batch).fill(t), [batch]);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
