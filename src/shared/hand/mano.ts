import type { RigidTransform, Vec3 } from './quat';

/**
 * MANO-style hand parameters for the timeline.
 *
 * A hand is a wrist transform (MANO's global orientation + translation) and 15 finger joints
 * x 3 axis-angle values (radians) in MANO's joint order: index1..3, middle1..3, pinky1..3,
 * ring1..3, thumb1..3 (note: pinky before ring, as in MANO). Joint 1 of a finger is its
 * knuckle (MCP; for the thumb the CMC at the base of the metacarpal), 2 the middle joint (PIP;
 * thumb MCP), 3 the outer joint (DIP; thumb IP). Each joint's rotation turns the bones distal
 * to it. The zero pose is the mesh's rest pose: a flat, open hand.
 *
 * JOINT FRAME CONVENTION (ours, MANO-style; not MANO's own axes)
 *
 * MANO expresses each joint's axis-angle in axes that are parallel to the world axes of its
 * canonical (flat) template, and those differ between its right and its mirrored left model.
 * Deriving them needs the MANO template, which may not be redistributed, so this project
 * defines its own anatomical frame per joint, built on the bone frames of the hand mesh. The
 * mesh follows the WebXR joint convention: at every joint, -Z points along the bone towards
 * the finger tip and +Y points out of the back of the hand (the nail side), X = Y x Z. The
 * anatomical components of a joint's axis-angle vector [x, y, z] are:
 *
 *  - x, FLEXION: rotation about the bone's -X axis. Positive curls the finger towards the palm
 *    (the tip moves to the palm side, -Y); negative hyper-extends it.
 *  - y, ABDUCTION: rotation about the bone's Y axis (the back-of-hand normal). Positive swings
 *    the tip towards the thumb side (radial deviation), negative towards the little finger.
 *  - z, TWIST: rotation about the bone's long axis. Positive rolls the back of the finger
 *    towards the little-finger side (the supination direction).
 *
 * The meanings are the same on both hands, so one HandPose gives mirror-image left and right
 * hands (presets serve both). In bone axes that is (x, y, z)_anatomical -> bone axis-angle
 * (-x, +y, -z) on the right hand and (-x, -y, +z) on the left (see webxr-mapping.ts), i.e. the
 * anatomical frame is right-handed on both hands: (-X, Y, -Z) of the bone on the right hand,
 * (-X, -Y, Z) on the left.
 *
 * The thumb uses the same rule in its own bone frames (the mesh's thumb bones are rolled about
 * 70 degrees about their long axis relative to the fingers, nail facing sideways). At thumb1
 * (CMC) that gives: x > 0 swings the thumb across the palm towards the little finger (CMC
 * flexion), y > 0 lifts it out in front of the palm (palmar abduction), z rolls it; opposition
 * is a mix of all three (see the pinch preset). At thumb2/thumb3 (MCP/IP) x > 0 bends the thumb
 * towards its pad.
 *
 * Metacarpals of the four fingers, finger tips and the wrist have no MANO joint: they keep
 * their rest rotation relative to their parent.
 */

export type HandSide = 'left' | 'right';
export const HAND_SIDES: readonly HandSide[] = ['left', 'right'];

/** MANO's finger order. */
export const MANO_FINGERS = ['index', 'middle', 'pinky', 'ring', 'thumb'] as const;
export type Finger = (typeof MANO_FINGERS)[number];

/** MANO's 15 finger joints, in order. */
export const MANO_JOINTS = [
  'index1',
  'index2',
  'index3',
  'middle1',
  'middle2',
  'middle3',
  'pinky1',
  'pinky2',
  'pinky3',
  'ring1',
  'ring2',
  'ring3',
  'thumb1',
  'thumb2',
  'thumb3',
] as const;
export type ManoJointName = (typeof MANO_JOINTS)[number];

export const MANO_JOINT_COUNT = 15;
export const MANO_POSE_LENGTH = 45;

/** Component indices of a joint's anatomical axis-angle vector. */
export const FLEX = 0;
export const ABD = 1;
export const TWIST = 2;

/**
 * Finger articulation: 15 joints x [flexion, abduction, twist] axis-angle (radians), MANO joint
 * order, flattened (joint j's vector is fingers[3j..3j+2]). Same layout as the timeline's
 * FingerPose channel.
 */
export interface HandPose {
  fingers: number[];
}

/**
 * The wrist in the world (MANO's global orientation and translation): the world pose of the
 * mesh's wrist joint frame, WebXR convention: position = the wrist joint (metres); rotation =
 * the frame whose -Z points from the wrist towards the fingers and whose +Y points out of the
 * back of the hand. With the identity rotation a hand lies palm down with its fingers along
 * world -Z (the right hand's thumb towards -X, the left hand's towards +X). This is exactly a
 * WebXR XRJointPose of the 'wrist' joint, and the timeline's wristPosition/wristRotation.
 * Mirror images: a left hand at {p, q} mirrors a right hand at {[-p.x, p.y, p.z], [q.x, -q.y, -q.z, q.w]}.
 */
export type WristTransform = RigidTransform;

export function identityWrist(): WristTransform {
  return { position: [0, 0, 0], rotation: [0, 0, 0, 1] };
}

/** The flat open hand (every joint at its rest rotation). */
export function zeroPose(): HandPose {
  return { fingers: new Array<number>(MANO_POSE_LENGTH).fill(0) };
}

export function clonePose(pose: HandPose): HandPose {
  return { fingers: pose.fingers.slice() };
}

/** Index (0..14) of a finger's joint k (1 = knuckle, 2, 3 = outermost). */
export function manoJointIndex(finger: Finger, k: 1 | 2 | 3): number {
  return MANO_FINGERS.indexOf(finger) * 3 + (k - 1);
}

/** The three MANO joint indices of a finger, knuckle first. */
export function fingerJoints(finger: Finger): [number, number, number] {
  const base = MANO_FINGERS.indexOf(finger) * 3;
  return [base, base + 1, base + 2];
}

/** Joint j's anatomical axis-angle vector [flexion, abduction, twist]. */
export function getJoint(pose: HandPose, j: number): Vec3 {
  const f = pose.fingers;
  return [f[3 * j] ?? 0, f[3 * j + 1] ?? 0, f[3 * j + 2] ?? 0];
}

/** A copy of the pose with joint j set. */
export function withJoint(pose: HandPose, j: number, v: Readonly<Vec3>): HandPose {
  const fingers = pose.fingers.slice();
  fingers[3 * j] = v[0];
  fingers[3 * j + 1] = v[1];
  fingers[3 * j + 2] = v[2];
  return { fingers };
}

/** Whether a value is a usable pose: 45 finite numbers. */
export function isHandPose(pose: unknown): pose is HandPose {
  if (typeof pose !== 'object' || pose === null) return false;
  const f = (pose as { fingers?: unknown }).fingers;
  return Array.isArray(f) && f.length === MANO_POSE_LENGTH && f.every((v) => typeof v === 'number' && Number.isFinite(v));
}

export interface JointLimit {
  /** Lower bound per anatomical component [flexion, abduction, twist], radians. */
  min: Vec3;
  /** Upper bound per anatomical component, radians. */
  max: Vec3;
}

const deg = Math.PI / 180;
const limit = (min: Vec3, max: Vec3): JointLimit => ({ min: min.map((v) => v * deg) as Vec3, max: max.map((v) => v * deg) as Vec3 });
const MCP = limit([-30, -25, -15], [95, 25, 15]);
const PIP = limit([-10, -5, -10], [110, 5, 10]);
const DIP = limit([-20, -5, -10], [85, 5, 10]);

/**
 * Approximate anatomical range per joint and component, degrees converted to radians, applied
 * per component (a box in axis-angle space: a guide for editing and random tests, not a precise
 * joint cone). Values from the usual active range of motion of an adult hand.
 */
export const JOINT_LIMITS: readonly JointLimit[] = [
  MCP,
  PIP,
  DIP, // index
  MCP,
  PIP,
  DIP, // middle
  MCP,
  PIP,
  DIP, // pinky
  MCP,
  PIP,
  DIP, // ring
  limit([-40, -45, -40], [60, 50, 40]), // thumb1 (CMC)
  limit([-20, -10, -15], [80, 10, 15]), // thumb2 (MCP)
  limit([-25, -5, -10], [90, 5, 10]), // thumb3 (IP)
];

/** The pose with every component clamped into JOINT_LIMITS. */
export function clampPose(pose: HandPose): HandPose {
  const fingers = zeroPose().fingers;
  for (let j = 0; j < MANO_JOINT_COUNT; j++) {
    const lim = JOINT_LIMITS[j] as JointLimit;
    for (let c = 0; c < 3; c++) {
      const v = pose.fingers[3 * j + c] ?? 0;
      fingers[3 * j + c] = Math.min(lim.max[c] as number, Math.max(lim.min[c] as number, v));
    }
  }
  return { fingers };
}
