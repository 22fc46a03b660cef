/**
 * Plain per-frame arrays that the trajectory formats read and write. They do not depend on
 * the keyframe animation model: whoever samples a shot hands one entry per frame.
 *
 * World: right-handed, Y up, metres (glTF / three.js).
 */

export type Vec3 = [number, number, number];
/** Quaternion [x, y, z, w] (three.js order). */
export type Quat = [number, number, number, number];
/** 3x3 matrix as rows: m[row][column]. */
export type Mat3 = [Vec3, Vec3, Vec3];
export type Row4 = [number, number, number, number];
/** 4x4 matrix as rows: m[row][column] (row-major, the last column holds the translation). */
export type Mat4 = [Row4, Row4, Row4, Row4];

/** One frame of the egocentric camera, as a three.js camera would hold it. */
export interface CameraFrame {
  /** Camera centre in the world, metres. */
  position: Vec3;
  /** Unit quaternion [x, y, z, w] of a three.js camera: it looks down its local -Z, +Y is up, +X right. */
  rotation: Quat;
  /** Vertical field of view, degrees. */
  fovY: number;
}

/** One frame of one hand. */
export interface HandFrame {
  visible: boolean;
  /** World position of the wrist (the MANO root joint), metres. */
  wristPosition: Vec3;
  /** Unit quaternion [x, y, z, w]: world rotation of the wrist joint frame (WebXR: -Z towards the fingers, +Y out of the back of the hand). */
  wristRotation: Quat;
  /** 15 finger joints x axis-angle [flexion, abduction, twist], radians, MANO joint order; 45 numbers (see src/shared/hand/mano.ts). */
  fingers: number[];
  /** MANO shape coefficients (10); absent when unknown (the mean shape). */
  shape?: number[];
}
