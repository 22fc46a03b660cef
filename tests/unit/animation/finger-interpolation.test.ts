import { Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { fingerSampler, sampleBool, sampleFingers, sampleScalar } from '../../../src/shared/animation/sample';
import type { Interpolation } from '../../../src/shared/animation/schema';
import { channelOf, deepFreeze, expectClose, mulberry32 } from './helpers';

const DEG = Math.PI / 180;

/** A rest pose with joint j set to the given axis-angle vector. */
function poseWith(j: number, axisAngle: readonly [number, number, number]): number[] {
  const pose = new Array<number>(45).fill(0);
  pose.splice(3 * j, 3, ...axisAngle);
  return pose;
}

function fingerChannel(pairs: [number, number[]][], interpolation: Interpolation = 'bezier') {
  return deepFreeze(channelOf(pairs, interpolation));
}

/** Axis-angle through three.js, as an independent reference. */
function threeQuat(v: readonly number[]): Quaternion {
  const axis = new Vector3(v[0], v[1], v[2]);
  const angle = axis.length();
  return angle === 0 ? new Quaternion() : new Quaternion().setFromAxisAngle(axis.normalize(), angle);
}

function threeAxisAngle(q: Quaternion): [number, number, number] {
  const p = q.w < 0 ? new Quaternion(-q.x, -q.y, -q.z, -q.w) : q;
  const s = Math.hypot(p.x, p.y, p.z);
  const angle = 2 * Math.atan2(s, p.w);
  return s === 0 ? [0, 0, 0] : [(p.x / s) * angle, (p.y / s) * angle, (p.z / s) * angle];
}

describe('finger channels', () => {
  it('interpolate per joint: 0 -> 90 degrees about x is 45 degrees at the midpoint (linear)', () => {
    const channel = fingerChannel(
      [
        [0, poseWith(4, [0, 0, 0])],
        [10, poseWith(4, [90 * DEG, 0, 0])],
      ],
      'linear',
    );
    const mid = sampleFingers(channel, 5) as number[];
    expectClose(mid, poseWith(4, [45 * DEG, 0, 0]), 12);
    expectClose(sampleFingers(channel, 2.5) as number[], poseWith(4, [22.5 * DEG, 0, 0]), 12);
  });

  it('interpolate each joint as a rotation (slerp, compared with three.js), not by lerping its numbers', () => {
    const a = poseWith(7, [90 * DEG, 0, 0]);
    const b = poseWith(7, [0, 90 * DEG, 0]);
    const channel = fingerChannel(
      [
        [0, a],
        [8, b],
      ],
      'linear',
    );
    for (const t of [0.25, 0.5, 0.75]) {
      const expected = threeAxisAngle(new Quaternion().slerpQuaternions(threeQuat([Math.PI / 2, 0, 0]), threeQuat([0, Math.PI / 2, 0]), t));
      const got = (sampleFingers(channel, 8 * t) as number[]).slice(21, 24);
      expectClose(got, expected, 9);
    }
    // The two keys are 120 degrees apart: the midpoint is 60 degrees from each, a rotation of
    // acos(1/3) = 70.5 degrees; lerping the numbers would give [45, 45, 0] degrees = 63.6 degrees.
    const mid = threeQuat((sampleFingers(channel, 4) as number[]).slice(21, 24));
    expect(mid.angleTo(threeQuat([Math.PI / 2, 0, 0]))).toBeCloseTo(60 * DEG, 6);
    expect(mid.angleTo(threeQuat([0, Math.PI / 2, 0]))).toBeCloseTo(60 * DEG, 6);
    expect(mid.angleTo(new Quaternion())).toBeCloseTo(Math.acos(1 / 3), 6);
  });

  it('bezier gives each joint the rotation spline: about one axis, the scalar bezier of its angle', () => {
    const rand = mulberry32(31);
    const angles: [number, number][] = [];
    for (let i = 0, f = 0; i < 6; i++, f += 1 + Math.floor(rand() * 10)) angles.push([f, rand() * 2 - 0.5]);
    const channel = fingerChannel(angles.map(([f, a]) => [f, poseWith(2, [0, 0, a])] as [number, number[]]));
    const scalar = deepFreeze(channelOf(angles));
    const sample = fingerSampler(channel);
    const last = angles[angles.length - 1]?.[0] as number;
    for (let f = 0; f <= last; f += 0.4) {
      const pose = sample(f) as number[];
      expect(pose).toHaveLength(45);
      const angle = sampleScalar(scalar, f) as number;
      // quatToAxisAngle reports angles in [0, pi]: a negative angle comes back about -z.
      expectClose(pose.slice(6, 9), [0, 0, angle], 9);
      expect(pose.filter((v, i) => (i < 6 || i >= 9) && v !== 0)).toEqual([]);
    }
  });

  it.each(['bezier', 'linear', 'hold'] as const)('are exact at keys, hold outside them, and are copies (%s)', (interpolation) => {
    const rand = mulberry32(32);
    const poses = [0, 1, 2].map(() => Array.from({ length: 45 }, () => rand() - 0.5));
    const channel = fingerChannel(
      poses.map((p, i) => [i * 6 + 2, p] as [number, number[]]),
      interpolation,
    );
    expect(sampleFingers(channel, 2)).toEqual(poses[0]);
    expect(sampleFingers(channel, 8)).toEqual(poses[1]);
    expect(sampleFingers(channel, 0)).toEqual(poses[0]);
    expect(sampleFingers(channel, 99.5)).toEqual(poses[2]);
    if (interpolation === 'hold') expect(sampleFingers(channel, 13.9)).toEqual(poses[1]);
    const copy = sampleFingers(channel, 2) as number[];
    copy[0] = 42;
    expect(channel.keys[0]?.value[0]).toBe(poses[0]?.[0]);
    expect(sampleFingers(deepFreeze({ keys: [] }), 3)).toBeUndefined();
    expect(sampleFingers(deepFreeze({ keys: [] }), 3, poseWith(0, [0, 0, 0]))).toHaveLength(45);
  });
});

describe('boolean channels', () => {
  it('always hold, whatever interpolation the key carries', () => {
    const channel = deepFreeze(
      channelOf(
        [
          [4, true],
          [10, false],
        ],
        'linear',
      ),
    );
    expect(sampleBool(channel, 0)).toBe(true);
    expect(sampleBool(channel, 9.99)).toBe(true);
    expect(sampleBool(channel, 10)).toBe(false);
    expect(sampleBool(channel, 50)).toBe(false);
    expect(sampleBool(deepFreeze({ keys: [] }), 1)).toBeUndefined();
    expect(sampleBool(deepFreeze({ keys: [] }), 1, true)).toBe(true);
  });
});
