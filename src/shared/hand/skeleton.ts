import type { HandSide } from './mano';
import { composeTransforms, invertTransform, type Quat, quatNormalize, type RigidTransform, type Vec3 } from './quat';
import { REST_SKELETON_DATA } from './rest-skeleton';

/** The 25 WebXR hand joints (XRHandJoint), in the WebXR order. */
export const WEBXR_JOINTS = [
  'wrist',
  'thumb-metacarpal',
  'thumb-phalanx-proximal',
  'thumb-phalanx-distal',
  'thumb-tip',
  'index-finger-metacarpal',
  'index-finger-phalanx-proximal',
  'index-finger-phalanx-intermediate',
  'index-finger-phalanx-distal',
  'index-finger-tip',
  'middle-finger-metacarpal',
  'middle-finger-phalanx-proximal',
  'middle-finger-phalanx-intermediate',
  'middle-finger-phalanx-distal',
  'middle-finger-tip',
  'ring-finger-metacarpal',
  'ring-finger-phalanx-proximal',
  'ring-finger-phalanx-intermediate',
  'ring-finger-phalanx-distal',
  'ring-finger-tip',
  'pinky-finger-metacarpal',
  'pinky-finger-phalanx-proximal',
  'pinky-finger-phalanx-intermediate',
  'pinky-finger-phalanx-distal',
  'pinky-finger-tip',
] as const;
export type WebXRJointName = (typeof WEBXR_JOINTS)[number];
export const WEBXR_JOINT_COUNT = 25;

/** Index of a WebXR joint in WEBXR_JOINTS. */
export function webXRJointIndex(name: WebXRJointName): number {
  return WEBXR_JOINTS.indexOf(name);
}

/**
 * The kinematic parent of each WebXR joint (index into WEBXR_JOINTS; -1 for the wrist): the
 * wrist carries the five metacarpals, each joint carries the next one along its finger. The
 * mesh's glTF skeleton is flat (every bone is a child of the root node, posed in model space,
 * the way WebXR reports joint poses), so this chain is the logical one, not the file's.
 */
export const WEBXR_PARENTS: readonly number[] = WEBXR_JOINTS.map((name, i) =>
  name === 'wrist' ? -1 : name.endsWith('metacarpal') ? 0 : i - 1,
);

/** One joint's rest pose as read from the mesh: model space of the hand's glTF scene, metres. */
export interface RestJointData {
  position: Vec3;
  rotation: Quat;
}

/** What the generator writes for one hand (see rest-skeleton.ts). */
export interface RestSkeletonData {
  /** Name of the skinned mesh node in the GLB. */
  meshNode: string;
  joints: Record<WebXRJointName, RestJointData>;
}

export interface RestJoint {
  name: WebXRJointName;
  /** Index of the kinematic parent in WEBXR_JOINTS, -1 for the wrist. */
  parent: number;
  /** Rest pose in the hand model's space (the glTF scene root), as in the file. */
  model: RigidTransform;
  /** Rest pose relative to the parent joint (for the wrist: the model-space pose). */
  local: RigidTransform;
}

/** A hand's rest skeleton: 25 joints in WEBXR_JOINTS order. */
export interface RestSkeleton {
  side: HandSide;
  meshNode: string;
  joints: RestJoint[];
}

/** Turn the generated data of one hand into a rest skeleton with parent-relative transforms. */
export function buildRestSkeleton(side: HandSide, data: RestSkeletonData): RestSkeleton {
  const model: RigidTransform[] = WEBXR_JOINTS.map((name) => {
    const j = data.joints[name];
    return { position: [...j.position] as Vec3, rotation: quatNormalize(j.rotation) };
  });
  const joints = WEBXR_JOINTS.map((name, i): RestJoint => {
    const parent = WEBXR_PARENTS[i] as number;
    const own = model[i] as RigidTransform;
    const local = parent < 0 ? own : composeTransforms(invertTransform(model[parent] as RigidTransform), own);
    return { name, parent, model: own, local };
  });
  return { side, meshNode: data.meshNode, joints };
}

/** The rest skeletons of the shipped meshes (resources/hands/{left,right}.glb). */
export const REST_SKELETONS: Readonly<Record<HandSide, RestSkeleton>> = {
  left: buildRestSkeleton('left', REST_SKELETON_DATA.left),
  right: buildRestSkeleton('right', REST_SKELETON_DATA.right),
};

/**
 * The mirror image of a rest skeleton across its wrist's sagittal plane (the wrist frame's YZ
 * plane), with every joint frame re-made right-handed the WebXR way, labelled as the other
 * side. The wrist keeps its model-space pose. The shipped meshes are only nearly mirror images
 * (the right index finger is about 3.5 mm longer at the knuckle); this gives an exactly
 * symmetric pair, e.g. for tests.
 */
export function mirrorRestSkeleton(rest: RestSkeleton, side: HandSide): RestSkeleton {
  const wrist = rest.joints[0]?.model as RigidTransform;
  const toWrist = invertTransform(wrist);
  const joints = {} as Record<WebXRJointName, RestJointData>;
  for (const j of rest.joints) {
    const inWrist = composeTransforms(toWrist, j.model);
    const p = inWrist.position;
    const mirrored = composeTransforms(wrist, { position: [-p[0], p[1], p[2]], rotation: mirrorFrame(inWrist.rotation) });
    joints[j.name] = { position: mirrored.position, rotation: mirrored.rotation };
  }
  return buildRestSkeleton(side, { meshNode: rest.meshNode, joints });
}

/**
 * The WebXR frame of the mirror-image joint under the reflection M = diag(-1, 1, 1): a frame
 * with columns (X, Y, Z) becomes (-M X, M Y, M Z), i.e. the matrix M R M: the rotation about the
 * axis -M a by the same angle, which as a quaternion is [x, -y, -z, w].
 */
export function mirrorFrame(q: Readonly<Quat>): Quat {
  return [q[0], -q[1], -q[2], q[3]];
}
