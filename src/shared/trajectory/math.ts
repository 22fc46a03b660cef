import type { Mat3, Mat4, Quat, Vec3 } from './types';

/**
 * Small, exact-as-floats rotation helpers on plain arrays. Matrices are rows (m[row][col]);
 * quaternions are [x, y, z, w] like three.js; rotations act on column vectors (v' = R v).
 */

export const DEG = 180 / Math.PI;

export function quatLength(q: Quat): number {
  return Math.hypot(q[0], q[1], q[2], q[3]);
}

export function normalizeQuat(q: Quat): Quat {
  const n = quatLength(q);
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Hamilton product a * b (apply b first, then a). */
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

/** Angle in radians of the rotation taking a to b (0..pi); sign of the quaternions does not matter. */
export function quatAngleBetween(a: Quat, b: Quat): number {
  const na = normalizeQuat(a);
  const nb = normalizeQuat(b);
  // Relative rotation conj(a) * b; atan2 keeps full precision near 0 where acos does not.
  const r = quatMultiply([-na[0], -na[1], -na[2], na[3]], nb);
  return 2 * Math.atan2(Math.hypot(r[0], r[1], r[2]), Math.abs(r[3]));
}

/** Rotation matrix of a quaternion; scaled by 2/|q|^2 so a slightly non-unit q still gives a rotation. */
export function quatToMat3(q: Quat): Mat3 {
  const [x, y, z, w] = q;
  const s = 2 / (x * x + y * y + z * z + w * w);
  const xx = x * x * s;
  const yy = y * y * s;
  const zz = z * z * s;
  const xy = x * y * s;
  const xz = x * z * s;
  const yz = y * z * s;
  const wx = w * x * s;
  const wy = w * y * s;
  const wz = w * z * s;
  return [
    [1 - yy - zz, xy - wz, xz + wy],
    [xy + wz, 1 - xx - zz, yz - wx],
    [xz - wy, yz + wx, 1 - xx - yy],
  ];
}

/** Unit quaternion (w >= 0) of a rotation matrix (Shepperd's method: divides by the largest term). */
export function mat3ToQuat(m: Mat3): Quat {
  const [[m00, m01, m02], [m10, m11, m12], [m20, m21, m22]] = m;
  const trace = m00 + m11 + m22;
  let q: Quat;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    q = [(m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
  }
  const n = normalizeQuat(q);
  return n[3] < 0 ? [-n[0], -n[1], -n[2], -n[3]] : n;
}

/** Axis-angle (Rodrigues) vector of a quaternion: direction = axis, length = angle in radians, 0..pi. */
export function quatToAxisAngle(q: Quat): Vec3 {
  let [x, y, z, w] = normalizeQuat(q);
  if (w < 0) {
    x = -x;
    y = -y;
    z = -z;
    w = -w;
  }
  const s = Math.hypot(x, y, z); // sin(angle / 2)
  if (s < 1e-12) {
    // angle ~ 2 s, so angle / s ~ 2 / w (w ~ 1)
    const k = 2 / w;
    return [x * k, y * k, z * k];
  }
  const angle = 2 * Math.atan2(s, w);
  const k = angle / s;
  return [x * k, y * k, z * k];
}

/** Quaternion (w >= 0 for angles up to pi) of an axis-angle vector. */
export function axisAngleToQuat(v: Vec3): Quat {
  const angle = Math.hypot(v[0], v[1], v[2]);
  const half = angle / 2;
  // sin(half) / angle, with its limit 1/2 at angle -> 0
  const k = angle < 1e-12 ? 0.5 : Math.sin(half) / angle;
  return [v[0] * k, v[1] * k, v[2] * k, Math.cos(half)];
}

export function det3(m: Mat3): number {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

export function transpose3(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

export function mulMat3Vec3(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
    m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
    m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
  ];
}

/** Upper-left 3x3 of a 4x4. */
export function rotationPart(m: Mat4): Mat3 {
  return [
    [m[0][0], m[0][1], m[0][2]],
    [m[1][0], m[1][1], m[1][2]],
    [m[2][0], m[2][1], m[2][2]],
  ];
}

export function translationPart(m: Mat4): Vec3 {
  return [m[0][3], m[1][3], m[2][3]];
}

/** [R | t] with the bottom row 0 0 0 1. */
export function composeMat4(r: Mat3, t: Vec3): Mat4 {
  return [
    [r[0][0], r[0][1], r[0][2], t[0]],
    [r[1][0], r[1][1], r[1][2], t[1]],
    [r[2][0], r[2][1], r[2][2], t[2]],
    [0, 0, 0, 1],
  ];
}

export function mulMat4(a: Mat4, b: Mat4): Mat4 {
  const out: number[][] = [];
  for (let r = 0; r < 4; r++) {
    const row: number[] = [];
    for (let c = 0; c < 4; c++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (a[r]?.[k] ?? 0) * (b[k]?.[c] ?? 0);
      row.push(sum);
    }
    out.push(row);
  }
  return out as Mat4;
}

/** Inverse of a rigid transform [R | t]: [R^T | -R^T t]. */
export function invertRigid(m: Mat4): Mat4 {
  const rt = transpose3(rotationPart(m));
  const t = mulMat3Vec3(rt, translationPart(m));
  return composeMat4(rt, [0 - t[0], 0 - t[1], 0 - t[2]]);
}

export function isFiniteVec(v: readonly number[]): boolean {
  return v.every((x) => Number.isFinite(x));
}

/** Default tolerance for reading rotations from files: survives 6-decimal text and float32 values. */
export const ROTATION_TOLERANCE = 1e-4;

const fmt = (x: number): string => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4).replace(/\.?0+$/, '') : x.toExponential(1));

/**
 * Why a 3x3 matrix is not a rotation, or null when it is one (orthonormal within `tolerance`
 * per element of R^T R - I, determinant +1).
 */
export function rotationProblem(m: Mat3, tolerance = ROTATION_TOLERANCE): string | null {
  if (!m.every((row) => isFiniteVec(row))) return 'contains a number that is not finite';
  const cols: Vec3[] = [0, 1, 2].map((c) => [m[0][c] as number, m[1][c] as number, m[2][c] as number] as Vec3);
  const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const c0 = cols[0] as Vec3;
  const c1 = cols[1] as Vec3;
  const c2 = cols[2] as Vec3;
  const lengths = [Math.sqrt(dot(c0, c0)), Math.sqrt(dot(c1, c1)), Math.sqrt(dot(c2, c2))];
  const dots = [dot(c0, c1), dot(c0, c2), dot(c1, c2)];
  const worst = Math.max(...lengths.map((l) => Math.abs(l * l - 1)), ...dots.map((d) => Math.abs(d)));
  const det = det3(m);
  if (worst <= tolerance && det < 0) {
    return (
      `its rotation part has determinant ${fmt(det)}: a mirror image, not a rotation (a rotation has determinant +1). ` +
      'Usually one camera axis was flipped on its own (e.g. only y or only z when converting OpenGL to OpenCV), ' +
      'or the matrix comes from a left-handed world'
    );
  }
  if (worst > tolerance) {
    const scaled = lengths.some((l) => Math.abs(l * l - 1) > tolerance);
    const detail = `column lengths ${lengths.map(fmt).join(', ')}; dot products between columns ${dots.map(fmt).join(', ')}; determinant ${fmt(det)}`;
    return `its rotation part is not a rotation (not orthonormal: ${detail})${scaled ? '; a scale or a projection is mixed in' : '; the axes are not perpendicular (a shear)'}`;
  }
  return null;
}

/** Why a 4x4 matrix is not a rigid transform [R | t; 0 0 0 1], or null when it is one. */
export function rigidTransformProblem(m: Mat4, tolerance = ROTATION_TOLERANCE): string | null {
  const bottom = m[3];
  if (!m.every((row) => isFiniteVec(row))) return 'contains a number that is not finite';
  if (
    Math.abs(bottom[0]) > tolerance ||
    Math.abs(bottom[1]) > tolerance ||
    Math.abs(bottom[2]) > tolerance ||
    Math.abs(bottom[3] - 1) > tolerance
  ) {
    return `its bottom row is [${bottom.join(', ')}]; a camera pose has [0, 0, 0, 1]`;
  }
  return rotationProblem(rotationPart(m), tolerance);
}
