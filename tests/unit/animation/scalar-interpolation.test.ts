import { describe, expect, it } from 'vitest';
import { autoClampedSlope, solveBezierTime } from '../../../src/shared/animation/bezier';
import type { Key } from '../../../src/shared/animation/keys';
import { sampleScalar, sampleVec3, scalarSampler } from '../../../src/shared/animation/sample';
import type { Interpolation, ScalarChannel, Vec3 } from '../../../src/shared/animation/schema';
import { channelOf, deepFreeze, expectClose, mulberry32 } from './helpers';

const INTERPOLATIONS: Interpolation[] = ['bezier', 'linear', 'hold'];

/** Random keys: increasing whole frames with gaps of 1..12, values from makeValue. */
function randomChannel(
  rand: () => number,
  count: number,
  makeValue: (i: number) => number,
  interpolation: Interpolation = 'bezier',
): ScalarChannel {
  let frame = Math.floor(rand() * 5);
  const pairs: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    pairs.push([frame, makeValue(i)]);
    frame += 1 + Math.floor(rand() * 12);
  }
  return deepFreeze(channelOf(pairs, interpolation));
}

describe('scalar channels', () => {
  it('have no value when empty, unless the caller supplies a fallback', () => {
    const empty = deepFreeze({ keys: [] });
    expect(sampleScalar(empty, 3)).toBeUndefined();
    expect(sampleScalar(empty, 3, 42)).toBe(42);
    expect(sampleVec3(empty, 3)).toBeUndefined();
    expect(sampleVec3(empty, 3, [1, 2, 3])).toEqual([1, 2, 3]);
  });

  it.each(INTERPOLATIONS)('hold the first value before the first key and the last after the last (%s)', (interpolation) => {
    const channel = deepFreeze(
      channelOf(
        [
          [5, 1],
          [10, 4],
          [20, -2],
        ],
        interpolation,
      ),
    );
    expect(sampleScalar(channel, 0)).toBe(1);
    expect(sampleScalar(channel, -3.5)).toBe(1);
    expect(sampleScalar(channel, 4.999)).toBe(1);
    expect(sampleScalar(channel, 20)).toBe(-2);
    expect(sampleScalar(channel, 20.25)).toBe(-2);
    expect(sampleScalar(channel, 1000)).toBe(-2);
    // A single key is a constant.
    const single = deepFreeze(channelOf([[7, 3]], interpolation));
    for (const f of [0, 7, 7.5, 48]) expect(sampleScalar(single, f)).toBe(3);
  });

  it.each(INTERPOLATIONS)('equal the key values exactly at key frames (%s)', (interpolation) => {
    const rand = mulberry32(11);
    const channel = randomChannel(rand, 12, () => rand() * 20 - 10, interpolation);
    for (const key of channel.keys) expect(sampleScalar(channel, key.frame)).toBe(key.value);
  });

  it.each(['bezier', 'linear'] as const)('approach each key continuously from both sides (%s)', (interpolation) => {
    const rand = mulberry32(12);
    const channel = randomChannel(rand, 12, () => rand() * 20 - 10, interpolation);
    const sample = scalarSampler(channel);
    for (const key of channel.keys) {
      expect(sample(key.frame - 1e-7) as number).toBeCloseTo(key.value, 5);
      expect(sample(key.frame + 1e-7) as number).toBeCloseTo(key.value, 5);
    }
  });

  it('hold keeps the left value up to the next key and steps exactly there', () => {
    const channel = deepFreeze(
      channelOf(
        [
          [0, 1],
          [10, 5],
          [20, 2],
        ],
        'hold',
      ),
    );
    expect(sampleScalar(channel, 9.999999)).toBe(1);
    expect(sampleScalar(channel, 10)).toBe(5);
    expect(sampleScalar(channel, 19.5)).toBe(5);
    expect(sampleScalar(channel, 20)).toBe(2);
  });

  it('linear interpolates proportionally, also at fractional frames', () => {
    const channel = deepFreeze(
      channelOf(
        [
          [0, 0],
          [10, 10],
          [20, 0],
        ],
        'linear',
      ),
    );
    expect(sampleScalar(channel, 2.5)).toBeCloseTo(2.5, 12);
    expect(sampleScalar(channel, 12.5)).toBeCloseTo(7.5, 12);
  });

  it('the interpolation of the left key decides each segment', () => {
    const channel = deepFreeze({
      keys: [
        { id: 'a', frame: 0, value: 0, interpolation: 'hold' as const },
        { id: 'b', frame: 10, value: 10, interpolation: 'linear' as const },
        { id: 'c', frame: 20, value: 20, interpolation: 'bezier' as const },
        { id: 'd', frame: 30, value: 0, interpolation: 'bezier' as const },
      ],
    });
    expect(sampleScalar(channel, 5)).toBe(0);
    expect(sampleScalar(channel, 15)).toBeCloseTo(15, 12);
    // Bezier from the local maximum at 20 (flat there) down to the flat end at 30: smoothstep.
    expect(sampleScalar(channel, 25)).toBeCloseTo(10, 12);
    expect(sampleScalar(channel, 22.5)).toBeCloseTo(20 - 20 * (3 * 0.25 ** 2 - 2 * 0.25 ** 3), 12);
  });

  it('bezier eases in and out of the first and last key (flat ends)', () => {
    const channel = deepFreeze(
      channelOf([
        [0, 0],
        [10, 1],
      ]),
    );
    const sample = scalarSampler(channel);
    const slopeStart = ((sample(1e-4) as number) - 0) / 1e-4;
    const slopeEnd = (1 - (sample(10 - 1e-4) as number)) / 1e-4;
    expect(Math.abs(slopeStart)).toBeLessThan(1e-3);
    expect(Math.abs(slopeEnd)).toBeLessThan(1e-3);
    expect(sample(5)).toBeCloseTo(0.5, 12);
  });

  it('auto bezier is C1 at interior keys: slopes from both sides agree', () => {
    const rand = mulberry32(13);
    for (let trial = 0; trial < 20; trial++) {
      const channel = randomChannel(rand, 8, () => rand() * 10 - 5);
      const sample = scalarSampler(channel);
      const h = 1e-5;
      for (const key of channel.keys.slice(1, -1)) {
        const left = (key.value - (sample(key.frame - h) as number)) / h;
        const right = ((sample(key.frame + h) as number) - key.value) / h;
        expect(Math.abs(left - right), `key at ${key.frame}: ${left} vs ${right}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(left)));
      }
    }
  });

  it('auto bezier is a smooth Catmull-Rom through evenly spaced collinear keys (no easing in the middle)', () => {
    const channel = deepFreeze(
      channelOf([
        [0, 0],
        [10, 1],
        [20, 2],
        [30, 3],
      ]),
    );
    for (const f of [10, 12.5, 15, 17.5, 20]) expect(sampleScalar(channel, f)).toBeCloseTo(f / 10, 12);
  });

  it('clamped bezier never overshoots between two keys (monotonic and non-monotonic random keys)', () => {
    const rand = mulberry32(14);
    const failures: string[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const monotonic = trial % 2 === 0;
      let level = rand() * 10;
      const direction = rand() < 0.5 ? -1 : 1;
      const channel = randomChannel(rand, 2 + Math.floor(rand() * 10), () => {
        // Monotonic sets include flat steps and wildly different step sizes (where clamping matters).
        if (monotonic) level += direction * (rand() < 0.2 ? 0 : rand() ** 3 * 20);
        else level = rand() * 20 - 10;
        return level;
      });
      const sample = scalarSampler(channel);
      const keys = channel.keys;
      for (let i = 0; i + 1 < keys.length; i++) {
        const a = keys[i] as Key<number>;
        const b = keys[i + 1] as Key<number>;
        const lo = Math.min(a.value, b.value) - 1e-9;
        const hi = Math.max(a.value, b.value) + 1e-9;
        let previous = a.value;
        for (let s = 1; s < 64; s++) {
          const f = a.frame + ((b.frame - a.frame) * s) / 64;
          const v = sample(f) as number;
          // Between two keys the curve is monotonic too (it runs from one key value to the other).
          const backwards = (v - previous) * Math.sign(b.value - a.value) < -1e-9;
          if (v < lo || v > hi || backwards) failures.push(`trial ${trial}: ${v} at frame ${f} outside [${lo}, ${hi}] or backwards`);
          previous = v;
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('vectors interpolate per component', () => {
    const channel = deepFreeze(
      channelOf<Vec3>([
        [0, [0, 10, -1]],
        [8, [4, 10, 1]],
      ]),
    );
    const mid = sampleVec3(channel, 4) as Vec3;
    expectClose(mid, [2, 10, 0], 12);
    const quarter = sampleVec3(channel, 2) as Vec3;
    const smooth = 3 * 0.25 ** 2 - 2 * 0.25 ** 3;
    expectClose(quarter, [4 * smooth, 10, -1 + 2 * smooth], 12);
    // Returned arrays are copies, not the key's own (frozen) array.
    const atKey = sampleVec3(channel, 0) as Vec3;
    atKey[0] = 99;
    expect(channel.keys[0]?.value[0]).toBe(0);
  });
});

describe('auto-clamped slopes', () => {
  it('are zero at ends and extrema, Catmull-Rom in between, limited to 3x the smaller secant', () => {
    expect(autoClampedSlope(Number.NaN, Number.NaN, 0, 0, 10, 5)).toBe(0);
    expect(autoClampedSlope(0, 0, 10, 5, Number.NaN, Number.NaN)).toBe(0);
    expect(autoClampedSlope(0, 0, 10, 5, 20, 0)).toBe(0);
    expect(autoClampedSlope(0, 0, 10, 5, 20, 5)).toBe(0);
    expect(autoClampedSlope(0, 0, 10, 5, 20, 15)).toBeCloseTo(0.75, 12);
    // Secants 0.01 and 10: Catmull-Rom would give ~5, the clamp allows 0.03.
    expect(autoClampedSlope(0, 0, 10, 0.1, 11, 10.1)).toBeCloseTo(0.03, 12);
  });
});

describe('manual handles', () => {
  /** The curve by brute force: bisect x(t) = frame on the bezier, then evaluate y(t). */
  type Point = readonly [number, number];
  function reference(p: readonly [Point, Point, Point, Point], frame: number): number {
    const bez = (c: 0 | 1, t: number) => {
      const s = 1 - t;
      return s * s * s * p[0][c] + 3 * s * s * t * p[1][c] + 3 * s * t * t * p[2][c] + t * t * t * p[3][c];
    };
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (bez(0, mid) < frame) lo = mid;
      else hi = mid;
    }
    return bez(1, (lo + hi) / 2);
  }

  const handled = deepFreeze({
    keys: [
      {
        id: 'a',
        frame: 0,
        value: 0,
        interpolation: 'bezier' as const,
        handles: [{ in: [-2, 0] as [number, number], out: [6, 0] as [number, number] }],
      },
      {
        id: 'b',
        frame: 10,
        value: 4,
        interpolation: 'bezier' as const,
        handles: [{ in: [-1, -1] as [number, number], out: [3, 0] as [number, number] }],
      },
    ],
  });

  it('override automatic handles, with exact timing (x(t) = frame solved numerically)', () => {
    for (const f of [0.5, 2, 3.3, 5, 7.25, 9, 9.9]) {
      expect(sampleScalar(handled, f)).toBeCloseTo(
        reference(
          [
            [0, 0],
            [6, 0],
            [9, 3],
            [10, 4],
          ],
          f,
        ),
        9,
      );
    }
  });

  it('equal to the automatic ones give the automatic curve', () => {
    const auto = deepFreeze(
      channelOf([
        [0, 0],
        [12, 3],
        [24, 9],
      ]),
    );
    const slope = autoClampedSlope(0, 0, 12, 3, 24, 9);
    const manual = deepFreeze({
      keys: auto.keys.map((k, i) => ({
        ...k,
        handles: i === 1 ? [{ in: [-4, -slope * 4] as [number, number], out: [4, slope * 4] as [number, number] }] : undefined,
      })),
    });
    for (let f = 0; f <= 24; f += 0.75) expect(sampleScalar(manual, f)).toBeCloseTo(sampleScalar(auto, f) as number, 9);
  });

  it('longer than the interval or pointing backwards stay usable (scaled / mirrored, no loops)', () => {
    const wild = deepFreeze({
      keys: [
        {
          id: 'a',
          frame: 0,
          value: 0,
          interpolation: 'bezier' as const,
          handles: [{ in: [0, 0] as [number, number], out: [40, 8] as [number, number] }],
        },
        {
          id: 'b',
          frame: 10,
          value: 4,
          interpolation: 'bezier' as const,
          handles: [{ in: [5, 1] as [number, number], out: [0, 0] as [number, number] }],
        },
      ],
    });
    // out [40, 8] -> [10, 2]; in [5, 1] mirrored -> [-5, -1].
    for (const f of [1, 4, 8.5]) {
      expect(sampleScalar(wild, f)).toBeCloseTo(
        reference(
          [
            [0, 0],
            [10, 2],
            [5, 3],
            [10, 4],
          ],
          f,
        ),
        9,
      );
    }
  });
});

describe('solveBezierTime', () => {
  it('finds t with x(t) = x, also on flat spots (zero-length handles)', () => {
    const x = (x1: number, x2: number, x3: number, t: number) => 3 * (1 - t) ** 2 * t * x1 + 3 * (1 - t) * t * t * x2 + t ** 3 * x3;
    for (const [x1, x2] of [
      [0, 10],
      [10, 0],
      [0, 0],
      [10, 10],
      [3, 7],
      [9.5, 0.5],
    ] as const) {
      for (const target of [0, 0.001, 1, 5, 9.999, 10]) {
        const t = solveBezierTime(x1, x2, 10, target);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(1);
        expect(x(x1, x2, 10, t)).toBeCloseTo(target, 8);
      }
    }
  });
});
