import type { Bounds, Placement, Vec3 } from './schema';

/**
 * How a scene file maps into the studio's world (metres, right-handed, Y up). One pure
 * function, used by the viewport and by the conditioning renderer, so both place the scene
 * identically. The result is a column-major 4x4 matrix (three.js Matrix4.fromArray order):
 * first the up-axis rotation, then the unit scale, then the recentring translation.
 */
export function placementMatrix(placement: Placement, bounds: Bounds): number[] {
  const s = placement.unitScale;
  // Z-up to Y-up is a rotation of -90 degrees about X: (x, y, z) -> (x, z, -y).
  const rot = placement.upAxis === 'z' ? [1, 0, 0, 0, 0, -1, 0, 1, 0] : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  // Column-major 3x3 times scale.
  const m = rot.map((v) => v * s);
  let t: Vec3 = [0, 0, 0];
  if (placement.recenter) {
    const placed = transformBounds(m, [0, 0, 0], bounds);
    t = [-(placed.min[0] + placed.max[0]) / 2, -placed.min[1], -(placed.min[2] + placed.max[2]) / 2];
  }
  return [m[0], m[1], m[2], 0, m[3], m[4], m[5], 0, m[6], m[7], m[8], 0, t[0], t[1], t[2], 1] as number[];
}

/** Apply a column-major 4x4 matrix to a point. */
export function applyMatrix(matrix: readonly number[], p: Vec3): Vec3 {
  const e = matrix;
  return [
    (e[0] as number) * p[0] + (e[4] as number) * p[1] + (e[8] as number) * p[2] + (e[12] as number),
    (e[1] as number) * p[0] + (e[5] as number) * p[1] + (e[9] as number) * p[2] + (e[13] as number),
    (e[2] as number) * p[0] + (e[6] as number) * p[1] + (e[10] as number) * p[2] + (e[14] as number),
  ];
}

/** The scene's bounds in world space after placement. */
export function placedBounds(placement: Placement, bounds: Bounds): Bounds {
  const matrix = placementMatrix(placement, bounds);
  const corners = cornersOf(bounds).map((c) => applyMatrix(matrix, c));
  return boundsOf(corners);
}

function transformBounds(m3: number[], t: Vec3, bounds: Bounds): Bounds {
  const matrix = [m3[0], m3[1], m3[2], 0, m3[3], m3[4], m3[5], 0, m3[6], m3[7], m3[8], 0, t[0], t[1], t[2], 1] as number[];
  return boundsOf(cornersOf(bounds).map((c) => applyMatrix(matrix, c)));
}

function cornersOf(b: Bounds): Vec3[] {
  const out: Vec3[] = [];
  for (const x of [b.min[0], b.max[0]]) for (const y of [b.min[1], b.max[1]]) for (const z of [b.min[2], b.max[2]]) out.push([x, y, z]);
  return out;
}

function boundsOf(points: Vec3[]): Bounds {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of points) {
    for (let i = 0; i < 3; i++) {
      min[i] = Math.min(min[i] as number, p[i] as number);
      max[i] = Math.max(max[i] as number, p[i] as number);
    }
  }
  return { min, max };
}
