import { z } from 'zod';
import { ModelId } from './manifest';
import { TakeMetrics } from './metrics';

/**
 * A take: one generation of a shot. Its folder `takes/<id>/` holds take.json (this schema),
 * the two conditioning videos as they were when the take was queued, and, once done, the
 * generated video. take.json is the take's whole record: queue state, every parameter, the
 * bundle's hash, the provider that really ran, timings and the app version, so a take can be
 * reproduced and nothing about it is lost when project.json changes.
 */

export const TAKE_FILE = 'take.json';
export const TAKES_DIR = 'takes';
export const TAKE_SCHEMA_VERSION = 1;

export const ProviderChoice = z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
export type ProviderChoice = z.infer<typeof ProviderChoice>;

export const TakeStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type TakeStatus = z.infer<typeof TakeStatus>;

export const Seed = z.int().min(0).max(0xffffffff);

/** What the user chooses for a generation; anything omitted comes from the model's defaults. */
export const GenerationParams = z.object({
  modelId: ModelId,
  prompt: z.string().max(4000),
  negativePrompt: z.string().max(4000),
  seed: Seed,
  steps: z.int().min(1).max(1000),
  guidance: z.number().min(0).max(50),
  provider: ProviderChoice,
});
export type GenerationParams = z.infer<typeof GenerationParams>;

const IsoDate = z.iso.datetime({ offset: true });

export const TakeTag = z.string().trim().min(1).max(40);

/** Review state: a 0-5 star rating (0 = not rated), a flag, free tags and a note. */
export const TakeReview = z.object({
  rating: z.int().min(0).max(5),
  flagged: z.boolean(),
  tags: z.array(TakeTag).max(20),
  note: z.string().max(4000),
});
export type TakeReview = z.infer<typeof TakeReview>;

export const TakeTimings = z.object({
  queuedAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  /** Milliseconds per phase of the last attempt. */
  loadMs: z.number().min(0).nullable(),
  textMs: z.number().min(0).nullable(),
  encodeMs: z.number().min(0).nullable(),
  denoiseMs: z.number().min(0).nullable(),
  decodeMs: z.number().min(0).nullable(),
  writeMs: z.number().min(0).nullable(),
  totalMs: z.number().min(0).nullable(),
  stepMs: z.array(z.number().min(0)).max(1000),
});
export type TakeTimings = z.infer<typeof TakeTimings>;

export const TakeRecord = z.object({
  schemaVersion: z.literal(TAKE_SCHEMA_VERSION),
  id: z.uuid(),
  /** The shot it belongs to; null for takes made by `dwm-studio generate` outside a project. */
  shotId: z.uuid().nullable(),
  name: z.string().trim().min(1).max(200),
  createdAt: IsoDate,
  params: GenerationParams,
  model: z.object({
    id: ModelId,
    name: z.string(),
    version: z.string(),
    baseline: z.boolean(),
    /** sha256 over the manifest and every file it names. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  /** Files inside the take folder. */
  files: z.object({
    staticVideo: z.string(),
    handsVideo: z.string(),
    video: z.string(),
    /** The camera and hands per frame (a copy of the render's poses.json); absent when the conditioning came from video files. */
    poses: z.string().optional(),
    /** Bin thumbnails, made once the take is done. */
    poster: z.string().optional(),
    preview: z.string().optional(),
  }),
  status: TakeStatus,
  /** Why the last attempt failed, or what happened to it (e.g. requeued after the app quit). */
  message: z.string().max(4000).nullable(),
  attempts: z.int().min(0),
  /** The execution provider that really ran, and why it is not the one asked for when it differs. */
  providerUsed: z.string().nullable(),
  providerNotice: z.string().nullable(),
  output: z.object({ frames: z.int().min(1), width: z.int().min(1), height: z.int().min(1), fps: z.number().positive() }).nullable(),
  timings: TakeTimings,
  appVersion: z.string(),
  /** The user's judgement; absent in take.json files written before review existed. */
  review: TakeReview.default({ rating: 0, flagged: false, tags: [], note: '' }),
  /** The take this one re-ran (same settings, same or new seed), for provenance. */
  rerunOf: z.uuid().nullable().default(null),
  /** Quality figures (against the ground truth when the shot has one), computed once the take is done; null until then. */
  metrics: TakeMetrics.nullable().default(null),
});
export type TakeRecord = z.infer<typeof TakeRecord>;

/** Pushed while a take runs (not stored: take.json changes only when the state does). */
export const TakeProgress = z.object({
  takeId: z.uuid(),
  shotId: z.uuid().nullable(),
  phase: z.enum(['queued', 'load', 'text', 'encode', 'denoise', 'decode', 'write', 'metrics']),
  step: z.int().min(0),
  steps: z.int().min(0),
  elapsedMs: z.number().min(0),
  /** Estimated time left; null until a step has been timed. */
  etaMs: z.number().min(0).nullable(),
});
export type TakeProgress = z.infer<typeof TakeProgress>;

/** Timings of a take that has not run yet. */
export function emptyTakeTimings(queuedAt: Date = new Date()): TakeTimings {
  return {
    queuedAt: queuedAt.toISOString(),
    startedAt: null,
    finishedAt: null,
    loadMs: null,
    textMs: null,
    encodeMs: null,
    denoiseMs: null,
    decodeMs: null,
    writeMs: null,
    totalMs: null,
    stepMs: [],
  };
}

/** A take as it is queued (the CLI then marks it running at once). */
export function newTakeRecord(init: {
  id: string;
  shotId: string | null;
  name: string;
  params: GenerationParams;
  model: TakeRecord['model'];
  appVersion: string;
  now?: Date;
  rerunOf?: string | null;
}): TakeRecord {
  const now = init.now ?? new Date();
  return {
    schemaVersion: TAKE_SCHEMA_VERSION,
    id: init.id,
    shotId: init.shotId,
    name: init.name,
    createdAt: now.toISOString(),
    params: init.params,
    model: init.model,
    files: { staticVideo: 'static.mp4', handsVideo: 'hands.mp4', video: 'generated.mp4' },
    status: 'queued',
    message: null,
    attempts: 0,
    providerUsed: null,
    providerNotice: null,
    output: null,
    timings: emptyTakeTimings(now),
    appVersion: init.appVersion,
    review: { rating: 0, flagged: false, tags: [], note: '' },
    rerunOf: init.rerunOf ?? null,
    metrics: null,
  };
}
