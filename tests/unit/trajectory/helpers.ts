import { expect } from 'vitest';
import { mulberry32 } from '../../../src/shared/random';
import { TrajectoryError } from '../../../src/shared/trajectory/errors';
import type { CameraFrame, HandFrame, Quat, Vec3 } from '../../../src/shared/trajectory/types';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export const rng = mulberry32;

/** Uniformly distributed unit quaternion (Shoemake). */
export function randomQuat(r: () => number): Quat {
  const u1 = r();
  const u2 = r() * 2 * Math.PI;
  const u3 = r() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
}

export function randomVec3(r: () => number, scale: number): Vec3 {
  return [(r() * 2 - 1) * scale, (r() * 2 - 1) * scale, (r() * 2 - 1) * scale];
}

export function randomCameraFrames(seed: number, count: number): CameraFrame[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => ({ position: randomVec3(r, 5), rotation: randomQuat(r), fovY: 10 + r() * 140 }));
}

export function randomHandFrames(seed: number, count: number, withShape: boolean): HandFrame[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const f: HandFrame = {
      visible: r() > 0.3,
      wristPosition: randomVec3(r, 3),
      wristRotation: randomQuat(r),
      // Joint rotations up to ~1.5 rad, like a curled finger.
      fingers: Array.from({ length: 45 }, () => (r() * 2 - 1) * 0.85),
    };
    if (withShape) f.shape = Array.from({ length: 10 }, () => (r() * 2 - 1) * 2);
    return f;
  });
}

/** Run fn, expect a TrajectoryError, return it. */
export function trajectoryError(fn: () => unknown): TrajectoryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrajectoryError);
    return err as TrajectoryError;
  }
  throw new Error('expected a TrajectoryError, nothing was thrown');
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((x, i) => Math.abs(x - (b[i] as number))));
}
