/**
 * Small rotation helpers on plain tuples, so poses stay JSON values (the timeline stores them
 * as such). Quaternions are [x, y, z, w] (three.js order), unit length, Hamilton product.
 * Axis-angle vectors are [x, y, z] with the angle (radians) as their length.
 */

export type Vec3 = [number, number, number];
export type Quat = [number, number, number, number];

/** A rigid transform: rotate, then translate. */
export interface RigidTransform {
  position: Vec3;
  rotation: Quat;
}

export const IDENTITY_QUAT: Readonly<Quat> = [0, 0, 0, 1];

export function quatIdentity(): Quat {
  return [0, 0, 0, 1];
}

export function quatNormalize(q: Readonly<Quat>): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  if (n === 0) return [0, 0, 0, 1];
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** a * b: the rotation b, then a (as in three.js Quaternion.multiplyQuaternions). */
export function quatMul(a: Readonly<Quat>, b: Readonly<Quat>): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

/** The inverse of a unit quaternion. */
export function quatConj(q: Readonly<Quat>): Quat {
  return [-q[0], -q[1], -q[2], q[3]];
}

export function quatDot(a: Readonly<Quat>, b: Readonly<Quat>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
}

/** The angle (radians, 0..pi) of the rotation that takes a to b. */
export function quatAngleBetween(a: Readonly<Quat>, b: Readonly<Quat>): number {
  return 2 * Math.acos(Math.min(1, Math.abs(quatDot(a, b))));
}

/** Rotate a vector by a unit quaternion. */
export function quatRotate(q: Readonly<Quat>, v: Readonly<Vec3>): Vec3 {
  const [qx, qy, qz, qw] = q;
  // t = 2 * cross(q.xyz, v); v' = v + w * t + cross(q.xyz, t)
  const tx = 2 * (qy * v[2] - qz * v[1]);
  const ty = 2 * (qz * v[0] - qx * v[2]);
  const tz = 2 * (qx * v[1] - qy * v[0]);
  return [v[0] + qw * tx + (qy * tz - qz * ty), v[1] + qw * ty + (qz * tx - qx * tz), v[2] + qw * tz + (qx * ty - qy * tx)];
}

/** The unit quaternion of an axis-angle vector (angle = length, radians). */
export function quatFromAxisAngle(v: Readonly<Vec3>): Quat {
  const angle = Math.hypot(v[0], v[1], v[2]);
  if (angle < 1e-12) {
    // First-order series keeps tiny rotations exact to double precision.
    return quatNormalize([v[0] / 2, v[1] / 2, v[2] / 2, 1]);
  }
  const s = Math.sin(angle / 2) / angle;
  return [v[0] * s, v[1] * s, v[2] * s, Math.cos(angle / 2)];
}

/**
 * The axis-angle vector of a unit quaternion, with the angle in [0, pi] (q and -q are the same
 * rotation; the one with w >= 0 is used). Stable near the identity and near pi.
 */
export function axisAngleFromQuat(q: Readonly<Quat>): Vec3 {
  let [x, y, z, w] = quatNormalize(q);
  if (w < 0) {
    x = -x;
    y = -y;
    z = -z;
    w = -w;
  }
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return [2 * x, 2 * y, 2 * z];
  const angle = 2 * Math.atan2(s, w);
  const k = angle / s;
  return [x * k, y * k, z * k];
}

/** Spherical interpolation along the short arc (q and -q are the same rotation). */
export function quatSlerp(a: Readonly<Quat>, b: Readonly<Quat>, t: number): Quat {
  let [bx, by, bz, bw] = b;
  let cos = quatDot(a, b);
  if (cos < 0) {
    cos = -cos;
    bx = -bx;
    by = -by;
    bz = -bz;
    bw = -bw;
  }
  let wa: number;
  let wb: number;
  if (cos > 1 - 1e-9) {
    wa = 1 - t;
    wb = t;
  } else {
    const theta = Math.acos(cos);
    const sin = Math.sin(theta);
    wa = Math.sin((1 - t) * theta) / sin;
    wb = Math.sin(t * theta) / sin;
  }
  return quatNormalize([wa * a[0] + wb * bx, wa * a[1] + wb * by, wa * a[2] + wb * bz, wa * a[3] + wb * bw]);
}

export function vecAdd(a: Readonly<Vec3>, b: Readonly<Vec3>): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function vecSub(a: Readonly<Vec3>, b: Readonly<Vec3>): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function vecLength(v: Readonly<Vec3>): number {
  return Math.hypot(v[0], v[1], v[2]);
}

export function vecDistance(a: Readonly<Vec3>, b: Readonly<Vec3>): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** a ∘ b: apply b, then a. */
export function composeTransforms(a: Readonly<RigidTransform>, b: Readonly<RigidTransform>): RigidTransform {
  return { position: vecAdd(a.position, quatRotate(a.rotation, b.position)), rotation: quatNormalize(quatMul(a.rotation, b.rotation)) };
}

export function invertTransform(t: Readonly<RigidTransform>): RigidTransform {
  const inv = quatConj(t.rotation);
  const p = quatRotate(inv, t.position);
  return { position: [-p[0], -p[1], -p[2]], rotation: inv };
}

export function transformPoint(t: Readonly<RigidTransform>, p: Readonly<Vec3>): Vec3 {
  return vecAdd(t.position, quatRotate(t.rotation, p));
}
