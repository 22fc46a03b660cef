import {
  buildBasket,
  buildBook,
  buildBottle,
  buildBox,
  buildCabinet,
  buildChest,
  buildDresser,
  buildFridge,
  buildMug,
  buildTable,
  type ChestStyle,
  type FurnitureModel,
  type HingeSide,
  type LooseKind,
  type LooseModel,
  type PartModel,
} from './furniture';
import {
  type Aabb,
  aabbContains,
  aabbCorners,
  aabbExpandPoint,
  aabbInflate,
  aabbOverlap,
  aabbTranslate,
  aabbUnion,
  aabbYawTranslate,
  add,
  dot,
  emptyAabb,
  normalize,
  type QuarterTurns,
  type Quat,
  quatFromAxisAngle,
  quatFromTo,
  Rng,
  r5,
  r5v,
  rotate,
  scale,
  type Vec3,
  yawVec,
} from './math';
import { type MaterialSpec, randomPalette, tidyPalette } from './palette';
import {
  buildShell,
  type Opening,
  type RoomShell,
  type ShellGeometry,
  WALL_SIDES,
  type WallSide,
  wallInward,
  wallLength,
  wallPoint,
  wallTurns,
} from './structure';

/** Furniture backs stand this far from the wall's inner face (clear of the skirting). */
const WALL_GAP = 0.02;
/** Nothing (bodies, swept parts) comes closer to a wall's inner face than this. */
const WALL_CLEAR = 0.015;
/** Minimum gap between two pieces of furniture. */
const FURNITURE_GAP = 0.01;
/** Hinged parts are checked at angles this far apart (radians). */
const SWEEP_STEP = 0.02;
/** How high a hand lifts a liftable loose object (metres): the upper limit of its joint. */
export const LIFT_HEIGHT = 0.25;
/** Loose objects a hand may lift: they get a prismatic joint straight up. */
const LIFTABLE: readonly LooseKind[] = ['box', 'basket'];

/** World-space record of what a moving part can reach between its limits. */
export interface Sweep {
  part: string;
  /** Bounds of everything the part passes through. */
  box: Aabb;
  /** Hinged parts: the part's XZ footprint (a quad) at each sampled angle; its heights are box's. */
  quads: Array<Array<[number, number]>> | null;
}

export interface PlacedFurniture {
  model: FurnitureModel;
  wall: WallSide | null;
  /** Position along the wall (x for back/front, z for left/right), null for free-standing pieces. */
  wallS: number | null;
  turns: QuarterTurns;
  /** Node translation: centre of the footprint on the floor. */
  position: Vec3;
  /** World bounds of the body and its parts at rest. */
  body: Aabb;
  sweeps: Sweep[];
}

/**
 * A loose object a hand can lift: a prismatic joint along world +Y (the node's parent is the
 * scene root), origin at the node's rest position, limits [0, LIFT_HEIGHT].
 */
export interface LooseLift {
  label: string;
  /** Grasp point, world: the middle of the side facing where a person stands, just under the rim. */
  handle: Vec3;
  /** Outward normal of that side (world, level). */
  front: Vec3;
  limits: [number, number];
}

export interface PlacedLoose {
  model: LooseModel;
  node: string;
  /** Node name of the furniture it stands on. */
  on: string;
  position: Vec3;
  /** Radians about +Y. */
  yaw: number;
  rotation: Quat;
  bounds: Aabb;
  /** Liftable objects only. */
  lift: LooseLift | null;
}

export interface LightSpec {
  node: string;
  type: 'point' | 'directional';
  /** Linear RGB. */
  color: Vec3;
  /** Candela for point lights, lux for directional ones. */
  intensity: number;
  range: number | null;
  position: Vec3;
  rotation: Quat;
  /** Directional lights: where the light travels (world). */
  direction: Vec3 | null;
}

export interface RoomPlan {
  seed: number;
  shell: RoomShell;
  openings: Opening[];
  geometry: ShellGeometry;
  materials: Map<string, MaterialSpec>;
  furniture: PlacedFurniture[];
  loose: PlacedLoose[];
  lights: LightSpec[];
}

/* ------------------------------------------------------------------ placement geometry */

function partSweep(turns: QuarterTurns, position: Vec3, part: PartModel): Sweep {
  const pb = part.geometry.bounds();
  if (!pb) throw new Error(`${part.node}: no geometry`);
  const toWorld = (p: Vec3): Vec3 => add(yawVec(turns, p), position);
  if (part.type === 'prismatic') {
    const rest = aabbTranslate(pb, part.origin);
    const out = aabbTranslate(pb, add(part.origin, scale(part.axis, part.limits[1])));
    return { part: part.node, box: aabbYawTranslate(aabbUnion(rest, out), turns, position), quads: null };
  }
  const box = emptyAabb();
  const quads: Array<Array<[number, number]>> = [];
  const [lo, hi] = part.limits;
  const steps = Math.max(1, Math.ceil((hi - lo) / SWEEP_STEP));
  if (Math.abs(part.axis[1]) < 0.5) {
    // A lid: the hinge is level, so the part rises; every corner is followed in 3D, and the
    // footprint at each angle is the level rectangle around them (exact for hinges along X or Z).
    for (let i = 0; i <= steps; i++) {
      const q = quatFromAxisAngle(part.axis, lo + ((hi - lo) * i) / steps);
      const rect = emptyAabb();
      for (const c of aabbCorners(pb)) {
        const p = toWorld(add(part.origin, rotate(q, c)));
        aabbExpandPoint(box, p);
        aabbExpandPoint(rect, p);
      }
      quads.push([
        [rect.min[0], rect.min[2]],
        [rect.max[0], rect.min[2]],
        [rect.max[0], rect.max[2]],
        [rect.min[0], rect.max[2]],
      ]);
    }
    return { part: part.node, box, quads };
  }
  const corners: Vec3[] = [
    [pb.min[0], 0, pb.min[2]],
    [pb.max[0], 0, pb.min[2]],
    [pb.max[0], 0, pb.max[2]],
    [pb.min[0], 0, pb.max[2]],
  ];
  for (let i = 0; i <= steps; i++) {
    const q = quatFromAxisAngle(part.axis, lo + ((hi - lo) * i) / steps);
    const quad: Array<[number, number]> = [];
    for (const c of corners) {
      const r = rotate(q, c);
      const base = toWorld(add(part.origin, [r[0], 0, r[2]]));
      quad.push([base[0], base[2]]);
      aabbExpandPoint(box, [base[0], part.origin[1] + pb.min[1] + position[1], base[2]]);
      aabbExpandPoint(box, [base[0], part.origin[1] + pb.max[1] + position[1], base[2]]);
    }
    quads.push(quad);
  }
  return { part: part.node, box, quads };
}

/** Separating-axis test of a convex XZ quad against the XZ rectangle of a box. */
function quadHitsBox(quad: Array<[number, number]>, b: Aabb): boolean {
  const rect: Array<[number, number]> = [
    [b.min[0], b.min[2]],
    [b.max[0], b.min[2]],
    [b.max[0], b.max[2]],
    [b.min[0], b.max[2]],
  ];
  const axes: Array<[number, number]> = [
    [1, 0],
    [0, 1],
  ];
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i] as [number, number];
    const c = quad[(i + 1) % quad.length] as [number, number];
    axes.push([-(c[1] - a[1]), c[0] - a[0]]);
  }
  for (const [ax, az] of axes) {
    let qMin = Infinity;
    let qMax = -Infinity;
    for (const [x, z] of quad) {
      const p = x * ax + z * az;
      qMin = Math.min(qMin, p);
      qMax = Math.max(qMax, p);
    }
    let rMin = Infinity;
    let rMax = -Infinity;
    for (const [x, z] of rect) {
      const p = x * ax + z * az;
      rMin = Math.min(rMin, p);
      rMax = Math.max(rMax, p);
    }
    if (qMax <= rMin || rMax <= qMin) return false;
  }
  return true;
}

export function sweepHitsBox(s: Sweep, b: Aabb): boolean {
  if (!aabbOverlap(s.box, b)) return false;
  if (!s.quads) return true;
  return s.quads.some((q) => quadHitsBox(q, b));
}

function placeAt(model: FurnitureModel, turns: QuarterTurns, position: Vec3, wall: WallSide | null, wallS: number | null): PlacedFurniture {
  const p = r5v(position);
  return {
    model,
    wall,
    wallS,
    turns,
    position: p,
    body: aabbYawTranslate(model.bounds, turns, p),
    sweeps: model.parts.map((part) => partSweep(turns, p, part)),
  };
}

/** Back against a wall, facing into the room, centred at s along the wall. */
function placeOnWall(shell: RoomShell, model: FurnitureModel, wall: WallSide, s: number): PlacedFurniture {
  const [x, z] = wallPoint(shell, wall, r5(s), WALL_GAP - model.bounds.min[2]);
  return placeAt(model, wallTurns(wall), [x, 0, z], wall, r5(s));
}

function halfWidth(model: FurnitureModel): number {
  return Math.max(-model.bounds.min[0], model.bounds.max[0]);
}

function interiorClear(geo: ShellGeometry): Aabb {
  const i = geo.interior;
  return { min: [i.min[0] + WALL_CLEAR, i.min[1], i.min[2] + WALL_CLEAR], max: [i.max[0] - WALL_CLEAR, i.max[1], i.max[2] - WALL_CLEAR] };
}

/** Why a placement is not allowed, or null when it is. `spacing` widens the gap to other furniture. */
export function placementProblem(
  c: PlacedFurniture,
  placed: PlacedFurniture[],
  geo: ShellGeometry,
  spacing = FURNITURE_GAP,
): string | null {
  const inner = interiorClear(geo);
  const name = c.model.node;
  if (!aabbContains(inner, c.body)) return `${name} is not inside the walls`;
  for (const s of c.sweeps) if (!aabbContains(inner, s.box)) return `${s.part} hits a wall when open`;
  for (const k of geo.keepOut) {
    if (aabbOverlap(c.body, k)) return `${name} blocks the entrance or the window`;
    for (const s of c.sweeps) if (sweepHitsBox(s, k)) return `${s.part} hits the entrance or the window when open`;
  }
  for (const p of placed) {
    if (aabbOverlap(aabbInflate(c.body, spacing), p.body)) return `${name} overlaps ${p.model.node}`;
    for (const s of p.sweeps) if (sweepHitsBox(s, c.body)) return `${s.part} hits ${name} when open`;
    for (const s of c.sweeps) if (sweepHitsBox(s, p.body)) return `${s.part} hits ${p.model.node} when open`;
  }
  return null;
}

/* ------------------------------------------------------------------ loose objects */

interface LooseRequest {
  model: LooseModel;
  on: PlacedFurniture;
  /** In the furniture's space, on its surface. */
  u: number;
  v: number;
  /** Relative to the furniture. */
  yaw: number;
}

function placeLoose(node: string, r: LooseRequest): PlacedLoose {
  const surface = r.on.model.surface;
  if (!surface) throw new Error(`${r.on.model.node} has no surface`);
  const position = r5v(add(yawVec(r.on.turns, [r.u, surface.y, r.v]), r.on.position));
  const yaw = r5((r.on.turns * Math.PI) / 2 + r.yaw);
  const rotation = quatFromAxisAngle([0, 1, 0], yaw);
  const bounds = emptyAabb();
  for (const c of aabbCorners(r.model.bounds)) aabbExpandPoint(bounds, add(rotate(rotation, c), position));
  return { model: r.model, node, on: r.on.model.node, position, yaw, rotation, bounds, lift: null };
}

/** Whether a loose object stands fully on its surface, clear of the others and of the window sill. */
function looseProblem(l: PlacedLoose, on: PlacedFurniture, others: PlacedLoose[], geo: ShellGeometry): string | null {
  const s = on.model.surface;
  if (!s) return `${on.model.node} has no surface`;
  const top = aabbYawTranslate({ min: [s.minX, s.y, s.minZ], max: [s.maxX, s.y + 1, s.maxZ] }, on.turns, on.position);
  if (!aabbContains(aabbInflate(top, -0.02), { min: [l.bounds.min[0], top.min[1] + 0.03, l.bounds.min[2]], max: l.bounds.max })) {
    return `${l.node} is not on ${on.model.node}`;
  }
  for (const o of others) if (aabbOverlap(aabbInflate(l.bounds, 0.01), o.bounds)) return `${l.node} overlaps ${o.node}`;
  for (const k of geo.keepOut) if (aabbOverlap(l.bounds, k)) return `${l.node} is in the window`;
  if (!aabbContains(interiorClear(geo), l.bounds)) return `${l.node} is not inside the walls`;
  return null;
}

/**
 * Which side of a surface a person stands at to take something from it (furniture space):
 * the front of furniture against a wall; for a free-standing table, the side with the most
 * free floor in front of it (up to 1.2 m), so the hand reaches from where there is room.
 */
function standSide(f: PlacedFurniture, furniture: PlacedFurniture[], geo: ShellGeometry): Vec3 {
  if (f.wall !== null) return [0, 0, 1];
  const inner = interiorClear(geo);
  const sides: Vec3[] = [
    [0, 0, 1],
    [0, 0, -1],
    [1, 0, 0],
    [-1, 0, 0],
  ];
  let best = sides[0] as Vec3;
  let bestFree = -1;
  for (const local of sides) {
    const d = yawVec(f.turns, local);
    let free = 0;
    for (let step = 1; step <= 24; step++) {
      const reach = step * 0.05;
      const strip: Aabb = { min: [...f.body.min], max: [...f.body.max] };
      for (const i of [0, 2] as const) {
        if ((d[i] as number) > 0.5) {
          strip.min[i] = f.body.max[i] as number;
          strip.max[i] = (f.body.max[i] as number) + reach;
        } else if ((d[i] as number) < -0.5) {
          strip.max[i] = f.body.min[i] as number;
          strip.min[i] = (f.body.min[i] as number) - reach;
        }
      }
      if (!aabbContains(inner, strip) || furniture.some((p) => p !== f && aabbOverlap(strip, p.body))) break;
      free = reach;
    }
    if (free > bestFree + 1e-9) {
      best = local;
      bestFree = free;
    }
  }
  return best;
}

/** The lift joint of a loose object standing on a surface: grasped on the side that faces `side` (world). */
function looseLift(l: PlacedLoose, side: Vec3, label: string): LooseLift {
  const b = l.model.bounds;
  const faces: Array<{ normal: Vec3; at: number }> = [
    { normal: [1, 0, 0], at: b.max[0] },
    { normal: [-1, 0, 0], at: -b.min[0] },
    { normal: [0, 0, 1], at: b.max[2] },
    { normal: [0, 0, -1], at: -b.min[2] },
  ];
  let face = faces[0] as { normal: Vec3; at: number };
  for (const f of faces) if (dot(rotate(l.rotation, f.normal), side) > dot(rotate(l.rotation, face.normal), side)) face = f;
  const height = b.max[1];
  const y = Math.max(height * 0.5, height - 0.03);
  const local: Vec3 = [face.normal[0] * face.at, y, face.normal[2] * face.at];
  return {
    label,
    handle: r5v(add(rotate(l.rotation, local), l.position)),
    front: r5v(rotate(l.rotation, face.normal)),
    limits: [0, LIFT_HEIGHT],
  };
}

/** Whether a liftable object, raised to the top of its lift, stays inside the walls and clear of the window. */
function liftProblem(l: PlacedLoose, geo: ShellGeometry): string | null {
  const top = l.lift?.limits[1] ?? 0;
  const raised = aabbUnion(l.bounds, aabbTranslate(l.bounds, [0, top, 0]));
  if (!aabbContains(interiorClear(geo), raised)) return `${l.node} lifted leaves the room`;
  for (const k of geo.keepOut) if (aabbOverlap(raised, k)) return `${l.node} lifted hits the window`;
  return null;
}

/* ------------------------------------------------------------------ lights */

function pointLight(node: string, position: Vec3, color: Vec3, intensity: number): LightSpec {
  return { node, type: 'point', color, intensity, range: 10, position: r5v(position), rotation: [0, 0, 0, 1], direction: null };
}

/** A directional light shining along `direction` (glTF lights shine down their node's -Z). */
function sun(position: Vec3, direction: Vec3, color: Vec3, intensity: number): LightSpec {
  const d = normalize(direction);
  const rotation = quatFromTo([0, 0, -1], d);
  return { node: 'sun', type: 'directional', color, intensity, range: null, position: r5v(position), rotation, direction: r5v(d) };
}

/* ------------------------------------------------------------------ seed 0: the sample room */

function tidyPlan(): RoomPlan {
  const shell: RoomShell = { width: 4, depth: 3.5, height: 2.6, wallThickness: 0.15 };
  const openings: Opening[] = [
    { kind: 'window', wall: 'back', center: 0.45, width: 1.2, bottom: 1, top: 2.2 },
    { kind: 'door', wall: 'right', center: 1, width: 0.9, bottom: 0, top: 2.05 },
  ];
  const geo = buildShell(shell, openings);
  // Kitchen corner on the left wall: fridge in the back corner hinged away from it, cabinet beside it.
  const fridge = placeOnWall(shell, buildFridge({ width: 0.7, height: 1.8, depth: 0.68, hinge: 'left' }), 'left', -1.38);
  const cabinet = placeOnWall(shell, buildCabinet({ width: 0.6, height: 0.9, depth: 0.6, hinge: 'left' }), 'left', -0.715);
  // Dresser under the window.
  const dresser = placeOnWall(shell, buildDresser({ width: 0.9, height: 0.8, depth: 0.45, drawers: 3 }), 'back', 0.45);
  const table = placeAt(buildTable({ width: 1.2, depth: 0.75, height: 0.75 }), 0, [0.3, 0, 0.45], null, null);
  const furniture = [dresser, cabinet, fridge, table];
  for (let i = 0; i < furniture.length; i++) {
    const f = furniture[i] as PlacedFurniture;
    const problem = placementProblem(f, furniture.slice(0, i), geo);
    if (problem) throw new Error(`sample room layout: ${problem}`);
  }
  const requests: Array<[string, LooseRequest]> = [
    ['mug', { model: buildMug(0.04, 0.095), on: table, u: -0.35, v: 0.12, yaw: 0.6 }],
    ['book', { model: buildBook(0.16, 0.24, 0.035), on: table, u: 0.02, v: -0.1, yaw: -0.25 }],
    ['bottle', { model: buildBottle(0.035, 0.18), on: table, u: 0.36, v: 0.15, yaw: 0 }],
    ['box', { model: buildBox([0.22, 0.14, 0.18]), on: dresser, u: -0.2, v: 0, yaw: 0.1 }],
  ];
  const loose: PlacedLoose[] = [];
  for (const [node, r] of requests) {
    const l = placeLoose(node, r);
    const problem = looseProblem(l, r.on, loose, geo);
    if (problem) throw new Error(`sample room layout: ${problem}`);
    loose.push(l);
  }
  const lights = [
    pointLight('lamp_table', [0.3, 2.3, 0.45], [1, 0.82, 0.62], 30),
    pointLight('lamp_kitchen', [-1.3, 2.3, -0.9], [1, 0.88, 0.72], 20),
    sun([0.45, 2.5, -1.5], [0.35, -0.75, 0.55], [1, 0.96, 0.9], 2.5),
  ];
  return { seed: 0, shell, openings, geometry: geo, materials: tidyPalette(), furniture, loose, lights };
}

/* ------------------------------------------------------------------ other seeds */

const mm = (v: number) => Math.round(v * 1000) / 1000;

function randomOpenings(rng: Rng, shell: RoomShell): Opening[] {
  const windowWall = rng.pick(WALL_SIDES);
  const doorWall = rng.pick(WALL_SIDES.filter((w) => w !== windowWall));
  const wl = wallLength(shell, windowWall);
  const ww = mm(Math.min(rng.range(0.8, 1.6), wl - 1));
  const wc = mm(rng.range(-wl / 2 + 0.3 + ww / 2, wl / 2 - 0.3 - ww / 2));
  const dl = wallLength(shell, doorWall);
  const dw = mm(rng.range(0.8, 0.95));
  const dc = mm(rng.range(-dl / 2 + 0.3 + dw / 2, dl / 2 - 0.3 - dw / 2));
  return [
    { kind: 'window', wall: windowWall, center: wc, width: ww, bottom: mm(rng.range(0.95, 1.05)), top: mm(rng.range(2.05, 2.3)) },
    { kind: 'door', wall: doorWall, center: dc, width: dw, bottom: 0, top: mm(rng.range(2, 2.1)) },
  ];
}

interface WallPiece {
  /** One model per hinge side where that matters; the first is preferred. */
  models: FurnitureModel[];
}

function tryPlaceOnWall(
  rng: Rng,
  shell: RoomShell,
  geo: ShellGeometry,
  piece: WallPiece,
  placed: PlacedFurniture[],
): PlacedFurniture | null {
  for (let attempt = 0; attempt < 300; attempt++) {
    const model = piece.models.length > 1 && rng.chance(0.3) ? (piece.models[1] as FurnitureModel) : (piece.models[0] as FurnitureModel);
    const wall = rng.pick(WALL_SIDES);
    const hw = halfWidth(model);
    const len = wallLength(shell, wall);
    const lo = -len / 2 + WALL_GAP + hw;
    const hi = len / 2 - WALL_GAP - hw;
    if (hi < lo) continue;
    const mode = rng.next();
    let s: number;
    const neighbours = placed.filter((p) => p.wall === wall && p.wallS !== null);
    if (mode < 0.35 || (mode >= 0.65 && neighbours.length === 0)) {
      s = rng.range(lo, hi);
    } else if (mode < 0.65) {
      s = rng.chance(0.5) ? lo : hi;
    } else {
      const n = rng.pick(neighbours);
      const side = rng.chance(0.5) ? 1 : -1;
      s = (n.wallS as number) + side * (halfWidth(n.model) + hw + rng.range(0.012, 0.05));
      if (s < lo || s > hi) continue;
    }
    const c = placeOnWall(shell, model, wall, s);
    if (!placementProblem(c, placed, geo)) return c;
  }
  return null;
}

function tryPlaceTable(rng: Rng, geo: ShellGeometry, model: FurnitureModel, placed: PlacedFurniture[]): PlacedFurniture | null {
  const i = geo.interior;
  for (let attempt = 0; attempt < 200; attempt++) {
    const turns: QuarterTurns = rng.chance(0.5) ? 0 : 1;
    const b = aabbYawTranslate(model.bounds, turns, [0, 0, 0]);
    const margin = 0.35;
    const x0 = i.min[0] + margin - b.min[0];
    const x1 = i.max[0] - margin - b.max[0];
    const z0 = i.min[2] + margin - b.min[2];
    const z1 = i.max[2] - margin - b.max[2];
    if (x1 < x0 || z1 < z0) return null;
    const c = placeAt(model, turns, [rng.range(x0, x1), 0, rng.range(z0, z1)], null, null);
    // Leave room to walk between the table and the rest.
    if (!placementProblem(c, placed, geo, 0.25)) return c;
  }
  return null;
}

function randomLoose(rng: Rng, kind: LooseKind): LooseModel {
  switch (kind) {
    case 'mug':
      return buildMug(mm(rng.range(0.036, 0.045)), mm(rng.range(0.085, 0.105)));
    case 'book':
      return buildBook(mm(rng.range(0.13, 0.19)), mm(rng.range(0.19, 0.26)), mm(rng.range(0.015, 0.05)));
    case 'bottle':
      return buildBottle(mm(rng.range(0.03, 0.038)), mm(rng.range(0.14, 0.21)));
    case 'box':
      return buildBox([mm(rng.range(0.12, 0.3)), mm(rng.range(0.08, 0.2)), mm(rng.range(0.1, 0.24))]);
    case 'basket':
      return buildBasket([mm(rng.range(0.22, 0.34)), mm(rng.range(0.1, 0.18)), mm(rng.range(0.16, 0.26))]);
  }
}

function randomPlan(seed: number): RoomPlan {
  const rng = new Rng(seed);
  const shell: RoomShell = {
    width: mm(rng.range(3.6, 4.6)),
    depth: mm(rng.range(3, 4)),
    height: 2.6,
    wallThickness: mm(rng.range(0.12, 0.2)),
  };
  const openings = randomOpenings(rng, shell);
  const geo = buildShell(shell, openings);
  const materials = randomPalette(rng);

  const hinge = (): [HingeSide, HingeSide] => (rng.chance(0.5) ? ['left', 'right'] : ['right', 'left']);
  const fridgeSize = { width: mm(rng.range(0.55, 0.75)), height: mm(rng.range(1.6, 1.9)), depth: mm(rng.range(0.6, 0.72)) };
  const fridgeHinges = hinge();
  const cabinetSize = { width: mm(rng.range(0.45, 0.8)), height: mm(rng.range(0.86, 0.92)), depth: mm(rng.range(0.55, 0.62)) };
  const cabinetHinges = hinge();
  const drawers = rng.int(2, 4);
  const dresserSize = { width: mm(rng.range(0.7, 1.1)), height: mm(rng.range(0.7, 0.95)), depth: mm(rng.range(0.4, 0.5)), drawers };
  const pieces: WallPiece[] = [
    { models: fridgeHinges.map((h) => buildFridge({ ...fridgeSize, hinge: h })) },
    { models: cabinetHinges.map((h) => buildCabinet({ ...cabinetSize, hinge: h })) },
    { models: [buildDresser(dresserSize)] },
  ];
  const hasTable = rng.chance(0.85);
  const tableModel = buildTable({ width: mm(rng.range(0.8, 1.4)), depth: mm(rng.range(0.6, 0.9)), height: mm(rng.range(0.72, 0.78)) });
  // Lidded furniture in about half of the rooms: a wooden blanket chest or a smaller painted toy box.
  const hasChest = rng.chance(0.55);
  const style: ChestStyle = rng.chance(0.5) ? 'chest' : 'toybox';
  const chestModel = buildChest(
    style === 'chest'
      ? { style, width: mm(rng.range(0.8, 1.05)), height: mm(rng.range(0.48, 0.6)), depth: mm(rng.range(0.42, 0.5)) }
      : { style, width: mm(rng.range(0.6, 0.8)), height: mm(rng.range(0.42, 0.52)), depth: mm(rng.range(0.38, 0.45)) },
  );

  let furniture: PlacedFurniture[] | null = null;
  for (let restart = 0; restart < 30 && !furniture; restart++) {
    const placed: PlacedFurniture[] = [];
    for (const piece of pieces) {
      const p = tryPlaceOnWall(rng, shell, geo, piece, placed);
      if (!p) break;
      placed.push(p);
    }
    if (placed.length === pieces.length) furniture = placed;
  }
  if (!furniture) throw new Error(`room seed ${seed}: could not fit the furniture`);
  if (hasChest) {
    const c = tryPlaceOnWall(rng, shell, geo, { models: [chestModel] }, furniture);
    if (c) furniture.push(c);
  }
  if (hasTable) {
    const t = tryPlaceTable(rng, geo, tableModel, furniture);
    if (t) furniture.push(t);
  }

  const surfaces = furniture.filter((f) => f.model.surface);
  const weighted = surfaces.flatMap((f) => (f.model.kind === 'table' ? [f, f, f] : [f]));
  const loose: PlacedLoose[] = [];
  const kinds: LooseKind[] = ['mug', 'book', 'bottle', 'box', 'basket'];
  const counts: number[] = kinds.map((kind) => rng.pick<number>(kind === 'basket' ? [0, 0, 1] : [0, 1, 1, 1, 2]));
  if (!counts.some((c) => c > 0)) counts[0] = 1;
  kinds.forEach((kind, k) => {
    const liftable = LIFTABLE.includes(kind);
    for (let n = 0; n < (counts[k] as number); n++) {
      const node = n === 0 ? kind : `${kind}_${n + 1}`;
      const model = randomLoose(rng, kind);
      for (let attempt = 0; attempt < 40; attempt++) {
        const on = rng.pick(weighted);
        const s = on.model.surface;
        if (!s) continue;
        let [u0, u1, v0, v1] = [s.minX, s.maxX, s.minZ, s.maxZ];
        let yaw = mm(rng.range(-Math.PI, Math.PI));
        const side = liftable ? standSide(on, furniture, geo) : null;
        if (side) {
          // Something to lift stands on the half of the top nearer the person, one side squarely towards them.
          if (side[2] > 0.5) v0 = (v0 + v1) / 2;
          else if (side[2] < -0.5) v1 = (v0 + v1) / 2;
          else if (side[0] > 0.5) u0 = (u0 + u1) / 2;
          else u1 = (u0 + u1) / 2;
          yaw = mm(Math.atan2(side[0], side[2]) + (rng.int(0, 3) * Math.PI) / 2 + rng.range(-0.25, 0.25));
        }
        const l = placeLoose(node, { model, on, u: mm(rng.range(u0, u1)), v: mm(rng.range(v0, v1)), yaw });
        if (looseProblem(l, on, loose, geo)) continue;
        if (side) {
          l.lift = looseLift(l, yawVec(on.turns, side), n === 0 ? model.label : `${model.label} ${n + 1}`);
          if (liftProblem(l, geo)) continue;
        }
        loose.push(l);
        break;
      }
    }
  });

  const warm = (): Vec3 => [1, mm(rng.range(0.78, 0.92)), mm(rng.range(0.55, 0.78))];
  const lampHeight = () => mm(rng.range(2.2, 2.45));
  const table = furniture.find((f) => f.model.kind === 'table');
  const first: Vec3 = table ? [table.position[0], lampHeight(), table.position[2]] : [0, lampHeight(), 0];
  const lights: LightSpec[] = [pointLight('lamp_main', first, warm(), mm(rng.range(20, 40)))];
  if (rng.chance(0.6)) {
    const over = rng.pick(furniture.filter((f) => f !== table));
    const toward = yawVec(over.turns, [0, 0, 0.8]);
    lights.push(
      pointLight('lamp_second', [over.position[0] + toward[0], lampHeight(), over.position[2] + toward[2]], warm(), mm(rng.range(12, 25))),
    );
  }
  const win = openings.find((o) => o.kind === 'window') as Opening;
  const inward = wallInward(win.wall);
  const [wx, wz] = wallPoint(shell, win.wall, win.center, 0.3);
  const lateral = rng.range(-0.5, 0.5);
  const dir: Vec3 = [inward[0] + (inward[2] !== 0 ? lateral : 0), -rng.range(0.6, 1.1), inward[2] + (inward[0] !== 0 ? lateral : 0)];
  lights.push(sun([wx, 2.5, wz], dir, [1, mm(rng.range(0.93, 0.99)), mm(rng.range(0.85, 0.95))], mm(rng.range(1.5, 3.5))));

  return { seed, shell, openings, geometry: geo, materials, furniture, loose, lights };
}

/** The whole room for a seed: seed 0 is the fixed sample room, others are randomised. */
export function planRoom(seed: number): RoomPlan {
  return seed === 0 ? tidyPlan() : randomPlan(seed);
}
