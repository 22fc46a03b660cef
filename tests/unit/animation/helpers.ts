import { expect } from 'vitest';
import type { Channel, Key } from '../../../src/shared/animation/keys';
import type { Interpolation, Quat, Shot } from '../../../src/shared/animation/schema';

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

/** Freeze an object graph, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** A channel from [frame, value] pairs, ids k0, k1, ... */
export function channelOf<V>(pairs: readonly (readonly [number, V])[], interpolation: Interpolation = 'bezier'): Channel<V> {
  return { keys: pairs.map(([frame, value], i): Key<V> => ({ id: `k${i}`, frame, value, interpolation })) };
}

/** Counter-based id factory, deterministic for tests. */
export function idFactory(prefix = 'n'): () => string {
  let n = 0;
  return () => `${prefix}${n++}`;
}

export function emptyShot(frames = 49): Shot {
  const hand = () => ({ wristPosition: { keys: [] }, wristRotation: { keys: [] }, fingers: { keys: [] }, visible: { keys: [] } });
  return {
    id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    name: 'Shot 1',
    frames,
    fps: 8,
    sceneId: null,
    prompt: '',
    camera: { position: { keys: [] }, rotation: { keys: [] }, fovY: { keys: [] } },
    hands: { left: hand(), right: hand() },
  };
}

/** Unit quaternion for a rotation of angle radians about a (normalised) axis. */
export function quatAxisAngle(axis: readonly [number, number, number], angle: number): Quat {
  const n = Math.hypot(...axis);
  const s = Math.sin(angle / 2) / n;
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

export function randomUnitQuat(rand: () => number): Quat {
  // Shoemake's uniform random rotation.
  const u1 = rand();
  const u2 = rand() * 2 * Math.PI;
  const u3 = rand() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
}

/** Rotation angle between two quaternions, sign-insensitive (q and -q are the same rotation); precise near zero. */
export function rotationDistance(a: readonly number[], b: readonly number[]): number {
  const [ax, ay, az, aw] = a as [number, number, number, number];
  let [bx, by, bz, bw] = b as [number, number, number, number];
  if (ax * bx + ay * by + az * bz + aw * bw < 0) [bx, by, bz, bw] = [-bx, -by, -bz, -bw];
  return 4 * Math.atan2(Math.hypot(ax - bx, ay - by, az - bz, aw - bw), Math.hypot(ax + bx, ay + by, az + bz, aw + bw));
}

/** Element-wise closeness with a readable failure; plain toEqual would also tell 0 from -0. */
export function expectClose(actual: readonly number[], expected: readonly number[], digits = 9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(v, `element ${i} of [${actual.join(', ')}] vs [${expected.join(', ')}]`).toBeCloseTo(expected[i] as number, digits);
  });
}
