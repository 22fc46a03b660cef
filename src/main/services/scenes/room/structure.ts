import { GeometryBuilder } from './geometry';
import { type Aabb, aabbExpandPoint, emptyAabb, type QuarterTurns, quatFromTo, type Vec3 } from './math';

/**
 * The room shell: floor, four walls of real thickness standing outside the interior
 * rectangle, a window and an entrance door (fixed) cut into the walls, skirting boards.
 * Interior: x in [-width/2, width/2], z in [-depth/2, depth/2], floor at y = 0, no ceiling.
 */

export type WallSide = 'back' | 'front' | 'left' | 'right';
export const WALL_SIDES: readonly WallSide[] = ['back', 'left', 'front', 'right'];

export interface Opening {
  kind: 'window' | 'door';
  wall: WallSide;
  /** Centre along the wall: x for back/front walls, z for left/right walls. */
  center: number;
  width: number;
  bottom: number;
  top: number;
}

export interface RoomShell {
  width: number;
  depth: number;
  height: number;
  wallThickness: number;
}

export const SKIRTING_HEIGHT = 0.08;
export const SKIRTING_DEPTH = 0.012;

/** Quarter turns that make furniture backed against this wall face into the room. */
export function wallTurns(side: WallSide): QuarterTurns {
  switch (side) {
    case 'back':
      return 0;
    case 'left':
      return 1;
    case 'front':
      return 2;
    case 'right':
      return 3;
  }
}

/** Unit vector from the wall into the room. */
export function wallInward(side: WallSide): Vec3 {
  switch (side) {
    case 'back':
      return [0, 0, 1];
    case 'front':
      return [0, 0, -1];
    case 'left':
      return [1, 0, 0];
    case 'right':
      return [-1, 0, 0];
  }
}

/** Interior extent along the wall. */
export function wallLength(shell: RoomShell, side: WallSide): number {
  return side === 'back' || side === 'front' ? shell.width : shell.depth;
}

/** World point (x, z) at position s along the wall and distance d from its inner face into the room (d < 0: inside the wall). */
export function wallPoint(shell: RoomShell, side: WallSide, s: number, d: number): [number, number] {
  const hw = shell.width / 2;
  const hd = shell.depth / 2;
  switch (side) {
    case 'back':
      return [s, -hd + d];
    case 'front':
      return [s, hd - d];
    case 'left':
      return [-hw + d, s];
    case 'right':
      return [hw - d, s];
  }
}

/** World box spanning [s0, s1] along the wall, [y0, y1] up and [d0, d1] from the inner face into the room. */
export function wallBox(shell: RoomShell, side: WallSide, s0: number, s1: number, y0: number, y1: number, d0: number, d1: number): Aabb {
  const b = emptyAabb();
  for (const s of [s0, s1]) {
    for (const d of [d0, d1]) {
      const [x, z] = wallPoint(shell, side, s, d);
      aabbExpandPoint(b, [x, y0, z]);
      aabbExpandPoint(b, [x, y1, z]);
    }
  }
  return b;
}

export interface ShellGeometry {
  floor: GeometryBuilder;
  walls: GeometryBuilder;
  skirting: GeometryBuilder;
  window: GeometryBuilder;
  door: GeometryBuilder;
  /** Things furniture must keep clear of: the space in front of the entrance, the window sill, skirting. */
  keepOut: Aabb[];
  /** Outer bounds of the shell (walls included). */
  bounds: Aabb;
  /** The empty interior between the walls' inner faces, floor to wall top. */
  interior: Aabb;
}

export function buildShell(shell: RoomShell, openings: Opening[]): ShellGeometry {
  const { width: W, depth: D, height: H, wallThickness: T } = shell;
  const floor = new GeometryBuilder();
  const walls = new GeometryBuilder();
  const skirting = new GeometryBuilder();
  const windowG = new GeometryBuilder();
  const doorG = new GeometryBuilder();
  const keepOut: Aabb[] = [];

  // Floor: one upward quad under the whole footprint, walls included.
  const x0 = -W / 2 - T;
  const x1 = W / 2 + T;
  const z0 = -D / 2 - T;
  const z1 = D / 2 + T;
  floor.emit(
    'floor',
    [
      [x0, 0, z0],
      [x0, 0, z1],
      [x1, 0, z1],
      [x1, 0, z0],
    ],
    [
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ],
    [0, 1, 2, 0, 2, 3],
  );

  const box = (g: GeometryBuilder, material: string, b: Aabb) => g.box(material, b.min, b.max);

  for (const side of WALL_SIDES) {
    const along = side === 'back' || side === 'front';
    // Back and front walls run the full outer width and own the corners.
    const sMin = along ? -W / 2 - T : -D / 2;
    const sMax = along ? W / 2 + T : D / 2;
    const here = openings.filter((o) => o.wall === side).sort((a, b) => a.center - b.center);
    let cursor = sMin;
    for (const o of here) {
      const o0 = o.center - o.width / 2;
      const o1 = o.center + o.width / 2;
      if (o0 > cursor) box(walls, 'wall', wallBox(shell, side, cursor, o0, 0, H, -T, 0));
      if (o.bottom > 0) box(walls, 'wall', wallBox(shell, side, o0, o1, 0, o.bottom, -T, 0));
      if (o.top < H) box(walls, 'wall', wallBox(shell, side, o0, o1, o.top, H, -T, 0));
      cursor = o1;
    }
    if (sMax > cursor) box(walls, 'wall', wallBox(shell, side, cursor, sMax, 0, H, -T, 0));

    // Skirting along the inner face, broken at the entrance and its casing.
    const kMin = along ? -W / 2 : -D / 2 + SKIRTING_DEPTH;
    const kMax = along ? W / 2 : D / 2 - SKIRTING_DEPTH;
    let k = kMin;
    for (const o of here.filter((o) => o.kind === 'door')) {
      const c0 = o.center - o.width / 2 - CASING;
      const c1 = o.center + o.width / 2 + CASING;
      if (c0 > k) box(skirting, 'skirting', wallBox(shell, side, k, c0, 0, SKIRTING_HEIGHT, 0, SKIRTING_DEPTH));
      k = c1;
    }
    if (kMax > k) box(skirting, 'skirting', wallBox(shell, side, k, kMax, 0, SKIRTING_HEIGHT, 0, SKIRTING_DEPTH));
    keepOut.push(wallBox(shell, side, kMin, kMax, 0, SKIRTING_HEIGHT, 0, SKIRTING_DEPTH));

    for (const o of here) {
      if (o.kind === 'window') buildWindow(shell, o, windowG, keepOut);
      else buildDoor(shell, o, doorG, keepOut);
    }
  }

  return {
    floor,
    walls,
    skirting,
    window: windowG,
    door: doorG,
    keepOut,
    bounds: { min: [x0, 0, z0], max: [x1, H, z1] },
    interior: { min: [-W / 2, 0, -D / 2], max: [W / 2, H, D / 2] },
  };
}

const CASING = 0.07;

function buildWindow(shell: RoomShell, o: Opening, g: GeometryBuilder, keepOut: Aabb[]): void {
  const T = shell.wallThickness;
  const F = 0.05;
  const o0 = o.center - o.width / 2;
  const o1 = o.center + o.width / 2;
  const wb = (s0: number, s1: number, y0: number, y1: number, d0: number, d1: number) => wallBox(shell, o.wall, s0, s1, y0, y1, d0, d1);
  const frame = 'window_frame';
  const add = (m: string, b: Aabb) => g.box(m, b.min, b.max);
  add(frame, wb(o0, o0 + F, o.bottom, o.top, -T, 0));
  add(frame, wb(o1 - F, o1, o.bottom, o.top, -T, 0));
  add(frame, wb(o0 + F, o1 - F, o.top - F, o.top, -T, 0));
  add(frame, wb(o0 + F, o1 - F, o.bottom, o.bottom + F, -T, 0));
  add(frame, wb(o.center - 0.02, o.center + 0.02, o.bottom + F, o.top - F, -T / 2 - 0.025, -T / 2 + 0.025));
  add('glass', wb(o0 + F, o1 - F, o.bottom + F, o.top - F, -T / 2 - 0.003, -T / 2 + 0.003));
  // Interior sill ledge.
  const ledge = wb(o0 - 0.05, o1 + 0.05, o.bottom - 0.03, o.bottom, 0, 0.03);
  add(frame, ledge);
  keepOut.push(wb(o0 - 0.07, o1 + 0.07, o.bottom - 0.035, o.top, 0, 0.04));
}

function buildDoor(shell: RoomShell, o: Opening, g: GeometryBuilder, keepOut: Aabb[]): void {
  const T = shell.wallThickness;
  const J = 0.02;
  const o0 = o.center - o.width / 2;
  const o1 = o.center + o.width / 2;
  const wb = (s0: number, s1: number, y0: number, y1: number, d0: number, d1: number) => wallBox(shell, o.wall, s0, s1, y0, y1, d0, d1);
  const add = (m: string, b: Aabb) => g.box(m, b.min, b.max);
  const frame = 'door_frame';
  add(frame, wb(o0, o0 + J, 0, o.top, -T, 0));
  add(frame, wb(o1 - J, o1, 0, o.top, -T, 0));
  add(frame, wb(o0 + J, o1 - J, o.top - J, o.top, -T, 0));
  // Casing (architrave) on the room side.
  add(frame, wb(o0 - CASING, o0, 0, o.top, 0, 0.015));
  add(frame, wb(o1, o1 + CASING, 0, o.top, 0, 0.015));
  add(frame, wb(o0 - CASING, o1 + CASING, o.top, o.top + CASING, 0, 0.015));
  // The leaf, closed (not articulated), and a knob on the room side.
  add('door_leaf', wb(o0 + J + 0.003, o1 - J - 0.003, 0.01, o.top - J - 0.003, -T / 2 - 0.02, -T / 2 + 0.02));
  const [kx, kz] = wallPoint(shell, o.wall, o1 - J - 0.07, -T / 2 + 0.02);
  const inward: Vec3 = wallInward(o.wall);
  const rotation = quatFromTo([0, 1, 0], inward);
  g.cylinder('door_knob', { radiusBottom: 0.008, height: 0.05, segments: 12, rotation, translation: [kx, 1.0, kz] });
  const [ex, ez] = wallPoint(shell, o.wall, o1 - J - 0.07, -T / 2 + 0.02 + 0.05);
  g.cylinder('door_knob', { radiusBottom: 0.026, radiusTop: 0.022, height: 0.022, segments: 20, rotation, translation: [ex, 1.0, ez] });
  keepOut.push(wb(o0 - CASING - 0.03, o1 + CASING + 0.03, 0, shell.height, 0, 0.9));
}
