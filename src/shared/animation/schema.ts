import { z } from 'zod';

/**
 * Keyframe animation of a shot, modelled on Theatre.js: a key holds a value at a frame and
 * the interpolation towards the next key is stored on the left key. Frames are whole
 * numbers at the shot's fps; sampling works at any, also fractional, frame.
 */

export const Interpolation = z.enum(['bezier', 'linear', 'hold']);
export type Interpolation = z.infer<typeof Interpolation>;

export const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
export type Vec3 = z.infer<typeof Vec3>;

/** Unit quaternion [x, y, z, w] (three.js order). */
export const Quat = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .refine((q) => Math.abs(Math.hypot(...q) - 1) < 1e-3, 'a rotation must be a unit quaternion');
export type Quat = z.infer<typeof Quat>;

/** Ids are short random strings, unique within their channel. */
const KeyId = z.string().min(1).max(64);
const Frame = z.int().min(0).max(100_000);

/**
 * Bezier handles of a scalar/vector key as [frames, value delta] pairs relative to the key,
 * one per component; absent means automatic, clamped handles (no overshoot between keys).
 */
const Handle = z.tuple([z.number(), z.number()]);

function keySchema<T extends z.ZodType>(value: T) {
  return z.object({
    id: KeyId,
    frame: Frame,
    value,
    /** How the value travels from this key to the next one. */
    interpolation: Interpolation,
    /** Manual handles per component (in, out); omitted = auto-clamped. */
    handles: z.array(z.object({ in: Handle, out: Handle })).optional(),
  });
}

function channelSchema<T extends z.ZodType>(value: T) {
  return z
    .object({ keys: z.array(keySchema(value)).max(100_000) })
    .refine((c) => c.keys.every((k, i) => i === 0 || k.frame > (c.keys[i - 1]?.frame ?? -1)), {
      message: 'keys must be sorted by frame, one key per frame',
      path: ['keys'],
    })
    .refine((c) => new Set(c.keys.map((k) => k.id)).size === c.keys.length, { message: 'key ids must be unique', path: ['keys'] });
}

export const ScalarKey = keySchema(z.number());
export const Vec3Key = keySchema(Vec3);
export const QuatKey = keySchema(Quat);
/** 15 finger joints x 3 axis-angle values (MANO order), radians. */
export const FingerPose = z.array(z.number()).length(45);
export const FingerKey = keySchema(FingerPose);
export const BoolKey = keySchema(z.boolean());

export const ScalarChannel = channelSchema(z.number());
export const Vec3Channel = channelSchema(Vec3);
export const QuatChannel = channelSchema(Quat);
export const FingerChannel = channelSchema(FingerPose);
export const BoolChannel = channelSchema(z.boolean());

export type ScalarKey = z.infer<typeof ScalarKey>;
export type Vec3Key = z.infer<typeof Vec3Key>;
export type QuatKey = z.infer<typeof QuatKey>;
export type FingerKey = z.infer<typeof FingerKey>;
export type BoolKey = z.infer<typeof BoolKey>;
export type ScalarChannel = z.infer<typeof ScalarChannel>;
export type Vec3Channel = z.infer<typeof Vec3Channel>;
export type QuatChannel = z.infer<typeof QuatChannel>;
export type FingerChannel = z.infer<typeof FingerChannel>;
export type BoolChannel = z.infer<typeof BoolChannel>;

/** The egocentric camera: world position (metres), orientation (three.js camera: looks down -Z, Y up), vertical field of view. */
export const CameraTrack = z.object({
  position: Vec3Channel,
  rotation: QuatChannel,
  /** Vertical field of view in degrees. */
  fovY: ScalarChannel,
});
export type CameraTrack = z.infer<typeof CameraTrack>;

/** One hand: wrist pose in the world, finger articulation (MANO axis-angle), visibility. */
export const HandTrack = z.object({
  wristPosition: Vec3Channel,
  wristRotation: QuatChannel,
  fingers: FingerChannel,
  visible: BoolChannel,
});
export type HandTrack = z.infer<typeof HandTrack>;

/** A path inside the project: relative, '/'-separated, never climbing out (the rule SceneAsset's files follow). */
const ProjectPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !/^[a-zA-Z]:/.test(p) && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the project',
  });

/** An absolute path on the machine that imported the files (POSIX, drive letter or UNC), kept for the record. */
const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\')), {
    message: 'must be an absolute path',
  });

/** A sample id of the reference layout, also the name of the sample's folder under samples/. */
export const SampleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a sample id is 1-128 letters, digits, dots, dashes or underscores')
  .refine((id) => !id.includes('..'), 'a sample id may not contain ".."');

/**
 * Conditioning that came from files (a sample of the DWM reference layout) instead of being
 * rendered from the shot's camera and hands. The videos are copies inside the project; the
 * ground truth (the real recording) is kept for comparing takes against it.
 */
export const ShotConditioning = z.object({
  source: z.literal('files'),
  /** The static-scene video, relative to the project folder. */
  staticVideo: ProjectPath,
  /** The hand-mesh video, relative to the project folder. */
  handsVideo: ProjectPath,
  /** The recorded interaction video, relative to the project folder; null when the sample had none. */
  groundTruth: ProjectPath.nullable(),
  /** The sample folder the files were copied from. */
  importedFrom: AbsolutePath,
  sampleId: SampleId,
});
export type ShotConditioning = z.infer<typeof ShotConditioning>;

/** A shot as schema 4 stored it (read only by the v4 -> v5 migration). */
export const ShotV4 = z.object({
  id: z.uuid(),
  name: z.string().trim().min(1).max(200),
  /** Length in frames (DWM: 49) and rate (DWM: 8 fps), from the active model's defaults. */
  frames: z.int().min(2).max(10_000),
  fps: z.number().positive().max(240),
  /** The scene the shot is staged in. */
  sceneId: z.uuid().nullable(),
  prompt: z.string().max(4000).default(''),
  camera: CameraTrack,
  hands: z.object({ left: HandTrack, right: HandTrack }),
});
export type ShotV4 = z.infer<typeof ShotV4>;

/** The current shot (schema 5): adds conditioning imported from files. */
export const Shot = ShotV4.extend({
  /** Absent: the conditioning videos are rendered from the camera and hand tracks. */
  conditioning: ShotConditioning.optional(),
});
export type Shot = z.infer<typeof Shot>;

export type ChannelValue = number | Vec3 | Quat | number[] | boolean;
