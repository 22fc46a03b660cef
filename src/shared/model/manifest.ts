import { z } from 'zod';
import { ConditioningSpec } from '../conditioning/spec';

/**
 * A model bundle is a folder: `manifest.json` (this schema) plus the ONNX graphs and tokenizer
 * files it names. The pipeline reads everything model-specific from here, so a new model is a
 * new folder, never new code. docs/model-bundles.md describes the format for bundle authors;
 * docs/model-bundle.schema.json is generated from this file (npm run schemas).
 */

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

/** A file inside the bundle folder: relative, forward slashes, never leaving the folder. */
export const BundlePath = z
  .string()
  .min(1)
  .max(512)
  .refine((p) => !p.startsWith('/') && !/^[a-zA-Z]:/.test(p) && !p.includes('\\'), 'must be a relative path with forward slashes')
  .refine((p) => !p.split('/').includes('..'), 'may not contain ".."');

export const ModelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'an id is 1-100 lower-case letters, digits, dots, dashes or underscores');

/** One ONNX graph of the bundle and the names of the tensors the pipeline feeds and reads. */
const Graph = <I extends z.ZodRawShape, O extends z.ZodRawShape>(inputs: I, outputs: O) =>
  z.object({
    file: BundlePath,
    /** External-data files onnxruntime reads beside the graph (weights over 2 GB live there); listed so a missing one is reported before loading. */
    externalData: z.array(BundlePath).max(64).default([]),
    inputs: z.object(inputs).strict(),
    outputs: z.object(outputs).strict(),
  });

const TensorName = z.string().min(1).max(200);

export const TextEncoderGraph = Graph(
  { inputIds: TensorName.default('input_ids'), attentionMask: TensorName.optional() },
  { hiddenStates: TensorName.default('last_hidden_state') },
);
/** Pixels in: [1, 3, F, H, W], float32 in [-1, 1]. Latents out: [1, C, F', H', W'] (the distribution's mean). */
export const VaeEncoderGraph = Graph({ video: TensorName.default('video') }, { latent: TensorName.default('latent') });
/** Latents in: [1, C, F', H', W'] (unscaled). Pixels out: [1, 3, F, H, W] in [-1, 1]. */
export const VaeDecoderGraph = Graph({ latent: TensorName.default('latent') }, { video: TensorName.default('video') });
/**
 * The denoiser sees the noisy latents with the conditioning concatenated on the channel axis
 * (in `latent.layout`), the timestep per batch item, and the text embedding when the model
 * uses a prompt. It returns what `scheduler.predictionType` says (noise, v or flow velocity).
 */
export const DenoiserGraph = Graph(
  {
    sample: TensorName.default('hidden_states'),
    timestep: TensorName.default('timestep'),
    text: TensorName.optional(),
  },
  { prediction: TensorName.default('prediction') },
);

/** Where the conditioning channels come from, in the order they are concatenated after the noisy latents. */
export const ConditioningPart = z.discriminatedUnion('source', [
  /** An inpainting mask of constant value (DWM: all zeros, i.e. "keep everything of the static video"). */
  z.object({ source: z.literal('mask'), channels: z.int().min(1).max(64), value: z.number() }),
  /** The static-scene video, VAE-encoded and scaled (the inpainting "masked video" in DWM). */
  z.object({ source: z.literal('static') }),
  /** The hand-mesh video, VAE-encoded and scaled (DWM's extra input channels). */
  z.object({ source: z.literal('hands') }),
]);
export type ConditioningPart = z.infer<typeof ConditioningPart>;

export const LatentLayout = z.object({
  channels: z.int().min(1).max(1024),
  /** Frames per latent frame after the first (CogVideoX and Wan VAEs: 4, so 49 frames -> 13). */
  temporalCompression: z.int().min(1).max(64),
  /** Pixels per latent pixel on each side (8 for the CogVideoX and Wan VAEs). */
  spatialCompression: z.int().min(1).max(64),
  /** Axis order the denoiser expects: diffusers' CogVideoX transformer takes B,F,C,H,W; Wan and UNets B,C,F,H,W. */
  layout: z.enum(['BCFHW', 'BFCHW']),
  /** latents fed to the denoiser = (vae latent - shift) * scaling; decoding undoes it. */
  scalingFactor: z.number().positive(),
  shiftFactor: z.number().default(0),
});
export type LatentLayout = z.infer<typeof LatentLayout>;

const BetaSchedule = z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']);
const TimestepSpacing = z.enum(['leading', 'trailing', 'linspace']);

/** diffusers' DDIMScheduler (eta = 0) and CogVideoXDDIMScheduler (the same with an SNR shift), by their config names. */
export const DdimSchedulerConfig = z.object({
  type: z.enum(['ddim', 'cogvideox-ddim']),
  numTrainTimesteps: z.int().min(1).max(100_000).default(1000),
  betaSchedule: BetaSchedule.default('scaled_linear'),
  betaStart: z.number().positive().default(0.00085),
  betaEnd: z.number().positive().default(0.012),
  predictionType: z.enum(['epsilon', 'v_prediction', 'sample']).default('epsilon'),
  timestepSpacing: TimestepSpacing.default('leading'),
  stepsOffset: z.int().min(0).default(0),
  setAlphaToOne: z.boolean().default(true),
  rescaleBetasZeroSnr: z.boolean().default(false),
  /** CogVideoXDDIMScheduler only: alphas_cumprod / (s + (1 - s) alphas_cumprod). */
  snrShiftScale: z.number().positive().default(1),
});
/** diffusers' FlowMatchEulerDiscreteScheduler without dynamic shifting (Wan: shift 5). */
export const FlowEulerSchedulerConfig = z.object({
  type: z.literal('flow-euler'),
  numTrainTimesteps: z.int().min(1).max(100_000).default(1000),
  shift: z.number().positive().default(1),
});
export const SchedulerConfig = z.discriminatedUnion('type', [DdimSchedulerConfig, FlowEulerSchedulerConfig]);
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;

export const ModelManifest = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION),
    id: ModelId,
    name: z.string().trim().min(1).max(200),
    version: z.string().min(1).max(50),
    description: z.string().max(4000).default(''),
    license: z.string().max(200).default(''),
    /** A baseline is not a learned model (e.g. the overlay bundle); the UI labels it so everywhere. */
    baseline: z.boolean().default(false),
    /** What the conditioning renderer must produce for this model. */
    conditioning: ConditioningSpec,
    /** Which inputs the model actually reads; the UI greys out the rest. */
    uses: z.object({ prompt: z.boolean(), staticVideo: z.boolean(), handsVideo: z.boolean() }),
    graphs: z.object({
      textEncoder: TextEncoderGraph.optional(),
      vaeEncoder: VaeEncoderGraph,
      denoiser: DenoiserGraph,
      vaeDecoder: VaeDecoderGraph,
    }),
    tokenizer: z
      .object({
        /** A Hugging Face tokenizer.json (read with @huggingface/tokenizers). */
        file: BundlePath,
        config: BundlePath.optional(),
        /** Prompts are padded or truncated to this many tokens (CogVideoX: 226). */
        maxLength: z.int().min(1).max(4096),
      })
      .optional(),
    latent: LatentLayout,
    /** Concatenated after the noisy latents on the channel axis, in this order. */
    conditioningLayout: z.array(ConditioningPart).max(8),
    /** The timestep tensor's element type in the denoiser graph. */
    timestepType: z.enum(['float32', 'int64']).default('float32'),
    scheduler: SchedulerConfig,
    defaults: z.object({
      steps: z.int().min(1).max(1000),
      guidance: z.number().min(0).max(50),
      negativePrompt: z.string().max(4000).default(''),
      seed: z.int().min(0).max(0xffffffff).default(42),
    }),
  })
  .superRefine((m, ctx) => {
    if (m.uses.prompt && (!m.graphs.textEncoder || !m.tokenizer || !m.graphs.denoiser.inputs.text)) {
      ctx.addIssue({
        code: 'custom',
        path: ['uses', 'prompt'],
        message: 'a model that uses the prompt needs graphs.textEncoder, tokenizer and graphs.denoiser.inputs.text',
      });
    }
    const sources = m.conditioningLayout.map((p) => p.source);
    if (m.uses.staticVideo !== sources.includes('static')) {
      ctx.addIssue({ code: 'custom', path: ['conditioningLayout'], message: 'uses.staticVideo and a "static" part must go together' });
    }
    if (m.uses.handsVideo !== sources.includes('hands')) {
      ctx.addIssue({ code: 'custom', path: ['conditioningLayout'], message: 'uses.handsVideo and a "hands" part must go together' });
    }
    const { frames, width, height } = m.conditioning;
    if ((frames - 1) % m.latent.temporalCompression !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditioning', 'frames'],
        message: `frames - 1 must be a multiple of latent.temporalCompression (${m.latent.temporalCompression})`,
      });
    }
    if (width % m.latent.spatialCompression !== 0 || height % m.latent.spatialCompression !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['conditioning', 'width'],
        message: `width and height must be multiples of latent.spatialCompression (${m.latent.spatialCompression})`,
      });
    }
  });
export type ModelManifest = z.infer<typeof ModelManifest>;

/** Latent tensor shape [C, F', H', W'] for the manifest's video size (batch excluded, in B,C,F,H,W order). */
export function latentShape(m: Pick<ModelManifest, 'conditioning' | 'latent'>): [number, number, number, number] {
  const { frames, width, height } = m.conditioning;
  const { channels, temporalCompression: t, spatialCompression: s } = m.latent;
  return [channels, (frames - 1) / t + 1, height / s, width / s];
}

/** Channels of the conditioning concatenated after the noisy latents. */
export function conditioningChannels(m: Pick<ModelManifest, 'conditioningLayout' | 'latent'>): number {
  return m.conditioningLayout.reduce((n, p) => n + (p.source === 'mask' ? p.channels : m.latent.channels), 0);
}
