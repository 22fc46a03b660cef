import { type Accessor, Document, type Material, type Node, NodeIO } from '@gltf-transform/core';
import { KHRLightsPunctual } from '@gltf-transform/extensions';
import { Articulation, type Bounds } from '../../../shared/scene/schema';
import type { GeometryBuilder } from './room/geometry';
import { type LightSpec, type PlacedFurniture, type PlacedLoose, planRoom, type RoomPlan } from './room/layout';
import { add, r5v, type Vec3, yawQuat, yawVec } from './room/math';
import type { MaterialSpec } from './room/palette';
import type { Opening, WallSide } from './room/structure';

/**
 * Procedural, seeded room: the studio's bundled sample room (seed 0) and the source of
 * randomised rooms for synthetic data (any other seed). Metres, right-handed, +Y up, floor at
 * y = 0, interior centred on the origin, no ceiling. Drawers, doors and lids are separate nodes
 * that carry `extras.dwm.joint` (an {@link Articulation}, node name included); loose objects
 * carry `extras.dwm.loose = true`, and those a hand can lift (boxes, baskets) also a prismatic
 * joint straight up. The same seed always gives the same bytes.
 */

export interface RoomOptions {
  /** Integer in [0, 2^32 - 1]; 0 (default) is the fixed sample room. */
  seed?: number;
}

export interface RoomPartDescription {
  /** glTF node name of the moving part. */
  node: string;
  /** glTF node name of its parent (the furniture body); null for a liftable loose object (the scene root). */
  parent: string | null;
  label: string;
  type: Articulation['type'];
  /** Exactly what the node's extras.dwm.joint holds (parent space). */
  joint: Articulation;
  /** World space, rest pose. */
  handleWorld: Vec3;
  originWorld: Vec3;
  axisWorld: Vec3;
  /** Outward normal of the part's front face (world). */
  frontWorld: Vec3;
  /** World bounds of everything the part passes through between its limits. */
  sweptWorld: Bounds;
}

export interface RoomFurnitureDescription {
  node: string;
  kind: 'dresser' | 'cabinet' | 'fridge' | 'table' | 'chest';
  label: string;
  /** The wall it stands against, or null (the table). */
  wall: WallSide | null;
  /** Node translation (footprint centre on the floor). */
  position: Vec3;
  /** Rotation about +Y, radians; the front faces +Z rotated by this. */
  yaw: number;
  size: { width: number; height: number; depth: number };
  /** World bounds of the body and its parts at rest. */
  bounds: Bounds;
  parts: string[];
}

export interface RoomLooseDescription {
  node: string;
  kind: 'mug' | 'book' | 'bottle' | 'box' | 'basket';
  label: string;
  /** Furniture node it stands on. */
  on: string;
  position: Vec3;
  yaw: number;
  bounds: Bounds;
}

export interface RoomLightDescription {
  node: string;
  type: 'point' | 'directional';
  color: Vec3;
  /** Candela (point) or lux (directional). */
  intensity: number;
  position: Vec3;
  /** Directional lights only. */
  direction: Vec3 | null;
}

export interface RoomDescription {
  seed: number;
  name: string;
  /** Interior size: width along x, depth along z, wall height. */
  size: { width: number; depth: number; height: number; wallThickness: number };
  /** Everything in the file lies inside these (outer faces of the walls, floor to wall top). */
  bounds: Bounds;
  /** Free space between the walls' inner faces. */
  interior: Bounds;
  openings: Opening[];
  furniture: RoomFurnitureDescription[];
  /** Drawers, doors, lids, then liftable loose objects, in file order. */
  parts: RoomPartDescription[];
  loose: RoomLooseDescription[];
  lights: RoomLightDescription[];
  triangles: number;
}

const MAX_SEED = 0xffffffff;

function seedOf(seed: number | undefined): number {
  const s = seed ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > MAX_SEED) throw new RangeError(`room seed must be an integer in [0, ${MAX_SEED}], got ${s}`);
  return s;
}

function roomName(seed: number): string {
  return seed === 0 ? 'sample_room' : `room_seed_${seed}`;
}

function bounds(b: { min: Vec3; max: Vec3 }): Bounds {
  return { min: r5v(b.min), max: r5v(b.max) };
}

function jointOf(f: PlacedFurniture, i: number): Articulation {
  const part = f.model.parts[i];
  if (!part) throw new Error(`${f.model.node}: no part ${i}`);
  return Articulation.parse({
    node: part.node,
    type: part.type,
    axis: part.axis,
    origin: r5v(part.origin),
    limits: part.limits,
    handle: r5v(add(part.origin, part.handleLocal)),
    label: part.label,
  });
}

/** A liftable loose object's joint: along world +Y from where it stands (its node's parent is the scene root). */
function liftJointOf(l: PlacedLoose): Articulation | null {
  if (!l.lift) return null;
  return Articulation.parse({
    node: l.node,
    type: 'prismatic',
    axis: [0, 1, 0],
    origin: l.position,
    limits: l.lift.limits,
    handle: l.lift.handle,
    label: l.lift.label,
  });
}

function triangles(plan: RoomPlan): number {
  const g = plan.geometry;
  let n = 0;
  for (const b of [g.floor, g.walls, g.skirting, g.window, g.door]) n += b.triangleCount();
  for (const f of plan.furniture) {
    n += f.model.geometry.triangleCount();
    for (const p of f.model.parts) n += p.geometry.triangleCount();
  }
  for (const l of plan.loose) n += l.model.geometry.triangleCount();
  return n;
}

function describePlan(plan: RoomPlan): RoomDescription {
  const toWorld = (f: PlacedFurniture, p: Vec3): Vec3 => r5v(add(yawVec(f.turns, p), f.position));
  const parts: RoomPartDescription[] = [];
  for (const f of plan.furniture) {
    f.model.parts.forEach((part, i) => {
      const joint = jointOf(f, i);
      const sweep = f.sweeps[i];
      if (!sweep) throw new Error(`${part.node}: no sweep`);
      parts.push({
        node: part.node,
        parent: f.model.node,
        label: part.label,
        type: part.type,
        joint,
        handleWorld: toWorld(f, add(part.origin, part.handleLocal)),
        originWorld: toWorld(f, part.origin),
        axisWorld: r5v(yawVec(f.turns, part.axis)),
        frontWorld: r5v(yawVec(f.turns, part.front)),
        sweptWorld: bounds(sweep.box),
      });
    });
  }
  for (const l of plan.loose) {
    const joint = liftJointOf(l);
    if (!joint || !l.lift) continue;
    const top = l.lift.limits[1];
    parts.push({
      node: l.node,
      parent: null,
      label: l.lift.label,
      type: 'prismatic',
      joint,
      handleWorld: l.lift.handle,
      originWorld: l.position,
      axisWorld: [0, 1, 0],
      frontWorld: l.lift.front,
      sweptWorld: bounds({ min: l.bounds.min, max: [l.bounds.max[0], l.bounds.max[1] + top, l.bounds.max[2]] }),
    });
  }
  const { shell, geometry } = plan;
  return {
    seed: plan.seed,
    name: roomName(plan.seed),
    size: { width: shell.width, depth: shell.depth, height: shell.height, wallThickness: shell.wallThickness },
    bounds: bounds(geometry.bounds),
    interior: bounds(geometry.interior),
    openings: plan.openings.map((o) => ({ ...o })),
    furniture: plan.furniture.map((f) => ({
      node: f.model.node,
      kind: f.model.kind,
      label: f.model.label,
      wall: f.wall,
      position: f.position,
      yaw: (f.turns * Math.PI) / 2,
      size: { ...f.model.size },
      bounds: bounds(f.body),
      parts: f.model.parts.map((p) => p.node),
    })),
    parts,
    loose: plan.loose.map((l) => ({
      node: l.node,
      kind: l.model.kind,
      label: l.model.label,
      on: l.on,
      position: l.position,
      yaw: l.yaw,
      bounds: bounds(l.bounds),
    })),
    lights: plan.lights.map((l) => ({
      node: l.node,
      type: l.type,
      color: l.color,
      intensity: l.intensity,
      position: l.position,
      direction: l.direction,
    })),
    triangles: triangles(plan),
  };
}

/** A plain description of the room for a seed (parts, joints, handles, bounds), without building a file. */
export function describeRoom(seed = 0): RoomDescription {
  return describePlan(planRoom(seedOf(seed)));
}

/* ------------------------------------------------------------------ glTF */

class GltfWriter {
  readonly doc = new Document();
  private readonly buffer = this.doc.createBuffer();
  private readonly materials = new Map<string, Material>();
  private readonly lights: KHRLightsPunctual;

  constructor(private readonly specs: Map<string, MaterialSpec>) {
    this.lights = this.doc.createExtension(KHRLightsPunctual);
  }

  private material(name: string): Material {
    const existing = this.materials.get(name);
    if (existing) return existing;
    const s = this.specs.get(name);
    if (!s) throw new Error(`room: no material '${name}'`);
    const m = this.doc
      .createMaterial(name)
      .setBaseColorFactor([s.color[0], s.color[1], s.color[2], s.alpha])
      .setMetallicFactor(s.metallic)
      .setRoughnessFactor(s.roughness);
    if (s.alpha < 1) m.setAlphaMode('BLEND').setDoubleSided(true);
    this.materials.set(name, m);
    return m;
  }

  private accessor(name: string, type: 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array | Uint32Array): Accessor {
    return this.doc.createAccessor(name).setType(type).setArray(array).setBuffer(this.buffer);
  }

  /** A node with the builder's geometry as one primitive per material (none when empty). */
  node(name: string, geometry: GeometryBuilder | null): Node {
    const node = this.doc.createNode(name);
    if (geometry && !geometry.isEmpty()) {
      const mesh = this.doc.createMesh(name);
      for (const [material, g] of geometry.groups) {
        const vertexCount = g.positions.length / 3;
        const indices = vertexCount > 0xffff ? new Uint32Array(g.indices) : new Uint16Array(g.indices);
        const prim = this.doc
          .createPrimitive()
          .setAttribute('POSITION', this.accessor(`${name}_${material}_position`, 'VEC3', new Float32Array(g.positions)))
          .setAttribute('NORMAL', this.accessor(`${name}_${material}_normal`, 'VEC3', new Float32Array(g.normals)))
          .setIndices(this.accessor(`${name}_${material}_indices`, 'SCALAR', indices))
          .setMaterial(this.material(material));
        mesh.addPrimitive(prim);
      }
      node.setMesh(mesh);
    }
    return node;
  }

  light(spec: LightSpec): Node {
    const light = this.lights
      .createLight(spec.node)
      .setType(spec.type === 'point' ? 'point' : 'directional')
      .setColor(spec.color)
      .setIntensity(spec.intensity);
    if (spec.range !== null) light.setRange(spec.range);
    return this.doc
      .createNode(spec.node)
      .setTranslation(spec.position)
      .setRotation(spec.rotation)
      .setExtension(KHRLightsPunctual.EXTENSION_NAME, light);
  }
}

function buildDocument(plan: RoomPlan): Document {
  const w = new GltfWriter(plan.materials);
  const name = roomName(plan.seed);
  w.doc.getRoot().getAsset().generator = 'DWM Studio room generator';
  const scene = w.doc.createScene(name);
  w.doc.getRoot().setDefaultScene(scene);
  const g = plan.geometry;
  for (const [nodeName, builder] of [
    ['floor', g.floor],
    ['walls', g.walls],
    ['skirting', g.skirting],
    ['window', g.window],
    ['entrance_door', g.door],
  ] as const) {
    scene.addChild(w.node(nodeName, builder));
  }
  for (const f of plan.furniture) {
    const body = w.node(f.model.node, f.model.geometry).setTranslation(f.position).setRotation(yawQuat(f.turns));
    f.model.parts.forEach((part, i) => {
      const joint = jointOf(f, i);
      body.addChild(w.node(part.node, part.geometry).setTranslation(joint.origin).setExtras({ dwm: { joint } }));
    });
    scene.addChild(body);
  }
  for (const l of plan.loose) {
    const joint = liftJointOf(l);
    scene.addChild(
      w
        .node(l.node, l.model.geometry)
        .setTranslation(l.position)
        .setRotation(l.rotation)
        .setExtras({ dwm: joint ? { loose: true, joint } : { loose: true } }),
    );
  }
  for (const light of plan.lights) scene.addChild(w.light(light));
  return w.doc;
}

/** The room for a seed as a binary glTF (GLB). */
export async function generateRoomGlb(opts: RoomOptions = {}): Promise<Uint8Array> {
  const plan = planRoom(seedOf(opts.seed));
  const io = new NodeIO().registerExtensions([KHRLightsPunctual]);
  return io.writeBinary(buildDocument(plan));
}

/** Both at once, from one plan: the file and its description. */
export async function generateRoom(opts: RoomOptions = {}): Promise<{ glb: Uint8Array; description: RoomDescription }> {
  const plan = planRoom(seedOf(opts.seed));
  const io = new NodeIO().registerExtensions([KHRLightsPunctual]);
  return { glb: await io.writeBinary(buildDocument(plan)), description: describePlan(plan) };
}
