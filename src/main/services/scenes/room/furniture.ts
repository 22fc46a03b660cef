import { ALONG_X, ALONG_Z, GeometryBuilder } from './geometry';
import type { Aabb, Vec3 } from './math';
import { aabbTranslate, aabbUnion, clamp } from './math';

/**
 * Furniture and loose objects, each built in its own space: origin at the centre of the
 * footprint on the floor, +Y up, front facing +Z, width along X. Moving parts are built in
 * their own node space; their node sits at `origin` in the furniture's space with no rotation
 * at rest, so `origin` is both the joint origin and the node translation.
 */

/** Material of every handle; tests tell handles from panels by it. */
export const HANDLE_MATERIAL = 'handle_metal';

/** Bar handles: the grasp point (bar centre) stands this far in front of the panel face. */
export const HANDLE_STANDOFF = 0.018;
const HANDLE_BAR_RADIUS = 0.006;
const HANDLE_POST_RADIUS = 0.0045;

/** Carcass panel thickness (18 mm board) and back panel thickness. */
const PANEL = 0.018;
const BACK = 0.008;

export type FurnitureKind = 'dresser' | 'cabinet' | 'fridge' | 'table' | 'chest';
export type HingeSide = 'left' | 'right';

export interface PartModel {
  node: string;
  label: string;
  type: 'prismatic' | 'revolute';
  /** Node translation at rest in the furniture's space: the rest position (prismatic) or a point on the hinge line (revolute). */
  origin: Vec3;
  /** Unit axis in the furniture's space. Positive motion opens the part. */
  axis: Vec3;
  limits: [number, number];
  /** Handle centre in the part's own space. */
  handleLocal: Vec3;
  /** Outward normal of the part's front face in the furniture's space. */
  front: Vec3;
  geometry: GeometryBuilder;
}

/** A level rectangle on top of a piece of furniture where loose objects may stand (furniture space). */
export interface Surface {
  y: number;
  minX: number;
  maxX: number;
  minZ: number;
  maxZ: number;
}

export interface FurnitureModel {
  kind: FurnitureKind;
  node: string;
  label: string;
  size: { width: number; height: number; depth: number };
  /** The fixed body (carcass). */
  geometry: GeometryBuilder;
  parts: PartModel[];
  surface: Surface | null;
  /** Body and parts at rest, in the furniture's space. */
  bounds: Aabb;
}

function finish(model: Omit<FurnitureModel, 'bounds'>): FurnitureModel {
  let b = model.geometry.bounds();
  if (!b) throw new Error(`${model.node}: no geometry`);
  for (const part of model.parts) {
    const pb = part.geometry.bounds();
    if (pb) b = aabbUnion(b, aabbTranslate(pb, part.origin));
  }
  return { ...model, bounds: b };
}

/** A bar pull: bar centred on `center` (its grasp point), posts back to the panel face at z = faceZ. */
function barHandle(g: GeometryBuilder, center: Vec3, length: number, along: 'x' | 'y', faceZ = 0): void {
  const m = HANDLE_MATERIAL;
  const z = center[2];
  const post = length / 2 - 0.012;
  if (along === 'x') {
    g.cylinder(m, {
      radiusBottom: HANDLE_BAR_RADIUS,
      height: length,
      segments: 12,
      rotation: ALONG_X,
      translation: [center[0] - length / 2, center[1], z],
    });
  } else {
    g.cylinder(m, { radiusBottom: HANDLE_BAR_RADIUS, height: length, segments: 12, translation: [center[0], center[1] - length / 2, z] });
  }
  for (const s of [-1, 1]) {
    const px = along === 'x' ? center[0] + s * post : center[0];
    const py = along === 'y' ? center[1] + s * post : center[1];
    // From slightly inside the panel to the bar's axis.
    g.cylinder(m, {
      radiusBottom: HANDLE_POST_RADIUS,
      height: z - faceZ + 0.002,
      segments: 10,
      rotation: ALONG_Z,
      translation: [px, py, faceZ - 0.002],
    });
  }
}

export interface DresserParams {
  width: number;
  height: number;
  depth: number;
  drawers: number;
}

const DRAWER_NAMES: Record<number, Array<[string, string]>> = {
  2: [
    ['top', 'Top drawer'],
    ['bottom', 'Bottom drawer'],
  ],
  3: [
    ['top', 'Top drawer'],
    ['middle', 'Middle drawer'],
    ['bottom', 'Bottom drawer'],
  ],
  4: [
    ['top', 'Top drawer'],
    ['upper_middle', 'Upper middle drawer'],
    ['lower_middle', 'Lower middle drawer'],
    ['bottom', 'Bottom drawer'],
  ],
};

/** Dresser: carcass on a recessed plinth, face-frame rails, inset drawers that are open-top boxes. */
export function buildDresser(p: DresserParams): FurnitureModel {
  const { width: w, height: h, depth: d, drawers: n } = p;
  const names = DRAWER_NAMES[n];
  if (!names) throw new Error(`dresser: ${n} drawers is not supported (2 to 4)`);
  const KICK = 0.06;
  const RAIL = 0.018;
  const body = 'dresser_body';
  const g = new GeometryBuilder();
  g.box(body, [-w / 2, 0, -d / 2], [-w / 2 + PANEL, h - PANEL, d / 2]);
  g.box(body, [w / 2 - PANEL, 0, -d / 2], [w / 2, h - PANEL, d / 2]);
  g.box(body, [-w / 2, h - PANEL, -d / 2], [w / 2, h, d / 2]);
  g.box(body, [-w / 2 + PANEL, KICK, -d / 2 + BACK], [w / 2 - PANEL, KICK + PANEL, d / 2]);
  g.box(body, [-w / 2 + PANEL, 0, d / 2 - 0.03 - PANEL], [w / 2 - PANEL, KICK, d / 2 - 0.03]);
  g.box(body, [-w / 2 + PANEL, KICK, -d / 2], [w / 2 - PANEL, h - PANEL, -d / 2 + BACK]);

  const yBottom = KICK + PANEL;
  const yTop = h - PANEL;
  const innerW = w - 2 * PANEL;
  const opening = (yTop - yBottom - (n - 1) * RAIL) / n;
  for (let i = 1; i < n; i++) {
    const y0 = yTop - i * opening - i * RAIL;
    g.box(body, [-innerW / 2, y0, d / 2 - 0.05], [innerW / 2, y0 + RAIL, d / 2]);
  }

  const FRONT = 0.018;
  const SIDE = 0.012;
  const gap = 0.002;
  const frontW = innerW - 2 * gap;
  const frontH = opening - 2 * gap;
  const boxW = innerW - 2 * 0.013;
  const boxD = d - FRONT - BACK - 0.025;
  const boxY0 = -opening / 2 + 0.004;
  const boxY1 = opening / 2 - 0.025;
  const travel = Math.min(0.35, Math.floor(boxD * 0.88 * 100) / 100);
  const handleLength = clamp(Math.round(frontW * 0.35 * 100) / 100, 0.1, 0.2);

  const parts: PartModel[] = names.map(([suffix, label], i) => {
    const yc = yTop - i * (opening + RAIL) - opening / 2;
    const dg = new GeometryBuilder();
    dg.box('dresser_front', [-frontW / 2, -frontH / 2, -FRONT], [frontW / 2, frontH / 2, 0]);
    const z0 = -FRONT - boxD;
    const z1 = -FRONT;
    const box = 'drawer_box';
    dg.box(box, [-boxW / 2, boxY0, z0], [-boxW / 2 + SIDE, boxY1, z1]);
    dg.box(box, [boxW / 2 - SIDE, boxY0, z0], [boxW / 2, boxY1, z1]);
    dg.box(box, [-boxW / 2 + SIDE, boxY0, z0], [boxW / 2 - SIDE, boxY1, z0 + SIDE]);
    dg.box(box, [-boxW / 2 + SIDE, boxY0, z0 + SIDE], [boxW / 2 - SIDE, boxY0 + SIDE, z1]);
    const handle: Vec3 = [0, 0, HANDLE_STANDOFF];
    barHandle(dg, handle, handleLength, 'x');
    return {
      node: `dresser_drawer_${suffix}`,
      label,
      type: 'prismatic',
      origin: [0, yc, d / 2],
      axis: [0, 0, 1],
      limits: [0, travel],
      handleLocal: handle,
      front: [0, 0, 1],
      geometry: dg,
    } satisfies PartModel;
  });

  return finish({
    kind: 'dresser',
    node: 'dresser',
    label: 'Dresser',
    size: { width: w, height: h, depth: d },
    geometry: g,
    parts,
    surface: { y: h, minX: -w / 2, maxX: w / 2, minZ: -d / 2, maxZ: d / 2 },
  });
}

/** A slab door hinged on its outer front edge: node origin on the hinge line, slab behind z = 0. */
function hingedDoor(
  node: string,
  label: string,
  material: string,
  hinge: HingeSide,
  edgeX: number,
  y0: number,
  y1: number,
  frontZ: number,
  thickness: number,
  handleY: number,
  handleLength: number,
  handleInset: number,
): PartModel {
  const dw = 2 * edgeX;
  const dh = y1 - y0;
  const yc = (y0 + y1) / 2;
  // Left hinge (the viewer's left, -X): the slab runs to +X and opens about -Y; right hinge mirrors it.
  const sign = hinge === 'left' ? 1 : -1;
  const g = new GeometryBuilder();
  const xa = 0;
  const xb = sign * dw;
  g.box(material, [Math.min(xa, xb), -dh / 2, -thickness], [Math.max(xa, xb), dh / 2, 0]);
  const handle: Vec3 = [sign * (dw - handleInset), handleY - yc, HANDLE_STANDOFF];
  barHandle(g, handle, handleLength, 'y');
  return {
    node,
    label,
    type: 'revolute',
    origin: [-sign * edgeX, yc, frontZ],
    axis: [0, -sign, 0],
    limits: [0, 1.9],
    handleLocal: handle,
    front: [0, 0, 1],
    geometry: g,
  };
}

export interface CabinetParams {
  width: number;
  /** Including the countertop. */
  height: number;
  /** Carcass and door, not the countertop's overhang. */
  depth: number;
  hinge: HingeSide;
}

/** Kitchen base cabinet: carcass on a recessed plinth, a shelf, an overlay door and a countertop. */
export function buildCabinet(p: CabinetParams): FurnitureModel {
  const { width: w, height: h, depth: d } = p;
  const DOOR = 0.018;
  const TOP = 0.035;
  const KICK = 0.1;
  const hc = h - TOP;
  const cf = d / 2 - DOOR;
  const body = 'cabinet_body';
  const g = new GeometryBuilder();
  g.box(body, [-w / 2, 0, -d / 2], [-w / 2 + PANEL, hc, cf]);
  g.box(body, [w / 2 - PANEL, 0, -d / 2], [w / 2, hc, cf]);
  g.box(body, [-w / 2 + PANEL, KICK, -d / 2 + BACK], [w / 2 - PANEL, KICK + PANEL, cf]);
  g.box(body, [-w / 2 + PANEL, hc - PANEL, -d / 2 + BACK], [w / 2 - PANEL, hc, cf]);
  g.box(body, [-w / 2 + PANEL, KICK, -d / 2], [w / 2 - PANEL, hc - PANEL, -d / 2 + BACK]);
  g.box(body, [-w / 2 + PANEL, 0, cf - 0.05 - PANEL], [w / 2 - PANEL, KICK, cf - 0.05]);
  const shelf = (KICK + hc) / 2;
  g.box(body, [-w / 2 + PANEL, shelf, -d / 2 + BACK], [w / 2 - PANEL, shelf + PANEL, cf - 0.03]);
  g.box('countertop', [-w / 2, hc, -d / 2], [w / 2, h, d / 2 + 0.02]);
  const y0 = KICK + 0.003;
  const y1 = hc - 0.003;
  const door = hingedDoor(
    'cabinet_door',
    'Cabinet door',
    'cabinet_door',
    p.hinge,
    w / 2 - 0.002,
    y0,
    y1,
    d / 2,
    DOOR,
    y1 - 0.1,
    0.128,
    0.04,
  );
  return finish({
    kind: 'cabinet',
    node: 'cabinet',
    label: 'Kitchen cabinet',
    size: { width: w, height: h, depth: d },
    geometry: g,
    parts: [door],
    surface: { y: h, minX: -w / 2, maxX: w / 2, minZ: -d / 2, maxZ: d / 2 + 0.02 },
  });
}

export interface FridgeParams {
  width: number;
  height: number;
  /** Cabinet and door. */
  depth: number;
  hinge: HingeSide;
}

/** Tall fridge: insulated shell (hollow, with glass shelves), toe grille and a full-height door. */
export function buildFridge(p: FridgeParams): FurnitureModel {
  const { width: w, height: h, depth: d } = p;
  const DOOR = 0.05;
  const WALL = 0.035;
  const PLINTH = 0.1;
  const cf = d / 2 - DOOR;
  const body = 'fridge_body';
  const g = new GeometryBuilder();
  g.box(body, [-w / 2, 0, -d / 2], [-w / 2 + WALL, h, cf]);
  g.box(body, [w / 2 - WALL, 0, -d / 2], [w / 2, h, cf]);
  g.box(body, [-w / 2 + WALL, h - WALL, -d / 2], [w / 2 - WALL, h, cf]);
  g.box(body, [-w / 2 + WALL, 0, -d / 2], [w / 2 - WALL, PLINTH + WALL, cf - 0.02]);
  g.box(body, [-w / 2 + WALL, PLINTH + WALL, -d / 2], [w / 2 - WALL, h - WALL, -d / 2 + WALL]);
  g.box('fridge_grille', [-w / 2 + WALL, 0.015, cf - 0.02], [w / 2 - WALL, PLINTH - 0.015, cf - 0.005]);
  const inside0 = PLINTH + WALL;
  const inside1 = h - WALL;
  const shelves = 3;
  for (let i = 1; i <= shelves; i++) {
    const y = inside0 + ((inside1 - inside0) * i) / (shelves + 1);
    g.box('fridge_shelf', [-w / 2 + WALL, y, -d / 2 + WALL], [w / 2 - WALL, y + 0.006, cf - 0.03]);
  }
  const y0 = PLINTH;
  const y1 = h - 0.004;
  const dh = y1 - y0;
  const handleLength = clamp(Math.round(dh * 0.3 * 100) / 100, 0.25, 0.5);
  const handleY = clamp(1.05, y0 + handleLength / 2 + 0.05, y1 - handleLength / 2 - 0.05);
  const door = hingedDoor(
    'fridge_door',
    'Fridge door',
    'fridge_door',
    p.hinge,
    w / 2 - 0.002,
    y0,
    y1,
    d / 2,
    DOOR,
    handleY,
    handleLength,
    0.05,
  );
  return finish({
    kind: 'fridge',
    node: 'fridge',
    label: 'Fridge',
    size: { width: w, height: h, depth: d },
    geometry: g,
    parts: [door],
    surface: null,
  });
}

export interface TableParams {
  width: number;
  depth: number;
  height: number;
}

export function buildTable(p: TableParams): FurnitureModel {
  const { width: w, depth: d, height: h } = p;
  const TOP = 0.03;
  const LEG = 0.05;
  const INSET = 0.04;
  const m = 'table_wood';
  const g = new GeometryBuilder();
  g.box(m, [-w / 2, h - TOP, -d / 2], [w / 2, h, d / 2]);
  const lx = w / 2 - INSET - LEG / 2;
  const lz = d / 2 - INSET - LEG / 2;
  for (const sx of [-1, 1]) {
    for (const sz of [-1, 1]) {
      g.box(m, [sx * lx - LEG / 2, 0, sz * lz - LEG / 2], [sx * lx + LEG / 2, h - TOP, sz * lz + LEG / 2]);
    }
  }
  const apronY0 = h - TOP - 0.08;
  for (const sz of [-1, 1]) {
    const z = sz * (lz + LEG / 2 - 0.01);
    g.box(m, [-lx + LEG / 2, apronY0, z - 0.01], [lx - LEG / 2, h - TOP, z + 0.01]);
  }
  for (const sx of [-1, 1]) {
    const x = sx * (lx + LEG / 2 - 0.01);
    g.box(m, [x - 0.01, apronY0, -lz + LEG / 2], [x + 0.01, h - TOP, lz - LEG / 2]);
  }
  return finish({
    kind: 'table',
    node: 'table',
    label: 'Table',
    size: { width: w, height: h, depth: d },
    geometry: g,
    parts: [],
    surface: { y: h, minX: -w / 2, maxX: w / 2, minZ: -d / 2, maxZ: d / 2 },
  });
}

export type ChestStyle = 'chest' | 'toybox';

export interface ChestParams {
  width: number;
  /** Floor to the top of the closed lid. */
  height: number;
  depth: number;
  /** A wooden blanket chest or a painted toy box: material and labels. */
  style: ChestStyle;
}

/** How far a chest lid opens (radians): short of upright, so the hand lifting it stays clear of the wall behind. */
export const LID_OPEN = 1.45;

/**
 * Storage chest (blanket chest or toy box): an open box with a floor, a fixed rail along the
 * back of the top and a lid hinged on that rail. The lid is a slab with a lip hanging in
 * front of the carcass and a bar pull on the lip. Its node sits on the hinge line, the lid's
 * top back edge, and it turns about -X, so positive angles lift the front edge; nothing of the
 * lid passes behind the hinge while it opens.
 */
export function buildChest(p: ChestParams): FurnitureModel {
  const { width: w, height: h, depth: d } = p;
  const LID = 0.022;
  const LIP = 0.05;
  const LIP_T = 0.016;
  const RAIL = 0.045;
  const GAP = 0.003;
  const FLOOR = 0.07;
  const material = p.style === 'chest' ? 'chest_wood' : 'toybox_paint';
  const yTop = h - LID;
  const cf = d / 2 - LIP_T - GAP;
  const g = new GeometryBuilder();
  g.box(material, [-w / 2, 0, -d / 2], [-w / 2 + PANEL, yTop, cf]);
  g.box(material, [w / 2 - PANEL, 0, -d / 2], [w / 2, yTop, cf]);
  g.box(material, [-w / 2 + PANEL, 0, -d / 2], [w / 2 - PANEL, yTop, -d / 2 + PANEL]);
  g.box(material, [-w / 2 + PANEL, 0, cf - PANEL], [w / 2 - PANEL, yTop, cf]);
  g.box(material, [-w / 2 + PANEL, FLOOR, -d / 2 + PANEL], [w / 2 - PANEL, FLOOR + PANEL, cf - PANEL]);
  const hingeZ = -d / 2 + RAIL;
  g.box(material, [-w / 2, yTop, -d / 2], [w / 2, h, hingeZ - 0.002]);

  const depth = d / 2 - hingeZ;
  const lid = new GeometryBuilder();
  lid.box(material, [-w / 2, -LID, 0], [w / 2, 0, depth]);
  lid.box(material, [-w / 2, -LID - LIP, depth - LIP_T], [w / 2, -LID, depth]);
  const handle: Vec3 = [0, -LID - LIP / 2, depth + HANDLE_STANDOFF];
  barHandle(lid, handle, clamp(Math.round(w * 0.25 * 100) / 100, 0.1, 0.2), 'x', depth);
  const name = p.style === 'chest' ? 'Blanket chest' : 'Toy box';
  return finish({
    kind: 'chest',
    node: 'chest',
    label: name,
    size: { width: w, height: h, depth: d },
    geometry: g,
    parts: [
      {
        node: 'chest_lid',
        label: `${name} lid`,
        type: 'revolute',
        origin: [0, h, hingeZ],
        axis: [-1, 0, 0],
        limits: [0, LID_OPEN],
        handleLocal: handle,
        front: [0, 0, 1],
        geometry: lid,
      },
    ],
    // Nothing stands on a lid that opens.
    surface: null,
  });
}

export type LooseKind = 'mug' | 'book' | 'bottle' | 'box' | 'basket';

export interface LooseModel {
  kind: LooseKind;
  label: string;
  geometry: GeometryBuilder;
  /** Own space: origin at the centre of the base, resting on y = 0. */
  bounds: Aabb;
}

function looseModel(kind: LooseKind, label: string, g: GeometryBuilder): LooseModel {
  const b = g.bounds();
  if (!b) throw new Error(`${kind}: no geometry`);
  return { kind, label, geometry: g, bounds: b };
}

export function buildMug(radius: number, height: number): LooseModel {
  const g = new GeometryBuilder();
  const wall = 0.005;
  g.tube('mug_ceramic', { outerRadius: radius, innerRadius: radius - wall, height, bottomThickness: 0.008, segments: 28 });
  // Handle: a half ring in the XY plane on the +X side, ends buried in the wall.
  const major = height * 0.3;
  g.torus('mug_ceramic', {
    majorRadius: major,
    minorRadius: 0.0055,
    arc: [-0.05, Math.PI + 0.05],
    majorSegments: 16,
    minorSegments: 8,
    rotation: ALONG_Z,
    translation: [radius - 0.001, height * 0.52, 0],
  });
  return looseModel('mug', 'Mug', g);
}

export function buildBook(width: number, length: number, thickness: number): LooseModel {
  const g = new GeometryBuilder();
  const c = 0.003;
  const cover = 'book_cover';
  g.box(cover, [-width / 2 - c, 0, -length / 2], [width / 2, c, length / 2]);
  g.box(cover, [-width / 2 - c, thickness - c, -length / 2], [width / 2, thickness, length / 2]);
  g.box(cover, [-width / 2 - c, c, -length / 2], [-width / 2, thickness - c, length / 2]);
  g.box('book_pages', [-width / 2, c, -length / 2 + 0.004], [width / 2 - 0.004, thickness - c, length / 2 - 0.004]);
  return looseModel('book', 'Book', g);
}

export function buildBottle(radius: number, bodyHeight: number): LooseModel {
  const g = new GeometryBuilder();
  const glass = 'bottle_glass';
  const neck = 0.013;
  const shoulder = radius * 1.4;
  g.cylinder(glass, { radiusBottom: radius, height: bodyHeight, segments: 24, capTop: false });
  g.cylinder(glass, {
    radiusBottom: radius,
    radiusTop: neck,
    height: shoulder,
    segments: 24,
    capBottom: false,
    capTop: false,
    translation: [0, bodyHeight, 0],
  });
  g.cylinder(glass, { radiusBottom: neck, height: 0.05, segments: 16, capBottom: false, translation: [0, bodyHeight + shoulder, 0] });
  g.cylinder('bottle_cap', { radiusBottom: neck + 0.002, height: 0.02, segments: 16, translation: [0, bodyHeight + shoulder + 0.04, 0] });
  return looseModel('bottle', 'Bottle', g);
}

export function buildBox(size: Vec3): LooseModel {
  const g = new GeometryBuilder();
  g.box('cardboard', [-size[0] / 2, 0, -size[2] / 2], [size[0] / 2, size[1], size[2] / 2]);
  g.box('tape', [-size[0] / 2 - 0.001, size[1] - 0.001, -0.025], [size[0] / 2 + 0.001, size[1] + 0.001, 0.025]);
  return looseModel('box', 'Box', g);
}

/** An open-top wicker basket: thin walls, a floor and a thicker rim band. */
export function buildBasket(size: Vec3): LooseModel {
  const [w, h, d] = size;
  const WALL = 0.008;
  const RIM = 0.018;
  const m = 'basket_wicker';
  const g = new GeometryBuilder();
  g.box(m, [-w / 2, 0, -d / 2], [w / 2, WALL, d / 2]);
  g.box(m, [-w / 2, WALL, -d / 2], [-w / 2 + WALL, h, d / 2]);
  g.box(m, [w / 2 - WALL, WALL, -d / 2], [w / 2, h, d / 2]);
  g.box(m, [-w / 2 + WALL, WALL, -d / 2], [w / 2 - WALL, h, -d / 2 + WALL]);
  g.box(m, [-w / 2 + WALL, WALL, d / 2 - WALL], [w / 2 - WALL, h, d / 2]);
  const o = 0.004;
  g.box('basket_rim', [-w / 2 - o, h - RIM, -d / 2 - o], [w / 2 + o, h, -d / 2]);
  g.box('basket_rim', [-w / 2 - o, h - RIM, d / 2], [w / 2 + o, h, d / 2 + o]);
  g.box('basket_rim', [-w / 2 - o, h - RIM, -d / 2], [-w / 2, h, d / 2]);
  g.box('basket_rim', [w / 2, h - RIM, -d / 2], [w / 2 + o, h, d / 2]);
  return looseModel('basket', 'Basket', g);
}
