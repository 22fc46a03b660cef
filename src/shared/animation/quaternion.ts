import type { Quat, Vec3 } from './schema';

/**
 * Plain quaternion maths on [x, y, z, w] tuples (three.js order), so sampling stays free of
 * three.js objects and is easy to test. Logarithms are half-angle rotation vectors:
 * log(q) = axis * angle / 2, the convention Shoemake's SQUAD is written in.
 */

export const IDENTITY_QUAT: Readonly<Quat> = [0, 0, 0, 1];

/*
 * Norms are written as Math.sqrt of sums: Math.hypot is several times slower in V8, and the
 * values here are O(1), so its overflow protection buys nothing.
 */

/** Below this angle (radians) sin(x)/x and friends switch to their Taylor series. */
const TINY_ANGLE = 1e-9;

export function quatDot(a: Readonly<Quat>, b: Readonly<Quat>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

/** A unit copy; a zero (or non-finite) quaternion has no rotation to keep, so it becomes the identity. */
export function quatNormalize(q: Readonly<Quat>): Quat {
  const n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (!(n > 0) || !Number.isFinite(n)) return [0, 0, 0, 1];
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Hamilton product a * b: rotate by b, then by a (three.js multiplyQuaternions(a, b)). */
export function quatMultiply(a: Readonly<Quat>, b: Readonly<Quat>): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    ax * bw + aw * bx + ay * bz - az * by,
    ay * bw + aw * by + az * bx - ax * bz,
    az * bw + aw * bz + ax * by - ay * bx,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/** The inverse of a unit quaternion. */
export function quatConjugate(q: Readonly<Quat>): Quat {
  return [-q[0], -q[1], -q[2], q[3]];
}

/** q or -q, whichever lies on reference's hemisphere: the same rotation, reached along the short arc. */
export function quatAlign(q: Readonly<Quat>, reference: Readonly<Quat>): Quat {
  return quatDot(q, reference) < 0 ? [-q[0], -q[1], -q[2], -q[3]] : [q[0], q[1], q[2], q[3]];
}

/**
 * Half-angle rotation vector of a unit quaternion. Callers pass quaternions with w >= 0 (a
 * relative rotation between aligned keys), where the principal logarithm is the short arc.
 */
export function quatLog(q: Readonly<Quat>): Vec3 {
  const s = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
  // atan2(s, w) / s -> 1 / w as s -> 0; the series keeps tiny rotations exact instead of 0/0.
  const k = s > TINY_ANGLE ? Math.atan2(s, q[3]) / s : 1 / q[3];
  return [q[0] * k, q[1] * k, q[2] * k];
}

/** Inverse of quatLog: the unit quaternion exp([v, 0]). */
export function quatExp(v: Readonly<Vec3>): Quat {
  const theta = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  const k = theta > TINY_ANGLE ? Math.sin(theta) / theta : 1 - (theta * theta) / 6;
  return [v[0] * k, v[1] * k, v[2] * k, Math.cos(theta)];
}

/**
 * Angle between two quaternions as 4-vectors (half the rotation angle between them when they
 * are aligned). Computed from |a-b| and |a+b| rather than acos(dot), which loses all precision
 * for nearby rotations - exactly the case a densely keyed camera produces.
 */
export function quatArcAngle(a: Readonly<Quat>, b: Readonly<Quat>): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  const dz = a[2] - b[2];
  const dw = a[3] - b[3];
  const sx = a[0] + b[0];
  const sy = a[1] + b[1];
  const sz = a[2] + b[2];
  const sw = a[3] + b[3];
  return 2 * Math.atan2(Math.sqrt(dx * dx + dy * dy + dz * dz + dw * dw), Math.sqrt(sx * sx + sy * sy + sz * sz + sw * sw));
}

/**
 * Spherical interpolation from a to b at t in [0, 1] along the great arc between the two
 * 4-vectors *as given* (no sign flip), with their arc angle precomputed by quatArcAngle and,
 * optionally, its sine (segments precompute both, as the same pair is slerped every frame).
 * Writes into out and returns it; SQUAD needs this unflipped form to stay continuous.
 */
export function slerpWithAngle(
  a: Readonly<Quat>,
  b: Readonly<Quat>,
  angle: number,
  t: number,
  out: Quat,
  sinAngle = Math.sin(angle),
): Quat {
  let wa: number;
  let wb: number;
  if (angle < 1e-6) {
    // Nearly equal: the normalised lerp differs from slerp by O(angle^2) ~ 1e-12.
    wa = 1 - t;
    wb = t;
  } else {
    wa = Math.sin((1 - t) * angle) / sinAngle;
    wb = Math.sin(t * angle) / sinAngle;
  }
  const x = wa * a[0] + wb * b[0];
  const y = wa * a[1] + wb * b[1];
  const z = wa * a[2] + wb * b[2];
  const w = wa * a[3] + wb * b[3];
  // Renormalise so rounding never accumulates into a scaled rotation downstream.
  const n = Math.sqrt(x * x + y * y + z * z + w * w) || 1;
  out[0] = x / n;
  out[1] = y / n;
  out[2] = z / n;
  out[3] = w / n;
  return out;
}

/** Slerp along the short arc: b is flipped onto a's hemisphere first, so q and -q never spin 360 degrees. */
export function slerp(a: Readonly<Quat>, b: Readonly<Quat>, t: number): Quat {
  const bb = quatAlign(b, a);
  return slerpWithAngle(a, bb, quatArcAngle(a, bb), t, [0, 0, 0, 1]);
}

/** Axis-angle vector (axis * radians, MANO's convention) to a unit quaternion. */
export function axisAngleToQuat(x: number, y: number, z: number): Quat {
  const angle = Math.sqrt(x * x + y * y + z * z);
  // sin(angle / 2) / angle -> 1/2 - angle^2 / 48 near zero.
  const k = angle > TINY_ANGLE ? Math.sin(angle / 2) / angle : 0.5 - (angle * angle) / 48;
  return [x * k, y * k, z * k, Math.cos(angle / 2)];
}

/**
 * Quaternion to an axis-angle vector with angle in [0, pi] (q and -q give the same vector).
 * Writes three numbers into out at offset, so a 45-float finger pose can be filled in place.
 */
export function quatToAxisAngleInto(q: Readonly<Quat>, out: number[], offset: number): void {
  const sign = q[3] < 0 ? -1 : 1;
  const s = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
  const w = q[3] * sign;
  // angle / s with angle = 2 atan2(s, w) -> 2 / w for tiny rotations.
  const k = sign * (s > TINY_ANGLE ? (2 * Math.atan2(s, w)) / s : 2 / w);
  out[offset] = q[0] * k;
  out[offset + 1] = q[1] * k;
  out[offset + 2] = q[2] * k;
}

export function quatToAxisAngle(q: Readonly<Quat>): Vec3 {
  const out = [0, 0, 0];
  quatToAxisAngleInto(q, out, 0);
  return out as Vec3;
}

/** The rotation angle (radians, in [0, pi]) that takes a to b along the short arc. */
export function rotationAngleBetween(a: Readonly<Quat>, b: Readonly<Quat>): number {
  return quatArcAngle(a, quatAlign(b, a)) * 2;
}
