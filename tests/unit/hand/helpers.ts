import { expect } from 'vitest';
import type { HandPose } from '../../../src/shared/hand/mano';
import { JOINT_LIMITS, MANO_JOINT_COUNT } from '../../../src/shared/hand/mano';
import type { Quat, Vec3 } from '../../../src/shared/hand/quat';

/** A small seeded generator, so a failure can be reproduced. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A pose drawn uniformly inside JOINT_LIMITS. */
export function randomPose(rand: () => number): HandPose {
  const fingers: number[] = [];
  for (let j = 0; j < MANO_JOINT_COUNT; j++) {
    const lim = JOINT_LIMITS[j];
    if (!lim) throw new Error('missing limit');
    for (let c = 0; c < 3; c++) {
      const lo = lim.min[c] as number;
      const hi = lim.max[c] as number;
      fingers.push(lo + rand() * (hi - lo));
    }
  }
  return { fingers };
}

/** A random unit quaternion (uniform). */
export function randomQuat(rand: () => number): Quat {
  const u1 = rand();
  const u2 = rand() * 2 * Math.PI;
  const u3 = rand() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
}

export function dist(a: Readonly<Vec3>, b: Readonly<Vec3>): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Element-wise closeness with an absolute tolerance. */
export function expectNear(actual: readonly number[], expected: readonly number[], tol: number, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((v, i) => {
    const e = expected[i] as number;
    expect(Math.abs(v - e), `${what} element ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(tol);
  });
}

/** Same rotation (q or -q). */
export function expectSameRotation(actual: Readonly<Quat>, expected: Readonly<Quat>, tol: number, what = ''): void {
  const dot = actual[0] * expected[0] + actual[1] * expected[1] + actual[2] * expected[2] + actual[3] * expected[3];
  expect(1 - Math.abs(dot), `${what}: [${actual.join(', ')}] vs [${expected.join(', ')}]`).toBeLessThanOrEqual(tol);
}
