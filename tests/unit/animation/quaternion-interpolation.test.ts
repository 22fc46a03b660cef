import { Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/shared/animation/keys';
import { axisAngleToQuat, quatExp, quatLog, quatToAxisAngle, slerp } from '../../../src/shared/animation/quaternion';
import { clampedRotationTangent, splineRotationSegment } from '../../../src/shared/animation/quaternion-spline';
import { quatSampler, sampleQuat, sampleScalar } from '../../../src/shared/animation/sample';
import type { Interpolation, Quat } from '../../../src/shared/animation/schema';
import { channelOf, deepFreeze, expectClose, mulberry32, quatAxisAngle, randomUnitQuat, rotationDistance } from './helpers';

const DEG = Math.PI / 180;
const Y: [number, number, number] = [0, 1, 0];

function three(q: readonly number[]): Quaternion {
  return new Quaternion(q[0], q[1], q[2], q[3]);
}

function arr(q: Quaternion): Quat {
  return [q.x, q.y, q.z, q.w];
}

/** Independent (three.js based) log / exp, half-angle convention. */
function logThree(q: Quaternion): Vector3 {
  const v = new Vector3(q.x, q.y, q.z);
  const s = v.length();
  return s < 1e-12 ? v : v.multiplyScalar(Math.atan2(s, q.w) / s);
}

function expThree(v: Vector3): Quaternion {
  const a = v.length();
  const k = a < 1e-12 ? 1 : Math.sin(a) / a;
  return new Quaternion(v.x * k, v.y * k, v.z * k, Math.cos(a));
}

/** Shoemake's intermediate point s_i = q_i exp(-(log(q_i^-1 q_{i+1}) + log(q_i^-1 q_{i-1})) / 4). */
function shoemake(prev: Quaternion, q: Quaternion, next: Quaternion): Quaternion {
  const inv = q.clone().invert();
  const a = logThree(inv.clone().multiply(next));
  const b = logThree(inv.clone().multiply(prev));
  return q.clone().multiply(expThree(a.add(b).multiplyScalar(-0.25)));
}

function squadThree(q1: Quaternion, q2: Quaternion, s1: Quaternion, s2: Quaternion, t: number): Quaternion {
  const a = new Quaternion().slerpQuaternions(q1, q2, t);
  const b = new Quaternion().slerpQuaternions(s1, s2, t);
  return new Quaternion().slerpQuaternions(a, b, 2 * t * (1 - t));
}

/** World-frame angular velocity (rad/frame) between two nearby samples. */
function angularVelocity(from: Quat, to: Quat, dt: number): [number, number, number] {
  const aligned = from[0] * to[0] + from[1] * to[1] + from[2] * to[2] + from[3] * to[3] < 0 ? to.map((v) => -v) : [...to];
  const delta = three(aligned).multiply(three(from).invert());
  const v = logThree(delta).multiplyScalar(2 / dt);
  return [v.x, v.y, v.z];
}

function quatChannel(pairs: [number, Quat][], interpolation: Interpolation = 'bezier'): Channel<Quat> {
  return deepFreeze(channelOf(pairs, interpolation));
}

describe('quaternion maths', () => {
  it('slerp matches three.js Quaternion.slerpQuaternions (short arc) for random pairs', () => {
    const rand = mulberry32(21);
    for (let i = 0; i < 200; i++) {
      const a = randomUnitQuat(rand);
      const b = randomUnitQuat(rand);
      const t = rand();
      const expected = arr(new Quaternion().slerpQuaternions(three(a), three(b), t));
      expect(rotationDistance(slerp(a, b, t), expected)).toBeLessThan(1e-9);
    }
  });

  it('log / exp and axis-angle conversions round-trip, also for tiny angles', () => {
    const rand = mulberry32(22);
    for (const scale of [1, 1e-5, 1e-10]) {
      const q = randomUnitQuat(rand);
      const w = q[3] < 0 ? -1 : 1;
      const small: Quat = [q[0] * scale * w, q[1] * scale * w, q[2] * scale * w, 0];
      small[3] = Math.sqrt(1 - small[0] ** 2 - small[1] ** 2 - small[2] ** 2);
      expectClose(quatExp(quatLog(small)), small, 12);
      const aa = quatToAxisAngle(small);
      expectClose(axisAngleToQuat(...aa), small, 12);
    }
    expectClose(quatToAxisAngle(axisAngleToQuat(Math.PI / 2, 0, 0)), [Math.PI / 2, 0, 0], 12);
    // q and -q give the same axis-angle (angle in [0, pi]).
    const q = axisAngleToQuat(0, 2, 0);
    expectClose(quatToAxisAngle([-q[0], -q[1], -q[2], -q[3]]), [0, 2, 0], 12);
  });
});

describe('quaternion channels', () => {
  it('linear slerps and matches three.js at fractional frames', () => {
    const rand = mulberry32(23);
    const keys: [[number, Quat], [number, Quat], [number, Quat]] = [
      [0, randomUnitQuat(rand)],
      [7, randomUnitQuat(rand)],
      [20, randomUnitQuat(rand)],
    ];
    const channel = quatChannel(keys, 'linear');
    for (const f of [0.5, 3, 6.9, 12.5, 19.75]) {
      const [a, b] = f < 7 ? [keys[0], keys[1]] : [keys[1], keys[2]];
      const t = (f - a[0]) / (b[0] - a[0]);
      const expected = arr(new Quaternion().slerpQuaternions(three(a[1]), three(b[1]), t));
      expect(rotationDistance(sampleQuat(channel, f) as Quat, expected), `frame ${f}`).toBeLessThan(1e-9);
    }
  });

  it('takes the short arc: a sign-flipped key turns half the short angle by the midpoint', () => {
    const a = quatAxisAngle(Y, 0);
    const b = quatAxisAngle(Y, 60 * DEG).map((v) => -v) as Quat;
    for (const interpolation of ['linear', 'bezier'] as const) {
      const mid = sampleQuat(
        quatChannel(
          [
            [0, a],
            [10, b],
          ],
          interpolation,
        ),
        5,
      ) as Quat;
      expect(rotationDistance(mid, quatAxisAngle(Y, 30 * DEG)), interpolation).toBeLessThan(1e-9);
    }
  });

  it('a key and its negation (the same rotation) do not spin 360 degrees', () => {
    const q = quatAxisAngle([1, 2, 3], 1.2);
    const minus = q.map((v) => -v) as Quat;
    for (const interpolation of ['linear', 'bezier'] as const) {
      const channel = quatChannel(
        [
          [0, q],
          [10, minus],
          [20, q],
        ],
        interpolation,
      );
      for (let f = 0; f <= 20; f += 0.5) expect(rotationDistance(sampleQuat(channel, f) as Quat, q)).toBeLessThan(1e-9);
    }
  });

  it.each(['bezier', 'linear', 'hold'] as const)(
    'samples unit quaternions, exact at keys, hold first/last outside (%s)',
    (interpolation) => {
      const rand = mulberry32(24);
      const pairs: [number, Quat][] = [];
      for (let i = 0, f = 3; i < 8; i++, f += 1 + Math.floor(rand() * 9)) pairs.push([f, randomUnitQuat(rand)]);
      const channel = quatChannel(pairs, interpolation);
      const sample = quatSampler(channel);
      for (let f = -2; f < 80; f += 0.37) {
        const q = sample(f) as Quat;
        expect(Math.hypot(...q)).toBeCloseTo(1, 12);
      }
      for (const [frame, value] of pairs) expectClose(sample(frame) as Quat, value, 12);
      const [first, second] = pairs as [[number, Quat], [number, Quat]];
      expectClose(sample(0) as Quat, first[1], 12);
      expectClose(sample(1000) as Quat, (pairs[pairs.length - 1] as [number, Quat])[1], 12);
      if (interpolation === 'hold') expectClose(sample(second[0] - 0.001) as Quat, first[1], 12);
    },
  );

  it.each(['bezier', 'linear'] as const)('left and right limits agree at keys (%s)', (interpolation) => {
    const rand = mulberry32(25);
    const pairs: [number, Quat][] = [];
    for (let i = 0, f = 0; i < 6; i++, f += 2 + Math.floor(rand() * 9)) pairs.push([f, randomUnitQuat(rand)]);
    const sample = quatSampler(quatChannel(pairs, interpolation));
    for (const [frame, value] of pairs) {
      expect(rotationDistance(sample(frame - 1e-8) as Quat, value)).toBeLessThan(1e-6);
      expect(rotationDistance(sample(frame + 1e-8) as Quat, value)).toBeLessThan(1e-6);
    }
  });

  it('bezier equals Shoemake SQUAD (computed with three.js) on evenly spaced, unclamped keys', () => {
    const q = [
      quatAxisAngle([0, 1, 0.1], 0),
      quatAxisAngle([0.1, 1, 0.2], 20 * DEG),
      quatAxisAngle([0.2, 1, 0.1], 43 * DEG),
      quatAxisAngle([0.1, 1, 0.3], 65 * DEG),
    ] as Quat[];
    const channel = quatChannel(q.map((v, i) => [i * 8, v] as [number, Quat]));
    const [q0, q1, q2, q3] = q.map(three) as [Quaternion, Quaternion, Quaternion, Quaternion];
    const s1 = shoemake(q0, q1, q2);
    const s2 = shoemake(q1, q2, q3);
    const segment = splineRotationSegment(q[0], 0, q[1] as Quat, 8, q[2] as Quat, 16, q[3], 24);
    expectClose(segment.s0 as Quat, arr(s1), 12);
    expectClose(segment.s1 as Quat, arr(s2), 12);
    for (const t of [0.1, 0.25, 0.5, 0.8, 0.95]) {
      const expected = arr(squadThree(q1, q2, s1, s2, t));
      // three.js slerps below ~1.8 degrees by normalised lerp (error ~1e-7 rad), hence the tolerance.
      expect(rotationDistance(sampleQuat(channel, 8 + 8 * t) as Quat, expected), `t ${t}`).toBeLessThan(1e-6);
    }
  });

  it('bezier reduces to three.js slerp through evenly spaced keys on one great circle', () => {
    const axis: [number, number, number] = [0.3, 1, -0.2];
    const q = [0, 1, 2, 3].map((i) => quatAxisAngle(axis, i * 35 * DEG));
    const channel = quatChannel(q.map((v, i) => [i * 10, v] as [number, Quat]));
    for (const t of [0.2, 0.5, 0.7]) {
      const expected = arr(new Quaternion().slerpQuaternions(three(q[1] as Quat), three(q[2] as Quat), t));
      expect(rotationDistance(sampleQuat(channel, 10 + 10 * t) as Quat, expected)).toBeLessThan(1e-9);
    }
  });

  it('bezier about one axis is exactly the scalar auto-clamped bezier of the angle', () => {
    const rand = mulberry32(26);
    const axis: [number, number, number] = [0.6, -0.3, 0.74];
    for (let trial = 0; trial < 20; trial++) {
      const angles: [number, number][] = [];
      let angle = rand() * 2 - 1;
      for (let i = 0, f = 0; i < 7; i++, f += 1 + Math.floor(rand() * 10)) {
        angles.push([f, angle]);
        angle += (rand() * 2 - 1) * 2.8; // steps below 180 degrees, so the short arc is the keyed one
      }
      const rotations = quatChannel(angles.map(([f, a]) => [f, quatAxisAngle(axis, a)] as [number, Quat]));
      const scalar = deepFreeze(channelOf(angles));
      const last = (angles[angles.length - 1] as [number, number])[0];
      for (let f = 0; f <= last; f += 0.3) {
        const expected = quatAxisAngle(axis, sampleScalar(scalar, f) as number);
        expect(rotationDistance(sampleQuat(rotations, f) as Quat, expected), `trial ${trial} frame ${f}`).toBeLessThan(1e-9);
      }
    }
  });

  it('bezier is C1: angular velocity agrees from both sides of interior keys (uneven spacing)', () => {
    const rand = mulberry32(27);
    for (let trial = 0; trial < 20; trial++) {
      const pairs: [number, Quat][] = [];
      let q = randomUnitQuat(rand);
      for (let i = 0, f = 0; i < 6; i++, f += 2 + Math.floor(rand() * 12)) {
        pairs.push([f, q]);
        q = arr(three(q).multiply(three(quatAxisAngle([rand() - 0.5, rand() - 0.5, rand() - 0.5], rand() * 1.5))));
      }
      const sample = quatSampler(quatChannel(pairs));
      const h = 1e-5;
      for (const [frame] of pairs.slice(1, -1)) {
        const at = sample(frame) as Quat;
        const left = angularVelocity(sample(frame - h) as Quat, at, h);
        const right = angularVelocity(at, sample(frame + h) as Quat, h);
        // Relative agreement, with an absolute floor for keys where the motion reverses (speed ~ 0).
        const tolerance = 1e-3 * Math.max(Math.hypot(...left), Math.hypot(...right)) + 1e-4;
        expect(Math.hypot(left[0] - right[0], left[1] - right[1], left[2] - right[2]), `trial ${trial} key ${frame}`).toBeLessThan(
          tolerance,
        );
      }
    }
  });

  it('a held camera stays exactly still, then accelerates smoothly without drifting backwards', () => {
    const a = quatAxisAngle([0.2, 1, 0], 0.3);
    const b = quatAxisAngle([1, 0.5, 0], 1.1);
    const sample = quatSampler(
      quatChannel([
        [0, a],
        [10, a],
        [20, b],
        [30, b],
      ]),
    );
    for (let f = 0; f <= 10; f += 0.5) expect(rotationDistance(sample(f) as Quat, a)).toBeLessThan(1e-12);
    // Zero angular velocity leaving the hold and arriving at the next one.
    expect(Math.hypot(...angularVelocity(sample(10) as Quat, sample(10.001) as Quat, 0.001))).toBeLessThan(1e-3);
    expect(Math.hypot(...angularVelocity(sample(19.999) as Quat, sample(20) as Quat, 0.001))).toBeLessThan(1e-3);
    let previous = 0;
    for (let f = 10; f <= 20; f += 0.25) {
      const travelled = rotationDistance(sample(f) as Quat, a);
      expect(travelled).toBeGreaterThanOrEqual(previous - 1e-12);
      previous = travelled;
    }
    expect(previous).toBeCloseTo(rotationDistance(a, b), 9);
    for (let f = 20; f <= 30; f += 0.5) expect(rotationDistance(sample(f) as Quat, b)).toBeLessThan(1e-12);
  });

  it('tangents are flat at the ends and where the rotation reverses', () => {
    const a = quatAxisAngle(Y, 0);
    const b = quatAxisAngle(Y, 1);
    expect(clampedRotationTangent(undefined, Number.NaN, a, 0, b, 10)).toEqual([0, 0, 0]);
    expect(clampedRotationTangent(a, 0, b, 10, a, 20)).toEqual([0, 0, 0]);
    const c = quatAxisAngle(Y, 2);
    expectClose(clampedRotationTangent(a, 0, b, 10, c, 20), [0, 0.05, 0], 12);
  });
});
