import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import {
  fovYFromIntrinsics,
  fovYFromNormalisedFocal,
  intrinsicsFromFovY,
  openCvCameraToWorldToThree,
  openCvQuatToThreeQuat,
  openCvWorldToCameraToThree,
  projectOpenCv,
  THREE_TO_OPENCV_CAMERA,
  threeQuatToOpenCvQuat,
  threeToOpenCvCameraToWorld,
  threeToOpenCvWorldToCamera,
} from '../../../src/shared/trajectory/camera-convention';
import { TrajectoryError } from '../../../src/shared/trajectory/errors';
import {
  axisAngleToQuat,
  mat3ToQuat,
  mulMat4,
  quatAngleBetween,
  quatToAxisAngle,
  quatToMat3,
  rigidTransformProblem,
  rotationPart,
  rotationProblem,
} from '../../../src/shared/trajectory/math';
import type { Mat3, Mat4, Quat, Vec3 } from '../../../src/shared/trajectory/types';
import { maxAbsDiff, randomQuat, randomVec3, rng } from './helpers';

const IDENTITY: Quat = [0, 0, 0, 1];
const column = (m: Mat4, c: number): number[] => [m[0][c] as number, m[1][c] as number, m[2][c] as number];

describe('three.js camera -> OpenCV camera_to_world', () => {
  it('a camera at the origin looking down world -Z has x right, y down, z along -Z', () => {
    const c2w = threeToOpenCvCameraToWorld([0, 0, 0], IDENTITY);
    expect(column(c2w, 0)).toEqual([1, 0, 0]);
    expect(column(c2w, 1)).toEqual([0, -1, 0]);
    expect(column(c2w, 2)).toEqual([0, 0, -1]);
    expect(column(c2w, 3)).toEqual([0, 0, 0]);
    expect(c2w[3]).toEqual([0, 0, 0, 1]);
  });

  it('keeps the camera centre in the last column and the rotation as R_three * diag(1, -1, -1)', () => {
    const r = rng(1);
    for (let i = 0; i < 50; i++) {
      const q = randomQuat(r);
      const p = randomVec3(r, 10);
      const c2w = threeToOpenCvCameraToWorld(p, q);
      expect(column(c2w, 3)).toEqual(p);
      const three = quatToMat3(q);
      for (let row = 0; row < 3; row++) {
        for (let col = 0; col < 3; col++) {
          const flip = THREE_TO_OPENCV_CAMERA[col]?.[col] as number;
          expect(c2w[row]?.[col]).toBe((three[row]?.[col] as number) * flip);
        }
      }
    }
  });

  it('the quaternion form of the flip (q * [1, 0, 0, 0]) is the same rotation, and undoes itself', () => {
    const r = rng(2);
    for (let i = 0; i < 50; i++) {
      const q = randomQuat(r);
      const c2w = threeToOpenCvCameraToWorld([0, 0, 0], q);
      const viaQuat = quatToMat3(threeQuatToOpenCvQuat(q));
      expect(maxAbsDiff(viaQuat.flat(), rotationPart(c2w).flat())).toBeLessThan(1e-15);
      expect(openCvQuatToThreeQuat(threeQuatToOpenCvQuat(q))).toEqual(q);
    }
  });

  it('world_to_camera is the inverse of camera_to_world, and both convert back', () => {
    const r = rng(3);
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    for (let i = 0; i < 50; i++) {
      const q = randomQuat(r);
      const p = randomVec3(r, 10);
      const c2w = threeToOpenCvCameraToWorld(p, q);
      const w2c = threeToOpenCvWorldToCamera(p, q);
      expect(maxAbsDiff(mulMat4(w2c, c2w).flat(), identity)).toBeLessThan(1e-14);
      for (const back of [openCvCameraToWorldToThree(c2w), openCvWorldToCameraToThree(w2c)]) {
        expect(quatAngleBetween(back.rotation, q)).toBeLessThan(1e-12);
        expect(maxAbsDiff(back.position, p)).toBeLessThan(1e-12);
      }
    }
  });

  it('refuses to convert a matrix that is not a rigid transform', () => {
    const scaled = threeToOpenCvCameraToWorld([0, 0, 0], IDENTITY);
    scaled[0][0] = 2;
    expect(() => openCvCameraToWorldToThree(scaled)).toThrow(TrajectoryError);
  });
});

describe('intrinsics', () => {
  it('fx = fy = (h/2) / tan(fovY/2), principal point at the image centre, and back', () => {
    const k = intrinsicsFromFovY(90, 640, 480);
    expect(k.fy).toBeCloseTo(240, 12);
    expect(k.fx).toBe(k.fy);
    expect([k.cx, k.cy, k.width, k.height]).toEqual([320, 240, 640, 480]);
    expect(intrinsicsFromFovY(60, 1280, 720).fy).toBeCloseTo(360 / Math.tan(Math.PI / 6), 10);
    for (const fov of [1, 30, 45.5, 60, 90, 120, 170]) {
      expect(Math.abs(fovYFromIntrinsics(intrinsicsFromFovY(fov, 720, 480)) - fov)).toBeLessThan(1e-12);
      expect(Math.abs(fovYFromNormalisedFocal(intrinsicsFromFovY(fov, 720, 480).fy / 480) - fov)).toBeLessThan(1e-12);
    }
  });

  it('a point 2 m in front of the camera projects to the image centre', () => {
    const k = intrinsicsFromFovY(60, 1280, 720);
    const w2c = threeToOpenCvWorldToCamera([0, 0, 0], IDENTITY);
    const p = projectOpenCv([0, 0, -2], w2c, k);
    expect(p.u).toBe(640);
    expect(p.v).toBe(360);
    expect(p.depth).toBe(2);
  });

  it('a point up and to the right projects up-right in the image: larger u, smaller v', () => {
    const k = intrinsicsFromFovY(60, 1280, 720);
    const w2c = threeToOpenCvWorldToCamera([0, 0, 0], IDENTITY);
    const p = projectOpenCv([0.5, 0.3, -2], w2c, k);
    expect(p.u).toBeGreaterThan(640);
    expect(p.v).toBeLessThan(360);
    expect(p.u).toBeCloseTo(640 + k.fx * 0.25, 9);
    expect(p.v).toBeCloseTo(360 - k.fy * 0.15, 9);
  });

  it('a camera turned 90 degrees to the left (looking down world -X) sees a point at x = -2 in the centre', () => {
    const q = axisAngleToQuat([0, Math.PI / 2, 0]);
    const k = intrinsicsFromFovY(50, 640, 480);
    const p = projectOpenCv([-2, 0, 0], threeToOpenCvWorldToCamera([0, 0, 0], q), k);
    expect(p.u).toBeCloseTo(320, 9);
    expect(p.v).toBeCloseTo(240, 9);
    expect(p.depth).toBeCloseTo(2, 12);
  });

  it('agrees with three.js PerspectiveCamera projection for random cameras and points', () => {
    const r = rng(4);
    const width = 832;
    const height = 480;
    for (let i = 0; i < 200; i++) {
      const q = randomQuat(r);
      const position = randomVec3(r, 5);
      const fov = 20 + r() * 100;
      const camera = new THREE.PerspectiveCamera(fov, width / height, 0.01, 1000);
      camera.position.set(...position);
      camera.quaternion.set(...q);
      camera.updateMatrixWorld(true);
      // A point in front of the camera: along its -Z with some offset.
      const local = new THREE.Vector3((r() * 2 - 1) * 0.5, (r() * 2 - 1) * 0.5, -(1 + r() * 4));
      const world = local.clone().applyMatrix4(camera.matrixWorld);
      const ndc = world.clone().project(camera);
      const expected = { u: ((ndc.x + 1) / 2) * width, v: ((1 - ndc.y) / 2) * height };
      const got = projectOpenCv(world.toArray() as Vec3, threeToOpenCvWorldToCamera(position, q), intrinsicsFromFovY(fov, width, height));
      expect(Math.abs(got.u - expected.u)).toBeLessThan(1e-6);
      expect(Math.abs(got.v - expected.v)).toBeLessThan(1e-6);
      expect(got.depth).toBeCloseTo(-local.z, 9);
      // three's own world matrix has the same rotation, columns 1 and 2 negated.
      const m = camera.matrixWorld.elements; // column-major
      const c2w = threeToOpenCvCameraToWorld(position, q);
      expect(maxAbsDiff(column(c2w, 0), [m[0], m[1], m[2]] as number[])).toBeLessThan(1e-12);
      expect(maxAbsDiff(column(c2w, 1), [-(m[4] as number), -(m[5] as number), -(m[6] as number)])).toBeLessThan(1e-12);
      expect(maxAbsDiff(column(c2w, 2), [-(m[8] as number), -(m[9] as number), -(m[10] as number)])).toBeLessThan(1e-12);
    }
  });
});

describe('rotation helpers', () => {
  it('matrix <-> quaternion and axis-angle <-> quaternion round trip, including angles near 0 and pi', () => {
    const r = rng(5);
    const cases: Quat[] = [
      IDENTITY,
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      axisAngleToQuat([1e-14, 0, 0]),
      axisAngleToQuat([0, Math.PI - 1e-9, 0]),
    ];
    for (let i = 0; i < 200; i++) cases.push(randomQuat(r));
    for (const q of cases) {
      expect(quatAngleBetween(mat3ToQuat(quatToMat3(q)), q)).toBeLessThan(1e-14);
      expect(quatAngleBetween(axisAngleToQuat(quatToAxisAngle(q)), q)).toBeLessThan(1e-14);
      expect(Math.hypot(...quatToAxisAngle(q))).toBeLessThanOrEqual(Math.PI + 1e-15);
    }
  });

  it('names a mirror (determinant -1) and a scale', () => {
    const mirror: Mat3 = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, -1],
    ];
    expect(rotationProblem(mirror)).toMatch(/determinant -1: a mirror image, not a rotation/);
    const scale: Mat3 = [
      [2, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    expect(rotationProblem(scale)).toMatch(/not orthonormal: column lengths 2, 1, 1/);
    const bottom = threeToOpenCvCameraToWorld([0, 0, 0], IDENTITY);
    bottom[3] = [0, 0, 1, 1];
    expect(rigidTransformProblem(bottom)).toMatch(/bottom row is \[0, 0, 1, 1\]/);
    expect(rotationProblem(quatToMat3(randomQuat(rng(6))))).toBeNull();
  });
});
