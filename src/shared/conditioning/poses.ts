import { intrinsicsFromFovY, threeToOpenCvCameraToWorld, threeToOpenCvWorldToCamera } from '../trajectory/camera-convention';
import { TrajectoryError } from '../trajectory/errors';
import { checkCameraFrames, checkHandFrames } from '../trajectory/frames';
import type { CameraFrame, HandFrame, Mat4, Quat, Vec3 } from '../trajectory/types';
import type { ConditioningSpec } from './spec';

/**
 * poses.json beside a rendered conditioning set: the camera and both hands for every frame of
 * static.mp4 / hands.mp4, with the convention spelled out in the file, because camera-to-world
 * versus world-to-camera and which way y points are what users of peer projects lose days to.
 */

export const CONDITIONING_POSES_FORMAT = 'dwm-studio.conditioning-poses';
export const CONDITIONING_POSES_VERSION = 1;

export const CONDITIONING_POSES_CONVENTION = {
  description:
    'Frame i of this file is frame i of static.mp4 and hands.mp4 (and static/<i>.png, hands/<i>.png). World: right-handed, +Y up, ' +
    'metres (glTF / three.js). camera_to_world is a row-major 4x4 matrix (a list of 4 rows) mapping OpenCV camera coordinates ' +
    '(x right, y down, z forward) to world coordinates: its first three columns are the camera axes in the world and its last column ' +
    'the camera centre. world_to_camera is its inverse, the OpenCV extrinsics [R | t]. Pinhole intrinsics in pixels for the video ' +
    'size: u = fx x / z + cx, v = fy y / z + cy, (0, 0) at the top-left corner, fx = fy = (height / 2) / tan(fov_y / 2), cx = width / 2, ' +
    'cy = height / 2, no distortion.',
  world: { handedness: 'right', up: '+y', units: 'metres' },
  camera: { axes: 'opencv', x: 'right', y: 'down', z: 'forward' },
  matrix: { layout: 'row-major', rows: 4, columns: 4, camera_to_world: 'camera -> world', world_to_camera: 'world -> camera (inverse)' },
  fov: { axis: 'vertical', units: 'degrees' },
  intrinsics: { model: 'pinhole', units: 'pixels', pixel_origin: 'top-left-corner', fields: ['fx', 'fy', 'cx', 'cy'] },
  hands: {
    wrist_position: 'world position of the wrist (MANO root joint), metres',
    wrist_rotation_xyzw:
      'unit quaternion [x, y, z, w]: world rotation of the wrist joint frame (WebXR wrist: -Z towards the fingers, +Y out of the back of the hand)',
    hand_pose:
      "45 numbers: 15 finger joints x axis-angle [flexion, abduction, twist] in radians, MANO joint order, DWM Studio's anatomical " +
      "axes (not MANO's template axes; see the dwm-studio.hands format)",
    betas: 'MANO shape coefficients (10), only when known',
    visible: 'false: the hand is not drawn in hands.mp4 on this frame',
  },
} as const;

export interface ConditioningHandPose {
  visible: boolean;
  wrist_position: Vec3;
  wrist_rotation_xyzw: Quat;
  hand_pose: number[];
  betas?: number[];
}

export interface ConditioningPoseFrame {
  frame: number;
  camera_to_world: Mat4;
  world_to_camera: Mat4;
  fov_y_deg: number;
  intrinsics: { fx: number; fy: number; cx: number; cy: number };
  hands: { left: ConditioningHandPose; right: ConditioningHandPose };
}

export interface ConditioningPoses {
  format: typeof CONDITIONING_POSES_FORMAT;
  version: typeof CONDITIONING_POSES_VERSION;
  convention: typeof CONDITIONING_POSES_CONVENTION;
  spec: ConditioningSpec;
  width: number;
  height: number;
  fps: number;
  frame_count: number;
  frames: ConditioningPoseFrame[];
}

export interface ConditioningTrack {
  camera: readonly CameraFrame[];
  hands: { left: readonly HandFrame[]; right: readonly HandFrame[] };
}

function handPose(f: HandFrame): ConditioningHandPose {
  const out: ConditioningHandPose = {
    visible: f.visible,
    wrist_position: f.wristPosition,
    wrist_rotation_xyzw: f.wristRotation,
    hand_pose: f.fingers,
  };
  if (f.shape !== undefined) out.betas = f.shape;
  return out;
}

/**
 * The poses document for one conditioning set. Throws TrajectoryError (naming the frame and
 * field) when a frame is invalid or the number of frames differs from spec.frames.
 */
export function buildConditioningPoses(spec: ConditioningSpec, track: ConditioningTrack): ConditioningPoses {
  for (const [what, n] of [
    ['camera', track.camera.length],
    ['left hand', track.hands.left.length],
    ['right hand', track.hands.right.length],
  ] as const) {
    if (n !== spec.frames) {
      throw new TrajectoryError(`the shot has ${n} ${what} frames; the conditioning videos need ${spec.frames}`, { field: what });
    }
  }
  const camera = checkCameraFrames(track.camera);
  const left = checkHandFrames('left', track.hands.left);
  const right = checkHandFrames('right', track.hands.right);
  const frames = camera.map((c, i): ConditioningPoseFrame => {
    const k = intrinsicsFromFovY(c.fovY, spec.width, spec.height);
    return {
      frame: i,
      camera_to_world: threeToOpenCvCameraToWorld(c.position, c.rotation),
      world_to_camera: threeToOpenCvWorldToCamera(c.position, c.rotation),
      fov_y_deg: c.fovY,
      intrinsics: { fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy },
      hands: { left: handPose(left[i] as HandFrame), right: handPose(right[i] as HandFrame) },
    };
  });
  return {
    format: CONDITIONING_POSES_FORMAT,
    version: CONDITIONING_POSES_VERSION,
    convention: CONDITIONING_POSES_CONVENTION,
    spec,
    width: spec.width,
    height: spec.height,
    fps: spec.fps,
    frame_count: frames.length,
    frames,
  };
}
