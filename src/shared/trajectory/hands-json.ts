import { z } from 'zod';
import { MANO_JOINTS } from '../hand/mano';
import { checkJsonHeader, frameCountMismatch, parseJsonText, parseWith, TrajectoryError } from './errors';
import { checkExportOptions, checkHandFrames, MANO_BETAS_LENGTH, MANO_HAND_POSE_LENGTH, stringifyCompact } from './frames';
import { axisAngleToQuat, quatToAxisAngle } from './math';
import type { HandFrame, Vec3 } from './types';

/**
 * Per-frame MANO parameters of both hands:
 *
 * {
 *   "format": "dwm-studio.hands", "version": 1,
 *   "convention": { world, units, global_orient, transl, hand_pose, betas, joint_names: words and fixed values },
 *   "fps": 8, "frame_count": 49,
 *   "frames": [ { "frame": 0,
 *                 "left":  { "visible", "global_orient": [3], "transl": [3], "hand_pose": [45], "betas": [10] },
 *                 "right": { ... } }, ... ]
 * }
 *
 * global_orient is the axis-angle vector of the wrist rotation (HandFrame.wristRotation),
 * transl the wrist position, hand_pose the 45 finger values, betas the shape (zeros = mean).
 * Layout and joint order are MANO's; the axes are the studio's (see CONVENTION below).
 */

export const HANDS_JSON_FORMAT = 'dwm-studio.hands';
export const HANDS_JSON_VERSION = 1;

/** MANO's 15 finger joints in the order of hand_pose (3 values each), as in the MANO and smplx code. */
export const MANO_JOINT_NAMES = MANO_JOINTS;

export interface HandsTrajectory {
  left: HandFrame[];
  right: HandFrame[];
}

export interface HandsJsonOptions {
  fps: number;
}

export interface HandsJsonExpectation {
  /** The shot's frame count; the file must have exactly this many. */
  frames?: number;
}

export interface ImportedHandsJson extends HandsTrajectory {
  fps: number;
}

/**
 * The studio's hand parameters are MANO-style, not MANO's own axes (see src/shared/hand/mano.ts):
 * the wrist rotation is the WebXR wrist joint frame and each finger joint's axis-angle is in an
 * anatomical frame (flexion, abduction, twist) defined on the studio's hand mesh, because
 * MANO's template axes cannot be derived without the (non-redistributable) MANO model. The
 * convention block says so, so nobody feeds these numbers to smplx unconverted by accident.
 */
const CONVENTION = {
  description:
    "MANO-style hand parameters per frame for both hands: MANO's joint order and layout (global_orient, transl, 15 x 3 hand_pose, " +
    "10 betas), but the rotation axes are DWM Studio's, not those of MANO's template: the wrist frame is the WebXR wrist joint frame and " +
    'each finger joint is [flexion, abduction, twist] in an anatomical frame with the same meaning on both hands (see joint_axes). ' +
    'All rotations are axis-angle (Rodrigues) vectors: the direction is the rotation axis and the length the angle in radians; there ' +
    'is no Euler angle order. Positions are in the world: right-handed, +Y up, metres.',
  world: { handedness: 'right', up: '+y', units: 'metres', description: 'right-handed, +Y up, metres (glTF / three.js world)' },
  angle_units: 'radians',
  global_orient: {
    parameterisation: 'axis-angle',
    frame: 'world',
    wrist_frame: 'webxr',
    description:
      'world rotation of the wrist joint frame, WebXR convention: -Z points from the wrist towards the fingers, +Y out of the back of ' +
      'the hand, X = Y x Z. The zero vector is a hand lying palm down with its fingers along world -Z. Length <= pi when written by ' +
      "DWM Studio. This is not MANO's template frame: smplx's global_orient differs by a fixed rotation per hand model",
  },
  transl: {
    point: 'wrist',
    description:
      "world position of the wrist joint, metres. smplx's MANO `transl` argument is an offset added after posing, so for smplx use " +
      'transl - J0(betas), where J0 is the rest-pose wrist of the model with these betas',
  },
  hand_pose: {
    parameterisation: 'axis-angle',
    joints: 15,
    values_per_joint: 3,
    joint_axes: 'dwm-studio-anatomical',
    flat_hand_mean: true,
    use_pca: false,
    description:
      'full finger pose: 15 joints x [x, y, z] in the order of joint_names, each relative to its parent bone; all zeros is the flat ' +
      'open hand (like smplx use_pca=False, flat_hand_mean=True). Axes per joint (the bone frame has -Z along the bone towards the ' +
      'tip and +Y out of the back of the finger): x = flexion, positive curls the finger towards the palm; y = abduction, positive ' +
      'swings the tip towards the thumb side; z = twist about the bone, positive rolls the back of the finger towards the little ' +
      'finger side. The meanings are the same on the left and the right hand',
  },
  betas: { count: 10, description: 'MANO shape coefficients; zeros are the mean shape (written when the shape is unknown)' },
  joint_names: MANO_JOINT_NAMES,
} as const;

const Num = z.number();
const Vec3Schema = z.array(Num).length(3);
const Metres = z.enum(['metres', 'meters']);

const ConventionSchema = z.object({
  world: z.object({ handedness: z.literal('right'), up: z.literal('+y'), units: Metres }),
  angle_units: z.literal('radians'),
  global_orient: z.object({ parameterisation: z.literal('axis-angle'), frame: z.literal('world'), wrist_frame: z.literal('webxr') }),
  transl: z.object({ point: z.literal('wrist') }),
  hand_pose: z.object({
    parameterisation: z.literal('axis-angle'),
    joint_axes: z.literal('dwm-studio-anatomical'),
    flat_hand_mean: z.literal(true),
    use_pca: z.literal(false),
  }),
  joint_names: z.array(z.string()).optional(),
});

const HandSchema = z.object({
  visible: z.boolean(),
  global_orient: Vec3Schema,
  transl: Vec3Schema,
  // Length checked by hand, for a message that says what a wrong length usually means.
  hand_pose: z.array(Num),
  betas: z.array(Num).optional(),
});

const FileSchema = z.object({
  format: z.literal(HANDS_JSON_FORMAT),
  version: z.literal(HANDS_JSON_VERSION),
  convention: ConventionSchema,
  fps: Num.positive().max(1000),
  frame_count: z.int().min(1),
  frames: z.array(z.object({ frame: z.int(), left: HandSchema, right: HandSchema })).min(1),
});

function handEntry(f: HandFrame) {
  return {
    visible: f.visible,
    global_orient: quatToAxisAngle(f.wristRotation),
    transl: f.wristPosition,
    hand_pose: f.fingers,
    betas: f.shape ?? new Array<number>(MANO_BETAS_LENGTH).fill(0),
  };
}

export function exportHandsJson(hands: HandsTrajectory, opts: HandsJsonOptions): string {
  checkExportOptions(opts);
  if (hands.left.length !== hands.right.length) {
    throw new TrajectoryError(`the left hand has ${hands.left.length} frames but the right hand has ${hands.right.length}`, {
      field: 'frames',
    });
  }
  if (hands.left.length === 0) throw new TrajectoryError('there are no hand frames to export', { field: 'frames' });
  const left = checkHandFrames('left', hands.left);
  const right = checkHandFrames('right', hands.right);
  return stringifyCompact({
    format: HANDS_JSON_FORMAT,
    version: HANDS_JSON_VERSION,
    convention: CONVENTION,
    fps: opts.fps,
    frame_count: left.length,
    frames: left.map((l, i) => ({ frame: i, left: handEntry(l), right: handEntry(right[i] as HandFrame) })),
  });
}

function checkJointNames(names: readonly string[]): void {
  const known = new Set<string>(MANO_JOINT_NAMES);
  const unknown = names.findIndex((n) => !known.has(n));
  if (unknown >= 0) {
    throw new TrajectoryError(
      `convention.joint_names[${unknown}] is ${JSON.stringify(names[unknown])}, which is not a MANO finger joint; ` +
        `expected the MANO order ${MANO_JOINT_NAMES.join(', ')}`,
      { field: `convention.joint_names[${unknown}]` },
    );
  }
  if (names.length !== MANO_JOINT_NAMES.length) {
    throw new TrajectoryError(
      `convention.joint_names lists ${names.length} joints; hand_pose has the ${MANO_JOINT_NAMES.length} MANO finger joints ${MANO_JOINT_NAMES.join(', ')}`,
      { field: 'convention.joint_names' },
    );
  }
  const moved = names.findIndex((n, i) => n !== MANO_JOINT_NAMES[i]);
  if (moved >= 0) {
    throw new TrajectoryError(
      `convention.joint_names[${moved}] is ${JSON.stringify(names[moved])} where MANO has ${JSON.stringify(MANO_JOINT_NAMES[moved])}; ` +
        `hand_pose must follow the MANO order ${MANO_JOINT_NAMES.join(', ')}`,
      { field: `convention.joint_names[${moved}]` },
    );
  }
}

function handPoseLengthHint(n: number): string {
  if (n === 48) return ' (48 usually means global_orient is included in front; write it separately)';
  if (n < MANO_HAND_POSE_LENGTH && n > 0) return ' (fewer values usually means PCA components, use_pca=True; write the full 45-value pose)';
  if (n === 60 || n === 63) return ' (that looks like joint positions or another layout, not 15 x 3 axis-angle)';
  return '';
}

/** Largest angle (radians) a finger joint may rotate; anything above is wrapped badly or in degrees. */
const MAX_JOINT_ANGLE = Math.PI + 1e-6;
/** Largest global_orient length accepted (some writers do not wrap angles into 0..pi). */
const MAX_ORIENT_ANGLE = 2 * Math.PI + 1e-6;
/** A wrist farther than this from the world origin was not written in metres. */
const MAX_DISTANCE_M = 1000;

type HandEntry = z.infer<typeof HandSchema>;

function readHand(h: HandEntry, i: number, side: 'left' | 'right'): HandFrame {
  const base = `frames[${i}].${side}`;
  const at = (field: string) => ({ field: `${base}.${field}`, frame: i });
  if (h.hand_pose.length !== MANO_HAND_POSE_LENGTH) {
    throw new TrajectoryError(
      `${base}.hand_pose has ${h.hand_pose.length} values; MANO hand_pose has ${MANO_HAND_POSE_LENGTH} (15 joints x 3 axis-angle)${handPoseLengthHint(h.hand_pose.length)}`,
      at('hand_pose'),
    );
  }
  for (let j = 0; j < MANO_JOINT_NAMES.length; j++) {
    const angle = Math.hypot(h.hand_pose[3 * j] ?? 0, h.hand_pose[3 * j + 1] ?? 0, h.hand_pose[3 * j + 2] ?? 0);
    if (angle > MAX_JOINT_ANGLE) {
      throw new TrajectoryError(
        `${base}.hand_pose: joint ${MANO_JOINT_NAMES[j]} (values ${3 * j}-${3 * j + 2}) rotates ${angle.toFixed(3)} rad; a joint rotation is at most pi ` +
          `(${Math.PI.toFixed(3)}) rad; are the values in degrees?`,
        at('hand_pose'),
      );
    }
  }
  const orient = Math.hypot(...h.global_orient);
  if (orient > MAX_ORIENT_ANGLE) {
    throw new TrajectoryError(
      `${base}.global_orient has length ${orient.toFixed(3)}; an axis-angle vector's length is its angle in radians (at most 2 pi); are the values in degrees?`,
      at('global_orient'),
    );
  }
  const distance = Math.hypot(...h.transl);
  if (distance > MAX_DISTANCE_M) {
    throw new TrajectoryError(
      `${base}.transl is ${distance.toFixed(1)} m from the world origin; positions are in metres (was it written in millimetres?)`,
      at('transl'),
    );
  }
  if (h.betas !== undefined && h.betas.length !== MANO_BETAS_LENGTH) {
    throw new TrajectoryError(`${base}.betas has ${h.betas.length} values; MANO has ${MANO_BETAS_LENGTH} shape coefficients`, at('betas'));
  }
  const frame: HandFrame = {
    visible: h.visible,
    wristPosition: h.transl.slice(0, 3) as Vec3,
    wristRotation: axisAngleToQuat(h.global_orient as Vec3),
    fingers: [...h.hand_pose],
  };
  if (h.betas?.some((b) => b !== 0)) frame.shape = [...h.betas];
  return frame;
}

export function importHandsJson(text: string, expected: HandsJsonExpectation = {}): ImportedHandsJson {
  const raw = parseJsonText(text);
  checkJsonHeader(raw, HANDS_JSON_FORMAT, HANDS_JSON_VERSION, 'DWM Studio hands');
  const file = parseWith(FileSchema, raw);
  if (file.convention.joint_names !== undefined) checkJointNames(file.convention.joint_names);
  if (file.frame_count !== file.frames.length) {
    throw new TrajectoryError(`frame_count says ${file.frame_count} but "frames" lists ${file.frames.length}`, { field: 'frame_count' });
  }
  if (expected.frames !== undefined && file.frames.length !== expected.frames) {
    throw frameCountMismatch(file.frames.length, expected.frames, { field: 'frames' });
  }
  const left: HandFrame[] = [];
  const right: HandFrame[] = [];
  file.frames.forEach((f, i) => {
    if (f.frame !== i) {
      throw new TrajectoryError(`frames[${i}].frame is ${f.frame}; frames must be listed in order from 0 (expected ${i})`, {
        field: `frames[${i}].frame`,
        frame: i,
      });
    }
    left.push(readHand(f.left, i, 'left'));
    right.push(readHand(f.right, i, 'right'));
  });
  return { left, right, fps: file.fps };
}
