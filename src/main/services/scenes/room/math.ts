/**
 * Small vector, quaternion and box helpers for the room generator. Everything is plain
 * tuples so the plan stays serialisable and the output deterministic.
 */

export type Vec3 = [number, number, number];
/** x, y, z, w (glTF order). */
export type Quat = [number, number, number, number];

export interface Aabb {
  min: Vec3;
  max: Vec3;
}

export const IDENTITY_QUAT: Quat = [0, 0, 0, 1];
const SQRT1_2 = Math.SQRT1_2;

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function length(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

export function normalize(a: Vec3): Vec3 {
  const l = length(a);
  return l > 0 ? [a[0] / l, a[1] / l, a[2] / l] : [0, 0, 0];
}

/** Rotate a vector by a unit quaternion. */
export function rotate(q: Quat, v: Vec3): Vec3 {
  const [qx, qy, qz, qw] = q;
  // t = 2 * cross(q.xyz, v); v' = v + w * t + cross(q.xyz, t)
  const tx = 2 * (qy * v[2] - qz * v[1]);
  const ty = 2 * (qz * v[0] - qx * v[2]);
  const tz = 2 * (qx * v[1] - qy * v[0]);
  return [v[0] + qw * tx + (qy * tz - qz * ty), v[1] + qw * ty + (qz * tx - qx * tz), v[2] + qw * tz + (qx * ty - qy * tx)];
}

export function quatMultiply(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export function quatFromAxisAngle(axis: Vec3, angle: number): Quat {
  const n = normalize(axis);
  const s = Math.sin(angle / 2);
  return [n[0] * s, n[1] * s, n[2] * s, Math.cos(angle / 2)];
}

/** The shortest rotation taking unit vector `from` onto unit vector `to`. */
export function quatFromTo(from: Vec3, to: Vec3): Quat {
  const d = dot(from, to);
  if (d < -0.999999) {
    // Opposite: any perpendicular axis will do.
    const axis = Math.abs(from[0]) < 0.9 ? cross(from, [1, 0, 0]) : cross(from, [0, 1, 0]);
    return quatFromAxisAngle(axis, Math.PI);
  }
  const c = cross(from, to);
  const q: Quat = [c[0], c[1], c[2], 1 + d];
  const l = Math.hypot(q[0], q[1], q[2], q[3]);
  return [q[0] / l, q[1] / l, q[2] / l, q[3] / l];
}

/** Quarter turns about +Y: 0 keeps local +Z facing world +Z, 1 faces +X, 2 faces -Z, 3 faces -X. */
export type QuarterTurns = 0 | 1 | 2 | 3;

/** Exact quaternions for quarter turns about +Y (no sin/cos noise in the file). */
export function yawQuat(turns: QuarterTurns): Quat {
  switch (turns) {
    case 0:
      return [0, 0, 0, 1];
    case 1:
      return [0, SQRT1_2, 0, SQRT1_2];
    case 2:
      return [0, 1, 0, 0];
    case 3:
      return [0, -SQRT1_2, 0, SQRT1_2];
  }
}

/** Rotate a vector about +Y by quarter turns, exactly. */
export function yawVec(turns: QuarterTurns, v: Vec3): Vec3 {
  switch (turns) {
    case 0:
      return [v[0], v[1], v[2]];
    case 1:
      return [v[2], v[1], -v[0]];
    case 2:
      return [-v[0], v[1], -v[2]];
    case 3:
      return [-v[2], v[1], v[0]];
  }
}

export function emptyAabb(): Aabb {
  return { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
}

export function aabbIsEmpty(b: Aabb): boolean {
  return b.min[0] > b.max[0] || b.min[1] > b.max[1] || b.min[2] > b.max[2];
}

export function aabbExpandPoint(b: Aabb, p: Vec3): void {
  for (const i of [0, 1, 2] as const) {
    const v = p[i];
    if (v < b.min[i]) b.min[i] = v;
    if (v > b.max[i]) b.max[i] = v;
  }
}

export function aabbUnion(a: Aabb, b: Aabb): Aabb {
  return {
    min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1]), Math.min(a.min[2], b.min[2])],
    max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1]), Math.max(a.max[2], b.max[2])],
  };
}

export function aabbCorners(b: Aabb): Vec3[] {
  const out: Vec3[] = [];
  for (const x of [b.min[0], b.max[0]]) for (const y of [b.min[1], b.max[1]]) for (const z of [b.min[2], b.max[2]]) out.push([x, y, z]);
  return out;
}

/** Grow (or with a negative margin shrink) a box on every side. */
export function aabbInflate(b: Aabb, margin: number): Aabb {
  return {
    min: [b.min[0] - margin, b.min[1] - margin, b.min[2] - margin],
    max: [b.max[0] + margin, b.max[1] + margin, b.max[2] + margin],
  };
}

/** Strict overlap: boxes that only touch do not overlap. */
export function aabbOverlap(a: Aabb, b: Aabb): boolean {
  return (
    a.min[0] < b.max[0] && b.min[0] < a.max[0] && a.min[1] < b.max[1] && b.min[1] < a.max[1] && a.min[2] < b.max[2] && b.min[2] < a.max[2]
  );
}

export function aabbContains(outer: Aabb, inner: Aabb, eps = 1e-9): boolean {
  for (const i of [0, 1, 2] as const) {
    if (inner.min[i] < outer.min[i] - eps || inner.max[i] > outer.max[i] + eps) return false;
  }
  return true;
}

/** Axis-aligned box moved by a quarter-turn yaw and then a translation. */
export function aabbYawTranslate(b: Aabb, turns: QuarterTurns, t: Vec3): Aabb {
  const out = emptyAabb();
  for (const c of aabbCorners(b)) aabbExpandPoint(out, add(yawVec(turns, c), t));
  return out;
}

export function aabbTranslate(b: Aabb, t: Vec3): Aabb {
  return { min: add(b.min, t), max: add(b.max, t) };
}

/** Round to 10 µm so the numbers in the file are tidy and stable. */
export function r5(v: number): number {
  const r = Math.round(v * 1e5) / 1e5;
  return Object.is(r, -0) ? 0 : r;
}

export function r5v(v: Vec3): Vec3 {
  return [r5(v[0]), r5(v[1]), r5(v[2])];
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG. Same seed, same sequence, on every platform. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}
