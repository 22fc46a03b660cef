import { type HandPose, type HandSide, MANO_JOINT_COUNT, MANO_JOINTS, type ManoJointName, type WristTransform, zeroPose } from './mano';
import {
  axisAngleFromQuat,
  composeTransforms,
  invertTransform,
  type Quat,
  quatFromAxisAngle,
  quatIdentity,
  quatMul,
  quatNormalize,
  type RigidTransform,
  type Vec3,
} from './quat';
import { REST_SKELETONS, type RestJoint, type RestSkeleton, WEBXR_JOINT_COUNT, WEBXR_JOINTS, type WebXRJointName } from './skeleton';

/**
 * The WebXR joint each MANO joint turns: the joint at the base of the bone that the MANO
 * rotation moves. index1 (MCP) -> index-finger-phalanx-proximal, index2 (PIP) -> -intermediate,
 * index3 (DIP) -> -distal; thumb1 (CMC) -> thumb-metacarpal, thumb2 (MCP) -> thumb-phalanx-proximal,
 * thumb3 (IP) -> thumb-phalanx-distal.
 */
export const MANO_TO_WEBXR: Readonly<Record<ManoJointName, WebXRJointName>> = {
  index1: 'index-finger-phalanx-proximal',
  index2: 'index-finger-phalanx-intermediate',
  index3: 'index-finger-phalanx-distal',
  middle1: 'middle-finger-phalanx-proximal',
  middle2: 'middle-finger-phalanx-intermediate',
  middle3: 'middle-finger-phalanx-distal',
  pinky1: 'pinky-finger-phalanx-proximal',
  pinky2: 'pinky-finger-phalanx-intermediate',
  pinky3: 'pinky-finger-phalanx-distal',
  ring1: 'ring-finger-phalanx-proximal',
  ring2: 'ring-finger-phalanx-intermediate',
  ring3: 'ring-finger-phalanx-distal',
  thumb1: 'thumb-metacarpal',
  thumb2: 'thumb-phalanx-proximal',
  thumb3: 'thumb-phalanx-distal',
};

/** For each MANO joint (0..14), the index of its WebXR joint in WEBXR_JOINTS. */
export const MANO_TO_WEBXR_INDEX: readonly number[] = MANO_JOINTS.map((j) => WEBXR_JOINTS.indexOf(MANO_TO_WEBXR[j]));

/**
 * Anatomical [flexion, abduction, twist] -> bone-frame axis-angle, per side: a sign per
 * component (see the convention in mano.ts). Flexion is about the bone's -X on both hands;
 * abduction (towards the thumb) about +Y on the right hand and -Y on the left; twist about -Z
 * (distal) on the right hand and +Z on the left. The map is its own inverse.
 */
export const BONE_AXIS_SIGNS: Readonly<Record<HandSide, Readonly<Vec3>>> = {
  right: [-1, 1, -1],
  left: [-1, -1, 1],
};

/** A joint's anatomical axis-angle vector as a rotation in its bone frame (quaternion). */
export function anatomicalToBone(v: Readonly<Vec3>, side: HandSide): Quat {
  const s = BONE_AXIS_SIGNS[side];
  return quatFromAxisAngle([s[0] * v[0], s[1] * v[1], s[2] * v[2]]);
}

/** The inverse of anatomicalToBone: angle in [0, pi]. */
export function boneToAnatomical(q: Readonly<Quat>, side: HandSide): Vec3 {
  const s = BONE_AXIS_SIGNS[side];
  const v = axisAngleFromQuat(q);
  return [s[0] * v[0], s[1] * v[1], s[2] * v[2]];
}

/**
 * MANO-style pose -> the 25 WebXR joints' local rotations [x, y, z, w], WEBXR_JOINTS order, each
 * to apply on top of the joint's rest rotation in its own bone frame:
 * posedLocal_j = restLocal_j * rotation_j (restLocal relative to the kinematic parent, see
 * WEBXR_PARENTS). The wrist, the four finger metacarpals and the five tips get the identity.
 * Rest rotations are not needed: the convention is defined in the bone frames themselves.
 */
export function manoToWebXR(pose: HandPose, side: HandSide): Quat[] {
  const out: Quat[] = Array.from({ length: WEBXR_JOINT_COUNT }, quatIdentity);
  for (let j = 0; j < MANO_JOINT_COUNT; j++) {
    const f = pose.fingers;
    out[MANO_TO_WEBXR_INDEX[j] as number] = anatomicalToBone([f[3 * j] ?? 0, f[3 * j + 1] ?? 0, f[3 * j + 2] ?? 0], side);
  }
  return out;
}

/**
 * The inverse of manoToWebXR: per-joint local rotations (on top of the rest rotations, WEBXR_JOINTS
 * order) -> the MANO-style pose. Approximate in general: rotations of joints that MANO lacks
 * (wrist, finger metacarpals, tips) are dropped, and each joint's angle comes back in [0, pi].
 * Exact (to rounding) for the output of manoToWebXR with joint angles below pi.
 */
export function webXRToMano(rotations: readonly Readonly<Quat>[], side: HandSide): HandPose {
  if (rotations.length !== WEBXR_JOINT_COUNT) throw new Error(`expected ${WEBXR_JOINT_COUNT} joint rotations, got ${rotations.length}`);
  const pose = zeroPose();
  for (let j = 0; j < MANO_JOINT_COUNT; j++) {
    const v = boneToAnatomical(rotations[MANO_TO_WEBXR_INDEX[j] as number] as Quat, side);
    pose.fingers[3 * j] = v[0];
    pose.fingers[3 * j + 1] = v[1];
    pose.fingers[3 * j + 2] = v[2];
  }
  return pose;
}

/**
 * Import from hand tracking: the 25 joint poses of a WebXR hand (XRJointPose transforms in any
 * one space, WEBXR_JOINTS order) -> the wrist transform in that space and the MANO-style pose.
 * Each joint's local rotation is taken relative to where its rest pose would put it under its
 * tracked parent: rotation_j = (parentTracked * restLocal_j)^-1 * tracked_j (rotation part).
 * Approximate: bone lengths and metacarpal/tip rotations of the tracked hand are not
 * represented, and finger metacarpal deviations from rest are folded into the knuckle joints.
 */
export function webXRPosesToMano(
  joints: readonly Readonly<RigidTransform>[],
  side: HandSide,
  rest: RestSkeleton = REST_SKELETONS[side],
): { wrist: WristTransform; pose: HandPose } {
  if (joints.length !== WEBXR_JOINT_COUNT) throw new Error(`expected ${WEBXR_JOINT_COUNT} joint poses, got ${joints.length}`);
  const rotations: Quat[] = Array.from({ length: WEBXR_JOINT_COUNT }, quatIdentity);
  for (const i of MANO_TO_WEBXR_INDEX) {
    const own = rest.joints[i] as RestJoint;
    const parent = rest.joints[own.parent] as RestJoint;
    // Where the joint would be with its own rotation at rest, under its tracked parent. A
    // finger's knuckle hangs from its metacarpal, which MANO cannot move: carry the tracked
    // wrist through the metacarpal's rest placement, so metacarpal motion lands in the knuckle.
    const fingerKnuckle = parent.name.endsWith('metacarpal') && !parent.name.startsWith('thumb');
    const parentPose = fingerKnuckle
      ? composeTransforms(joints[0] as RigidTransform, parent.local)
      : (joints[own.parent] as RigidTransform);
    const expected = composeTransforms(parentPose, own.local);
    rotations[i] = quatNormalize(quatMul(invertTransform(expected).rotation, (joints[i] as RigidTransform).rotation));
  }
  const w = joints[0] as RigidTransform;
  return {
    wrist: { position: [...w.position] as Vec3, rotation: quatNormalize(w.rotation) },
    pose: webXRToMano(rotations, side),
  };
}
