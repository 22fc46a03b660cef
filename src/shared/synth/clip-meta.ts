import { z } from 'zod';
import { ConditioningSpec } from '../conditioning/spec';
import { PART_KINDS, type PartKind } from '../scene/part-kind';

/**
 * What a synthetic training clip records beside its four videos (meta/<clip>.json): a
 * contract with the Python trainer (tools/dwm_train), so every field is validated in main
 * before anything is written.
 */

const Finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Vec3 = z.tuple([Finite, Finite, Finite]);
const Quat = z.tuple([Finite, Finite, Finite, Finite]);

/** `<roomSeed 5 digits>_<clip index 2 digits>`, e.g. 01003_04. */
export const CLIP_NAME = /^\d{5,10}_\d{2,4}$/;

export function clipName(roomSeed: number, index: number): string {
  return `${String(roomSeed).padStart(5, '0')}_${String(index).padStart(2, '0')}`;
}

export const ClipPart = z.object({
  node: z.string().min(1).max(200),
  label: z.string().min(1).max(200),
  /** drawer (slides out), door (upright hinge), lid (level hinge), lift (a loose object raised straight up). */
  kind: z.enum(PART_KINDS),
  type: z.enum(['prismatic', 'revolute']),
});

/**
 * The beats, in frames. Drawers and doors are `pulled` open; lids are `lifted` open; a lifted
 * object is `lifted` to the top and `setDown` on its surface again before the release.
 */
export const ClipTiming = z.object({
  reach: z.int().min(0),
  preGrasp: z.int().min(0),
  grasp: z.int().min(0),
  pulled: z.int().min(0).optional(),
  lifted: z.int().min(0).optional(),
  setDown: z.int().min(0).optional(),
  release: z.int().min(0),
});
export type ClipTiming = z.infer<typeof ClipTiming>;

/** Which beats a part kind's clip has, in order. */
export function clipBeatNames(kind: PartKind): (keyof ClipTiming)[] {
  if (kind === 'lift') return ['reach', 'preGrasp', 'grasp', 'lifted', 'setDown', 'release'];
  if (kind === 'lid') return ['reach', 'preGrasp', 'grasp', 'lifted', 'release'];
  return ['reach', 'preGrasp', 'grasp', 'pulled', 'release'];
}

/** Why a clip's beats do not fit its kind and length (each beat present, strictly in order, inside the clip), or null. */
export function clipTimingProblem(kind: PartKind, timing: ClipTiming, frames: number): string | null {
  const names = clipBeatNames(kind);
  const extra = (Object.keys(timing) as (keyof ClipTiming)[]).filter((k) => timing[k] !== undefined && !names.includes(k));
  const missing = names.filter((k) => timing[k] === undefined);
  const order = `${names.join(' < ')} < ${frames}`;
  if (missing.length || extra.length)
    return `a ${kind}'s timing has the beats ${names.join(', ')}${extra.length ? `, not ${extra.join(', ')}` : ''}`;
  const frame = names.map((k) => timing[k] as number);
  if (frame.some((f, i) => i > 0 && f <= (frame[i - 1] as number)) || (frame.at(-1) as number) >= frames) return `timing must be ${order}`;
  return null;
}

export const ClipLights = z.object({
  hemisphereIntensity: Finite,
  sunIntensity: Finite,
  /** Unit vector from the scene towards the sun. */
  sunDirection: Vec3,
});
export type ClipLights = z.infer<typeof ClipLights>;

export const CameraPose = z.object({ position: Vec3, rotation: Quat, fovY: Finite });

/** Everything of meta/<clip>.json except the spec, which main adds from the set it belongs to. */
export const ClipMetaInput = z
  .object({
    clip: z.string().regex(CLIP_NAME, 'must be <roomSeed 5 digits>_<clip index 2 digits>'),
    roomSeed: z.int().min(0),
    clipSeed: z.int().min(0),
    part: ClipPart,
    side: z.enum(['left', 'right']),
    fovY: Finite,
    timing: ClipTiming,
    /** Joint value per frame: metres (prismatic) or radians (revolute). */
    joint: z.array(Finite),
    lights: ClipLights,
    camera: z.array(CameraPose),
    prompt: z.string().trim().min(1).max(1000),
  })
  .strict();
export type ClipMetaInput = z.infer<typeof ClipMetaInput>;

export const ClipMeta = ClipMetaInput.omit({ prompt: true }).extend({ spec: ConditioningSpec });
export type ClipMeta = z.infer<typeof ClipMeta>;

export const ClipIndexEntry = z.object({
  clip: z.string().regex(CLIP_NAME),
  roomSeed: z.int().min(0),
  partKind: ClipPart.shape.kind,
  partLabel: z.string(),
  side: z.enum(['left', 'right']),
});
export type ClipIndexEntry = z.infer<typeof ClipIndexEntry>;

/** <set>/clips.json */
export const ClipIndex = z.object({ version: z.literal(1), spec: ConditioningSpec, clips: z.array(ClipIndexEntry) });
export type ClipIndex = z.infer<typeof ClipIndex>;

/** Size, length and rate a clip set may override; the rest of the spec is the default model's look. */
export const ClipSetSize = z
  .object({
    width: ConditioningSpec.shape.width.optional(),
    height: ConditioningSpec.shape.height.optional(),
    frames: z.int().min(8).max(1000).optional(),
    fps: ConditioningSpec.shape.fps.optional(),
  })
  .strict();
export type ClipSetSize = z.infer<typeof ClipSetSize>;

/** Defaults of generated clips: small, like the learned model's training data. */
export const CLIP_SET_DEFAULT_SIZE = { width: 144, height: 96, frames: 49, fps: 8 } as const;
