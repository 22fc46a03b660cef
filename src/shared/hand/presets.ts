import { type Finger, FLEX, fingerJoints, type HandPose, MANO_JOINT_COUNT, MANO_POSE_LENGTH, zeroPose } from './mano';
import { axisAngleFromQuat, quatFromAxisAngle, quatSlerp, type Vec3 } from './quat';

/**
 * Named hand poses. Values are anatomical [flexion, abduction, twist] per joint (radians, see
 * mano.ts), the same for both hands (they come out as mirror images). Tuned on the shipped
 * mesh with forward kinematics and software renders: the fist closes every finger onto the
 * palm with the thumb across the middle phalanges of the index and middle fingers, the pinch
 * brings the thumb and index tips to about 1 cm (joint centres; the pads touch), the power
 * grasp wraps a cylinder of about 3-4 cm.
 */
export const PRESET_NAMES = ['open', 'relaxed', 'fist', 'power', 'pinch', 'point', 'hook'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

type Joint = Vec3;
type FingerValues = [Joint, Joint, Joint];

/** A pose from per-finger joint values given in MANO finger order. */
function pose(fingers: Record<Finger, FingerValues>): HandPose {
  const order: Finger[] = ['index', 'middle', 'pinky', 'ring', 'thumb'];
  return { fingers: order.flatMap((f) => fingers[f].flat()) };
}

/** Pure flexion of a finger's three joints. */
const flex = (mcp: number, pip: number, dip: number): FingerValues => [
  [mcp, 0, 0],
  [pip, 0, 0],
  [dip, 0, 0],
];

const FIST_FINGER = flex(1.45, 1.65, 0.9);
/** Thumb folded across the middle phalanges of the index and middle fingers. */
const THUMB_TUCKED: FingerValues = [
  [0.27, 0.12, 0.1],
  [1.0, 0, 0],
  [1.05, 0, 0],
];

const PRESETS: Record<PresetName, HandPose> = {
  open: zeroPose(),
  relaxed: pose({
    index: flex(0.2, 0.3, 0.15),
    middle: flex(0.25, 0.35, 0.2),
    pinky: flex(0.35, 0.45, 0.25),
    ring: flex(0.3, 0.4, 0.2),
    thumb: [
      [0.1, 0.2, 0],
      [0.15, 0, 0],
      [0.15, 0, 0],
    ],
  }),
  fist: pose({ index: FIST_FINGER, middle: FIST_FINGER, pinky: FIST_FINGER, ring: FIST_FINGER, thumb: THUMB_TUCKED }),
  power: pose({
    index: flex(0.9, 1.2, 0.6),
    middle: flex(0.9, 1.2, 0.6),
    pinky: flex(0.9, 1.2, 0.6),
    ring: flex(0.9, 1.2, 0.6),
    thumb: [
      [0.7, 0.3, 0],
      [0.2, 0, 0],
      [0.15, 0, 0],
    ],
  }),
  pinch: pose({
    index: flex(0.85, 0.96, 0.37),
    middle: flex(0.5, 0.7, 0.4),
    pinky: flex(0.7, 0.9, 0.5),
    ring: flex(0.6, 0.8, 0.45),
    thumb: [
      [0.55, 0.17, 0.13],
      [0.35, 0, 0],
      [0.35, 0, 0],
    ],
  }),
  point: pose({ index: flex(0, 0, 0), middle: FIST_FINGER, pinky: FIST_FINGER, ring: FIST_FINGER, thumb: THUMB_TUCKED }),
  hook: pose({
    index: flex(0, 1.6, 1.0),
    middle: flex(0, 1.6, 1.0),
    pinky: flex(0, 1.6, 1.0),
    ring: flex(0, 1.6, 1.0),
    thumb: [
      [0.1, 0.1, 0],
      [0.1, 0, 0],
      [0.1, 0, 0],
    ],
  }),
};

for (const p of Object.values(PRESETS)) Object.freeze(p.fingers);

/** The presets, frozen; presetPose gives a copy to edit. */
export const HAND_PRESETS: Readonly<Record<PresetName, Readonly<HandPose>>> = Object.freeze(PRESETS);

/** A fresh copy of a named preset. */
export function presetPose(name: PresetName): HandPose {
  return { fingers: PRESETS[name].fingers.slice() };
}

/**
 * Per-joint blend of two poses: each joint's rotation is slerped along the short arc (never a
 * component-wise mix of axis-angle values, which would not follow the rotation). t is clamped to
 * [0, 1]; t = 0 and t = 1 return copies of a and b exactly. Angles come back in [0, pi].
 */
export function blendPose(a: HandPose, b: HandPose, t: number): HandPose {
  if (!(t > 0)) return { fingers: a.fingers.slice() };
  if (t >= 1) return { fingers: b.fingers.slice() };
  const fingers = new Array<number>(MANO_POSE_LENGTH);
  for (let j = 0; j < MANO_JOINT_COUNT; j++) {
    const qa = quatFromAxisAngle([a.fingers[3 * j] ?? 0, a.fingers[3 * j + 1] ?? 0, a.fingers[3 * j + 2] ?? 0]);
    const qb = quatFromAxisAngle([b.fingers[3 * j] ?? 0, b.fingers[3 * j + 1] ?? 0, b.fingers[3 * j + 2] ?? 0]);
    const v = axisAngleFromQuat(quatSlerp(qa, qb, t));
    fingers[3 * j] = v[0];
    fingers[3 * j + 1] = v[1];
    fingers[3 * j + 2] = v[2];
  }
  return { fingers };
}

/** Targets a grasp can close onto. */
export type GraspTarget = Exclude<PresetName, 'open'>;

/** The open hand closing onto a grasp: t = 0 open, t = 1 the target preset (t clamped to [0, 1]). */
export function graspPose(t: number, target: GraspTarget = 'power'): HandPose {
  return blendPose(PRESETS.open, PRESETS[target], t);
}

/**
 * Flexion of each finger's joints (knuckle, middle, outer) at full curl: the fist's. For the
 * thumb, the flexion part of its tucked position.
 */
export const FINGER_CURL_PROFILE: Readonly<Record<Finger, Readonly<Vec3>>> = {
  index: [1.45, 1.65, 0.9],
  middle: [1.45, 1.65, 0.9],
  pinky: [1.45, 1.65, 0.9],
  ring: [1.45, 1.65, 0.9],
  thumb: [0.27, 1.0, 1.05],
};

/**
 * Curl one finger: its three joints' flexion becomes amount x FINGER_CURL_PROFILE (amount
 * clamped to [0, 1]: 0 straight, 1 as in the fist); their abduction and twist are kept, the
 * other fingers are untouched.
 */
export function fingerCurl(pose: HandPose, finger: Finger, amount: number): HandPose {
  const a = Math.min(1, Math.max(0, Number.isFinite(amount) ? amount : 0));
  const fingers = pose.fingers.slice();
  const profile = FINGER_CURL_PROFILE[finger];
  fingerJoints(finger).forEach((j, k) => {
    fingers[3 * j + FLEX] = a * (profile[k] as number);
  });
  return { fingers };
}
