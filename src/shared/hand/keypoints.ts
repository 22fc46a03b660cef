import { type HandPose, type HandSide, identityWrist, type WristTransform } from './mano';
import { composeTransforms, invertTransform, quatMul, quatNormalize, type RigidTransform, type Vec3 } from './quat';
import { REST_SKELETONS, type RestJoint, type RestSkeleton, WEBXR_JOINT_COUNT, WEBXR_JOINTS, type WebXRJointName } from './skeleton';
import { manoToWebXR } from './webxr-mapping';

/** The 21 hand keypoints in MANO/OpenPose order (FreiHAND, InterHand2.6M, HO-3D exports). */
export const KEYPOINT_NAMES = [
  'wrist',
  'thumb_cmc',
  'thumb_mcp',
  'thumb_ip',
  'thumb_tip',
  'index_mcp',
  'index_pip',
  'index_dip',
  'index_tip',
  'middle_mcp',
  'middle_pip',
  'middle_dip',
  'middle_tip',
  'ring_mcp',
  'ring_pip',
  'ring_dip',
  'ring_tip',
  'pinky_mcp',
  'pinky_pip',
  'pinky_dip',
  'pinky_tip',
] as const;
export type KeypointName = (typeof KEYPOINT_NAMES)[number];
export const KEYPOINT_COUNT = 21;

/** The WebXR joint at each keypoint (a keypoint is the position of the joint's origin). */
export const KEYPOINT_TO_WEBXR: Readonly<Record<KeypointName, WebXRJointName>> = {
  wrist: 'wrist',
  thumb_cmc: 'thumb-metacarpal',
  thumb_mcp: 'thumb-phalanx-proximal',
  thumb_ip: 'thumb-phalanx-distal',
  thumb_tip: 'thumb-tip',
  index_mcp: 'index-finger-phalanx-proximal',
  index_pip: 'index-finger-phalanx-intermediate',
  index_dip: 'index-finger-phalanx-distal',
  index_tip: 'index-finger-tip',
  middle_mcp: 'middle-finger-phalanx-proximal',
  middle_pip: 'middle-finger-phalanx-intermediate',
  middle_dip: 'middle-finger-phalanx-distal',
  middle_tip: 'middle-finger-tip',
  ring_mcp: 'ring-finger-phalanx-proximal',
  ring_pip: 'ring-finger-phalanx-intermediate',
  ring_dip: 'ring-finger-phalanx-distal',
  ring_tip: 'ring-finger-tip',
  pinky_mcp: 'pinky-finger-phalanx-proximal',
  pinky_pip: 'pinky-finger-phalanx-intermediate',
  pinky_dip: 'pinky-finger-phalanx-distal',
  pinky_tip: 'pinky-finger-tip',
};

/** For each keypoint, the index of its joint in WEBXR_JOINTS. */
export const KEYPOINT_WEBXR_INDEX: readonly number[] = KEYPOINT_NAMES.map((k) => WEBXR_JOINTS.indexOf(KEYPOINT_TO_WEBXR[k]));

/**
 * Forward kinematics in the hand model's own space (the GLB scene's space): the 25 joints'
 * posed transforms, WEBXR_JOINTS order. These are the values to give the GLB's bones directly
 * (its skeleton is flat: every bone a child of the root). The wrist stays at its rest pose.
 */
export function posedModelJoints(pose: HandPose, side: HandSide, rest: RestSkeleton = REST_SKELETONS[side]): RigidTransform[] {
  const local = manoToWebXR(pose, side);
  const out: RigidTransform[] = [];
  for (let i = 0; i < WEBXR_JOINT_COUNT; i++) {
    const joint = rest.joints[i] as RestJoint;
    const r = local[i] as RigidTransform['rotation'];
    const posedLocal: RigidTransform = { position: joint.local.position, rotation: quatNormalize(quatMul(joint.local.rotation, r)) };
    out.push(joint.parent < 0 ? posedLocal : composeTransforms(out[joint.parent] as RigidTransform, posedLocal));
  }
  return out;
}

/**
 * Where the hand model's root (the GLB scene) goes in the world so that its wrist joint lands
 * on the wrist transform: wrist * restWrist^-1. Set this on the GLB's root object and
 * posedModelJoints on its bones.
 */
export function modelRootTransform(
  side: HandSide,
  wrist: WristTransform = identityWrist(),
  rest: RestSkeleton = REST_SKELETONS[side],
): RigidTransform {
  return composeTransforms(wrist, invertTransform((rest.joints[0] as RestJoint).model));
}

/** The 25 WebXR joints' world transforms (WEBXR_JOINTS order) for a pose and a wrist transform. */
export function webXRJointTransforms(
  pose: HandPose,
  side: HandSide,
  wrist: WristTransform = identityWrist(),
  rest: RestSkeleton = REST_SKELETONS[side],
): RigidTransform[] {
  const root = modelRootTransform(side, wrist, rest);
  return posedModelJoints(pose, side, rest).map((t) => composeTransforms(root, t));
}

/** The 25 WebXR joints' world positions (metres, WEBXR_JOINTS order). */
export function webXRJointPositions(
  pose: HandPose,
  side: HandSide,
  wrist: WristTransform = identityWrist(),
  rest: RestSkeleton = REST_SKELETONS[side],
): Vec3[] {
  return webXRJointTransforms(pose, side, wrist, rest).map((t) => t.position);
}

/** The 21 keypoints (metres, world space, KEYPOINT_NAMES order) for a pose and a wrist transform. */
export function handKeypoints(
  pose: HandPose,
  side: HandSide,
  wrist: WristTransform = identityWrist(),
  rest: RestSkeleton = REST_SKELETONS[side],
): Vec3[] {
  const joints = webXRJointPositions(pose, side, wrist, rest);
  return KEYPOINT_WEBXR_INDEX.map((i) => joints[i] as Vec3);
}

/** The 21 keypoints keyed by name. */
export function namedKeypoints(
  pose: HandPose,
  side: HandSide,
  wrist: WristTransform = identityWrist(),
  rest: RestSkeleton = REST_SKELETONS[side],
): Record<KeypointName, Vec3> {
  const points = handKeypoints(pose, side, wrist, rest);
  return Object.fromEntries(KEYPOINT_NAMES.map((n, i) => [n, points[i] as Vec3])) as Record<KeypointName, Vec3>;
}
