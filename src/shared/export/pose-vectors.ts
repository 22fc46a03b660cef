import type { ConditioningHandPose, ConditioningPoseFrame } from '../conditioning/poses';
import { handKeypoints, KEYPOINT_NAMES } from '../hand/keypoints';
import { HAND_SIDES, type HandSide, MANO_JOINTS } from '../hand/mano';
import { mat3ToQuat, quatToAxisAngle, rotationPart, translationPart } from '../trajectory/math';

/**
 * Per-frame vectors for robot-learning exports (LeRobot's observation.state and action), built
 * from a render's poses.json, with one name per dimension. Conventions (also in the dataset's
 * meta): world right-handed, +Y up, metres; camera pose = OpenCV camera-to-world (x right,
 * y down, z forward), position then rotation as a unit quaternion [x, y, z, w], then the
 * vertical field of view in degrees; hands in MANO terms: global orientation (axis-angle,
 * radians, the wrist frame in the world), translation (the wrist joint, metres), 15 x 3 finger
 * joint angles (DWM Studio's anatomical axes, radians), 10 shape values (zeros when unknown),
 * a visibility flag, and for the state also the 21 keypoints (MANO/OpenPose order) in the world.
 */

const CAMERA_NAMES = ['camera.x', 'camera.y', 'camera.z', 'camera.qx', 'camera.qy', 'camera.qz', 'camera.qw', 'camera.fov_y_deg'];
const AXES = ['flex', 'abd', 'twist'] as const;
const BETAS = 10;

function handNames(side: HandSide, withKeypoints: boolean): string[] {
  const names = [
    `${side}.visible`,
    ...['x', 'y', 'z'].map((a) => `${side}.global_orient.${a}`),
    ...['x', 'y', 'z'].map((a) => `${side}.transl.${a}`),
    ...MANO_JOINTS.flatMap((j) => AXES.map((a) => `${side}.pose.${j}.${a}`)),
    ...Array.from({ length: BETAS }, (_, i) => `${side}.betas.${i}`),
  ];
  if (withKeypoints) names.push(...KEYPOINT_NAMES.flatMap((k) => ['x', 'y', 'z'].map((a) => `${side}.keypoint.${k}.${a}`)));
  return names;
}

export const STATE_NAMES: readonly string[] = [...CAMERA_NAMES, ...HAND_SIDES.flatMap((s) => handNames(s, true))];
export const ACTION_NAMES: readonly string[] = [...CAMERA_NAMES, ...HAND_SIDES.flatMap((s) => handNames(s, false))];

function cameraVector(f: ConditioningPoseFrame): number[] {
  const c2w = f.camera_to_world;
  return [...translationPart(c2w), ...mat3ToQuat(rotationPart(c2w)), f.fov_y_deg];
}

function handVector(h: ConditioningHandPose, side: HandSide, withKeypoints: boolean): number[] {
  const betas = h.betas && h.betas.length === BETAS ? h.betas : new Array<number>(BETAS).fill(0);
  const out = [h.visible ? 1 : 0, ...quatToAxisAngle(h.wrist_rotation_xyzw), ...h.wrist_position, ...h.hand_pose, ...betas];
  if (withKeypoints) {
    const wrist = { position: h.wrist_position, rotation: h.wrist_rotation_xyzw };
    out.push(...handKeypoints({ fingers: h.hand_pose }, side, wrist).flat());
  }
  return out;
}

export function stateVector(f: ConditioningPoseFrame): number[] {
  return [...cameraVector(f), ...HAND_SIDES.flatMap((s) => handVector(f.hands[s], s, true))];
}

export function actionTarget(f: ConditioningPoseFrame): number[] {
  return [...cameraVector(f), ...HAND_SIDES.flatMap((s) => handVector(f.hands[s], s, false))];
}

/** observation.state per frame, and action = the next frame's targets (the last frame holds its own). */
export function poseVectors(frames: readonly ConditioningPoseFrame[]): { state: number[][]; action: number[][] } {
  const state = frames.map(stateVector);
  const targets = frames.map(actionTarget);
  const action = targets.map((_, i) => targets[Math.min(i + 1, targets.length - 1)] as number[]);
  return { state, action };
}
