import { type Aabb, aabbExpandPoint, emptyAabb, IDENTITY_QUAT, type Quat, rotate, type Vec3 } from './math';

/**
 * Triangle geometry for the room generator, grouped by material name. Every shape is emitted
 * with outward normals and counter-clockwise winding seen from outside (glTF front faces),
 * flat normals on planar faces and smooth normals around curved ones.
 */

export interface MeshGroup {
  positions: number[];
  normals: number[];
  indices: number[];
}

export interface Placement3 {
  /** Applied first (about the shape's own origin). */
  rotation?: Quat;
  /** Applied after the rotation. */
  translation?: Vec3;
}

export interface CylinderOptions extends Placement3 {
  /** Radius at y = 0 of the shape's own frame. */
  radiusBottom: number;
  /** Radius at y = height; defaults to radiusBottom. */
  radiusTop?: number;
  height: number;
  segments?: number;
  capBottom?: boolean;
  capTop?: boolean;
}

export interface TubeOptions extends Placement3 {
  outerRadius: number;
  innerRadius: number;
  height: number;
  /** Thickness of the closed bottom. */
  bottomThickness: number;
  segments?: number;
}

export interface TorusOptions extends Placement3 {
  /** Radius of the ring's centre line, in the shape's XZ plane around +Y. */
  majorRadius: number;
  /** Radius of the tube. */
  minorRadius: number;
  /** Part of the ring to build, radians, measured from +Z towards +X; defaults to the full ring. */
  arc?: [number, number];
  majorSegments?: number;
  minorSegments?: number;
}

/** Rotations that turn a shape built along +Y so that it runs along another axis. */
export const ALONG_X: Quat = [0, 0, -Math.SQRT1_2, Math.SQRT1_2];
export const ALONG_Z: Quat = [Math.SQRT1_2, 0, 0, Math.SQRT1_2];

export class GeometryBuilder {
  readonly groups = new Map<string, MeshGroup>();
  private readonly box3 = emptyAabb();

  /** Bounds of everything emitted so far (in this builder's space); null when empty. */
  bounds(): Aabb | null {
    if (this.box3.min[0] > this.box3.max[0]) return null;
    return { min: [...this.box3.min], max: [...this.box3.max] };
  }

  /** Bounds of the groups whose material passes `filter`. */
  boundsWhere(filter: (material: string) => boolean): Aabb | null {
    const b = emptyAabb();
    for (const [material, g] of this.groups) {
      if (!filter(material)) continue;
      for (let i = 0; i < g.positions.length; i += 3) {
        aabbExpandPoint(b, [g.positions[i] as number, g.positions[i + 1] as number, g.positions[i + 2] as number]);
      }
    }
    return b.min[0] > b.max[0] ? null : b;
  }

  triangleCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.indices.length / 3;
    return n;
  }

  isEmpty(): boolean {
    return this.groups.size === 0;
  }

  private group(material: string): MeshGroup {
    let g = this.groups.get(material);
    if (!g) {
      g = { positions: [], normals: [], indices: [] };
      this.groups.set(material, g);
    }
    return g;
  }

  /** Append raw local geometry, rotated then translated. Indices are relative to the given vertices. */
  emit(material: string, positions: Vec3[], normals: Vec3[], indices: number[], place: Placement3 = {}): void {
    const g = this.group(material);
    const base = g.positions.length / 3;
    const q = place.rotation ?? IDENTITY_QUAT;
    const t = place.translation ?? [0, 0, 0];
    const identity = q === IDENTITY_QUAT || (q[0] === 0 && q[1] === 0 && q[2] === 0);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i] as Vec3;
      const n = normals[i] as Vec3;
      const rp = identity ? p : rotate(q, p);
      const rn = identity ? n : rotate(q, n);
      const wp: Vec3 = [rp[0] + t[0], rp[1] + t[1], rp[2] + t[2]];
      g.positions.push(wp[0], wp[1], wp[2]);
      g.normals.push(rn[0], rn[1], rn[2]);
      aabbExpandPoint(this.box3, wp);
    }
    for (const i of indices) g.indices.push(base + i);
  }

  /** Axis-aligned box from its two corners. */
  box(material: string, min: Vec3, max: Vec3): void {
    const c: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
    const s: Vec3 = [max[0] - min[0], max[1] - min[1], max[2] - min[2]];
    this.boxAt(material, s, { translation: c });
  }

  /** Box of the given size centred on the shape origin, then placed. */
  boxAt(material: string, size: Vec3, place: Placement3 = {}): void {
    const { positions, normals, indices } = boxShape(size);
    this.emit(material, positions, normals, indices, place);
  }

  /** Cylinder or frustum standing on the shape origin, along +Y (rotate to lay it along other axes). */
  cylinder(material: string, o: CylinderOptions): void {
    const { positions, normals, indices } = cylinderShape(o);
    this.emit(material, positions, normals, indices, o);
  }

  /** A cup: closed bottom, open top, wall between the two radii. */
  tube(material: string, o: TubeOptions): void {
    const { positions, normals, indices } = tubeShape(o);
    this.emit(material, positions, normals, indices, o);
  }

  torus(material: string, o: TorusOptions): void {
    const { positions, normals, indices } = torusShape(o);
    this.emit(material, positions, normals, indices, o);
  }
}

interface Shape {
  positions: Vec3[];
  normals: Vec3[];
  indices: number[];
}

/**
 * Box with 24 vertices (flat normals). For a face with outward normal n and in-plane axes u, v
 * chosen so that u × v = n, the corners (-u-v, +u-v, +u+v, -u+v) run counter-clockwise seen from outside.
 */
export function boxShape(size: Vec3): Shape {
  const hx = size[0] / 2;
  const hy = size[1] / 2;
  const hz = size[2] / 2;
  const h: Vec3 = [hx, hy, hz];
  // [normal axis, sign, u axis, v axis] with u × v = sign * e(normal axis)
  const faces: Array<[number, 1 | -1, number, number]> = [
    [0, 1, 1, 2],
    [0, -1, 2, 1],
    [1, 1, 2, 0],
    [1, -1, 0, 2],
    [2, 1, 0, 1],
    [2, -1, 1, 0],
  ];
  const positions: Vec3[] = [];
  const normals: Vec3[] = [];
  const indices: number[] = [];
  for (const [axis, sign, u, v] of faces) {
    const base = positions.length;
    const n: Vec3 = [0, 0, 0];
    n[axis] = sign;
    for (const [su, sv] of [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ] as const) {
      const p: Vec3 = [0, 0, 0];
      p[axis] = sign * (h[axis] as number);
      p[u] = su * (h[u] as number);
      p[v] = sv * (h[v] as number);
      positions.push(p);
      normals.push([n[0], n[1], n[2]]);
    }
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return { positions, normals, indices };
}

/**
 * Points on a circle of radius r at angle a, measured from +Z towards +X:
 * (r sin a, y, r cos a). As a grows the point moves towards +X at a = 0.
 */
function ring(r: number, a: number, y: number): Vec3 {
  return [r * Math.sin(a), y, r * Math.cos(a)];
}

export function cylinderShape(o: CylinderOptions): Shape {
  const n = o.segments ?? 24;
  const r0 = o.radiusBottom;
  const r1 = o.radiusTop ?? o.radiusBottom;
  const h = o.height;
  const positions: Vec3[] = [];
  const normals: Vec3[] = [];
  const indices: number[] = [];
  // Side: normal tilts up when the top is narrower.
  const slope = (r0 - r1) / h;
  const ny = slope / Math.hypot(1, slope);
  const nr = 1 / Math.hypot(1, slope);
  for (let i = 0; i <= n; i++) {
    const a = (2 * Math.PI * i) / n;
    positions.push(ring(r0, a, 0), ring(r1, a, h));
    const sn: Vec3 = [nr * Math.sin(a), ny, nr * Math.cos(a)];
    normals.push(sn, [sn[0], sn[1], sn[2]]);
  }
  for (let i = 0; i < n; i++) {
    const b0 = 2 * i;
    const t0 = b0 + 1;
    const b1 = b0 + 2;
    const t1 = b0 + 3;
    // Along the ring is +tangent, up is +Y: (b0, b1, t1), (b0, t1, t0) face outwards.
    if (r0 > 0) indices.push(b0, b1, t1);
    if (r1 > 0) indices.push(b0, t1, t0);
  }
  if (o.capTop !== false && r1 > 0) disc(positions, normals, indices, r1, h, 1, n);
  if (o.capBottom !== false && r0 > 0) disc(positions, normals, indices, r0, 0, -1, n);
  return { positions, normals, indices };
}

/** Flat disc at height y facing +Y (up = 1) or -Y (up = -1). */
function disc(positions: Vec3[], normals: Vec3[], indices: number[], r: number, y: number, up: 1 | -1, n: number): void {
  const c = positions.length;
  positions.push([0, y, 0]);
  normals.push([0, up, 0]);
  for (let i = 0; i <= n; i++) {
    positions.push(ring(r, (2 * Math.PI * i) / n, y));
    normals.push([0, up, 0]);
  }
  for (let i = 0; i < n; i++) {
    // (centre, a_i, a_i+1) faces +Y.
    if (up === 1) indices.push(c, c + 1 + i, c + 2 + i);
    else indices.push(c, c + 2 + i, c + 1 + i);
  }
}

export function tubeShape(o: TubeOptions): Shape {
  const n = o.segments ?? 24;
  const R = o.outerRadius;
  const r = o.innerRadius;
  const h = o.height;
  const tb = o.bottomThickness;
  const positions: Vec3[] = [];
  const normals: Vec3[] = [];
  const indices: number[] = [];
  const quadStrip = (p0: (a: number) => Vec3, p1: (a: number) => Vec3, normal: (a: number) => Vec3) => {
    const base = positions.length;
    for (let i = 0; i <= n; i++) {
      const a = (2 * Math.PI * i) / n;
      positions.push(p0(a), p1(a));
      normals.push(normal(a), normal(a));
    }
    for (let i = 0; i < n; i++) {
      const a0 = base + 2 * i;
      // (a0, a0+2, a0+3), (a0, a0+3, a0+1): with p0 -> p1 as "up" and growing angle as "right",
      // the face normal is right × up.
      indices.push(a0, a0 + 2, a0 + 3, a0, a0 + 3, a0 + 1);
    }
  };
  // Outer wall, outward: right = +tangent, up = +Y.
  quadStrip(
    (a) => ring(R, a, 0),
    (a) => ring(R, a, h),
    (a) => [Math.sin(a), 0, Math.cos(a)],
  );
  // Inner wall, facing the axis: swap "up" (run from top to bottom) to flip the winding.
  quadStrip(
    (a) => ring(r, a, h),
    (a) => ring(r, a, tb),
    (a) => [-Math.sin(a), 0, -Math.cos(a)],
  );
  // Rim, facing +Y: run outer -> inner so that "up" points at the axis and right × up = +Y.
  quadStrip(
    (a) => ring(R, a, h),
    (a) => ring(r, a, h),
    () => [0, 1, 0],
  );
  disc(positions, normals, indices, r, tb, 1, n);
  disc(positions, normals, indices, R, 0, -1, n);
  return { positions, normals, indices };
}

export function torusShape(o: TorusOptions): Shape {
  const nu = o.majorSegments ?? 24;
  const nv = o.minorSegments ?? 10;
  const [u0, u1] = o.arc ?? [0, 2 * Math.PI];
  const R = o.majorRadius;
  const r = o.minorRadius;
  const positions: Vec3[] = [];
  const normals: Vec3[] = [];
  const indices: number[] = [];
  for (let i = 0; i <= nu; i++) {
    const u = u0 + ((u1 - u0) * i) / nu;
    const radial: Vec3 = [Math.sin(u), 0, Math.cos(u)];
    for (let j = 0; j <= nv; j++) {
      const v = (2 * Math.PI * j) / nv;
      const nrm: Vec3 = [Math.cos(v) * radial[0], Math.sin(v), Math.cos(v) * radial[2]];
      positions.push([R * radial[0] + r * nrm[0], r * nrm[1], R * radial[2] + r * nrm[2]]);
      normals.push(nrm);
    }
  }
  const row = nv + 1;
  for (let i = 0; i < nu; i++) {
    for (let j = 0; j < nv; j++) {
      const a = i * row + j;
      const b = (i + 1) * row + j;
      // d/du is "right", d/dv is "up" on the outside; right × up points outwards.
      indices.push(a, b, b + 1, a, b + 1, a + 1);
    }
  }
  return { positions, normals, indices };
}
