import { TrajectoryError } from './errors';
import {
  composeMat4,
  DEG,
  invertRigid,
  mat3ToQuat,
  mulMat3Vec3,
  normalizeQuat,
  quatMultiply,
  quatToMat3,
  rigidTransformProblem,
  rotationPart,
  translationPart,
} from './math';
import type { Mat3, Mat4, Quat, Vec3 } from './types';

/**
 * Camera conventions: three.js (what the studio animates) and OpenCV (what camera-controlled
 * video models, COLMAP, RealEstate10K, CameraCtrl and most research code read).
 *
 * World (both): right-handed, +Y up, metres. Only the camera's own axes differ:
 *
 *   three.js / OpenGL camera:  +X right, +Y up,   looks down -Z (+Z points back at the viewer)
 *   OpenCV camera:             +X right, +Y down, looks down +Z (z = depth in front of the lens)
 *
 * The OpenCV camera is the three.js camera turned 180 degrees about its own X axis: x stays,
 * y and z change sign. As a matrix that is F = diag(1, -1, -1) (F = F^T = F^-1), applied on
 * the camera side:
 *
 *   R_cv  = R_three * F     (columns: x_cv = x_three, y_cv = -y_three, z_cv = -z_three)
 *   q_cv  = q_three * (1, 0, 0, 0)   (quaternion [x, y, z, w] of 180 degrees about X)
 *
 * The camera centre does not move. camera_to_world (c2w) maps camera coordinates to world
 * coordinates: X_world = R_cv X_cam + C, so its columns are the camera's x (right), y (down)
 * and z (forward) axes and its position, in world coordinates. world_to_camera (w2c, the
 * "extrinsics" [R | t] of OpenCV) is its inverse: [R_cv^T | -R_cv^T C].
 *
 * All of this is sign flips and transposes, so the conversion is exact in floating point
 * apart from the quaternion <-> matrix step (about 1e-16).
 *
 * Intrinsics (pinhole, square pixels, centred principal point, pixel coordinates with (0, 0)
 * at the top-left corner of the image and u to the right, v down):
 *
 *   fx = fy = (height / 2) / tan(fovY / 2),  cx = width / 2,  cy = height / 2
 *   u = fx * x / z + cx,  v = fy * y / z + cy     (x, y, z in the OpenCV camera frame)
 */

/** Three.js camera axes to OpenCV camera axes: 180 degrees about X. Its own inverse. */
export const THREE_TO_OPENCV_CAMERA: Mat3 = [
  [1, 0, 0],
  [0, -1, 0],
  [0, 0, -1],
];

/** The same flip as a quaternion [x, y, z, w]: 180 degrees about X. */
export const THREE_TO_OPENCV_QUAT: Quat = [1, 0, 0, 0];

/** A camera pose as the studio (three.js) holds it. */
export interface ThreeCameraPose {
  position: Vec3;
  rotation: Quat;
}

/** Pinhole intrinsics in pixels. */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

/** q_three * (1, 0, 0, 0): the OpenCV camera orientation for a three.js one. Exact (a permutation with signs). */
export function threeQuatToOpenCvQuat(q: Quat): Quat {
  return quatMultiply(q, THREE_TO_OPENCV_QUAT);
}

/** Inverse of threeQuatToOpenCvQuat (the flip is its own inverse up to sign). Exact. */
export function openCvQuatToThreeQuat(q: Quat): Quat {
  const r = quatMultiply(q, THREE_TO_OPENCV_QUAT);
  return [-r[0], -r[1], -r[2], -r[3]];
}

/** 0 - x rather than -x: the same number, but never -0 (which a test or a diff would show as a change). */
const neg = (x: number): number => 0 - x;

/** Negate columns 1 and 2: R * diag(1, -1, -1). Exact; the same operation converts both ways. */
function flipCameraAxes(r: Mat3): Mat3 {
  return [
    [r[0][0], neg(r[0][1]), neg(r[0][2])],
    [r[1][0], neg(r[1][1]), neg(r[1][2])],
    [r[2][0], neg(r[2][1]), neg(r[2][2])],
  ];
}

/** OpenCV camera-to-world 4x4 (rows) for a three.js camera pose. */
export function threeToOpenCvCameraToWorld(position: Vec3, rotation: Quat): Mat4 {
  return composeMat4(flipCameraAxes(quatToMat3(rotation)), [position[0], position[1], position[2]]);
}

/** OpenCV world-to-camera 4x4 (rows), the extrinsics [R | t], for a three.js camera pose. */
export function threeToOpenCvWorldToCamera(position: Vec3, rotation: Quat): Mat4 {
  return invertRigid(threeToOpenCvCameraToWorld(position, rotation));
}

function assertRigid(m: Mat4, name: string): void {
  const problem = rigidTransformProblem(m);
  if (problem !== null) throw new TrajectoryError(`${name} ${problem}`, { field: name });
}

/** Three.js camera pose from an OpenCV camera-to-world matrix. Throws TrajectoryError if it is not a rigid transform. */
export function openCvCameraToWorldToThree(c2w: Mat4): ThreeCameraPose {
  assertRigid(c2w, 'camera_to_world');
  return { position: translationPart(c2w), rotation: mat3ToQuat(flipCameraAxes(rotationPart(c2w))) };
}

/** Three.js camera pose from an OpenCV world-to-camera matrix. Throws TrajectoryError if it is not a rigid transform. */
export function openCvWorldToCameraToThree(w2c: Mat4): ThreeCameraPose {
  assertRigid(w2c, 'world_to_camera');
  return openCvCameraToWorldToThree(invertRigid(w2c));
}

/** Pixel intrinsics of a camera with vertical field of view fovYDeg rendering width x height images. */
export function intrinsicsFromFovY(fovYDeg: number, width: number, height: number): Intrinsics {
  const f = height / 2 / Math.tan(fovYDeg / DEG / 2);
  return { fx: f, fy: f, cx: width / 2, cy: height / 2, width, height };
}

/** Vertical field of view in degrees from the vertical focal length in pixels and the image height. */
export function fovYFromIntrinsics(k: { fy: number; height: number }): number {
  return 2 * Math.atan(k.height / 2 / k.fy) * DEG;
}

/** Vertical field of view in degrees from a focal length normalised by the image height (fy / height). */
export function fovYFromNormalisedFocal(fyOverHeight: number): number {
  return 2 * Math.atan(0.5 / fyOverHeight) * DEG;
}

/**
 * Project a world point with OpenCV extrinsics and intrinsics. depth is the distance along the
 * viewing direction (positive in front of the camera); u, v are pixels from the top-left corner.
 */
export function projectOpenCv(point: Vec3, w2c: Mat4, k: Intrinsics): { u: number; v: number; depth: number } {
  const cam = mulMat3Vec3(rotationPart(w2c), point);
  const t = translationPart(w2c);
  const x = cam[0] + t[0];
  const y = cam[1] + t[1];
  const z = cam[2] + t[2];
  return { u: (k.fx * x) / z + k.cx, v: (k.fy * y) / z + k.cy, depth: z };
}

/** Unit quaternion, or null when q is not finite or too far from unit length (|q| off by more than `tolerance`). */
export function unitQuatOrNull(q: Quat, tolerance = 1e-3): Quat | null {
  if (!q.every((x) => Number.isFinite(x))) return null;
  const n = Math.hypot(...q);
  if (Math.abs(n - 1) > tolerance) return null;
  return normalizeQuat(q);
}
