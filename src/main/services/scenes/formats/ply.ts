import type { SceneFormat } from '../../../../shared/scene/schema';
import { BoundsAccumulator, finishBounds } from '../bounds-accumulator';
import { ChunkedReader } from '../chunked-reader';
import { forEachLine } from '../line-reader';
import { badInput, truncated, unsupported } from '../scene-errors';
import { emptyStats, type FormatResult } from '../scene-types';
import { PLY_TYPE_BYTES, type PlyElement, type PlyHeader, type PlyScalarType, readPlyHeader, readPlyScalar } from './ply-header';

/** Properties 3DGS/gsplat/nerfstudio write for every Gaussian; all four mark a splat PLY. */
const GAUSSIAN_PROPS = ['f_dc_0', 'opacity', 'scale_0', 'rot_0'];
const FACE_LIST_NAMES = new Set(['vertex_indices', 'vertex_index']);

/** What each property of an element is to us, so the body walk stays a tight loop. */
interface ElementPlan {
  element: PlyElement;
  /** Per property: 0/1/2 for x/y/z, 3 for the face's vertex list, -1 for anything else. */
  roles: number[];
  /** Bytes per record when no property is a list; null otherwise. */
  stride: number | null;
  /** Byte offsets of x, y, z within a fixed-stride record. */
  xyzOffsets: number[];
  xyzTypes: PlyScalarType[];
  isVertex: boolean;
  isFace: boolean;
}

interface WalkState {
  acc: BoundsAccumulator;
  triangles: number;
  faces: number;
  vertexIndex: number;
}

export function classifyPly(file: string, header: PlyHeader): SceneFormat {
  const vertex = header.elements.find((e) => e.name === 'vertex');
  if (!vertex) throw badInput(file, 'the PLY header declares no vertex element');
  const names = new Set(vertex.properties.map((p) => p.name));
  if (names.has('packed_position')) throw unsupported(file, 'compressed (SuperSplat) PLY; save it as an uncompressed PLY or .spz');
  for (const axis of ['x', 'y', 'z']) {
    const prop = vertex.properties.find((p) => p.name === axis);
    if (!prop || prop.list) throw badInput(file, `the PLY vertex element has no scalar "${axis}" property`);
  }
  const face = header.elements.find((e) => e.name === 'face');
  if (face && face.count > 0) {
    if (!face.properties.some((p) => p.list && FACE_LIST_NAMES.has(p.name))) {
      throw badInput(file, 'the PLY face element has no vertex_indices list');
    }
    return 'ply-mesh';
  }
  if (GAUSSIAN_PROPS.every((p) => names.has(p))) return 'ply-gaussians';
  return 'ply-points';
}

export async function analyzePly(file: string, size: number): Promise<FormatResult> {
  const header = await readPlyHeader(file);
  const format = classifyPly(file, header);
  const plans = header.elements.map(planElement);
  const state: WalkState = { acc: new BoundsAccumulator(), triangles: 0, faces: 0, vertexIndex: 0 };
  if (header.format === 'ascii') await walkAscii(file, header, plans, state);
  else await walkBinary(file, size, header, plans, state);

  const vertexCount = (header.elements.find((e) => e.name === 'vertex') as PlyElement).count;
  const stats = emptyStats();
  if (format === 'ply-mesh') {
    stats.triangles = state.triangles;
    stats.meshes = 1;
  } else if (format === 'ply-gaussians') stats.splats = vertexCount;
  else stats.points = vertexCount;
  if (vertexCount === 0) throw badInput(file, 'contains no geometry (the PLY header declares 0 vertices)');
  const bounds = finishBounds(file, state.acc, stats);
  return { format, stats, bounds, articulations: [], references: [] };
}

function planElement(element: PlyElement): ElementPlan {
  const isVertex = element.name === 'vertex';
  const isFace = element.name === 'face';
  const roles = element.properties.map((p) => {
    if (isVertex && !p.list) {
      const axis = ['x', 'y', 'z'].indexOf(p.name);
      if (axis >= 0) return axis;
    }
    if (isFace && p.list && FACE_LIST_NAMES.has(p.name)) return 3;
    return -1;
  });
  let stride: number | null = 0;
  const xyzOffsets = [0, 0, 0];
  const xyzTypes: PlyScalarType[] = ['float32', 'float32', 'float32'];
  for (let i = 0; i < element.properties.length; i++) {
    const p = element.properties[i] as PlyElement['properties'][number];
    if (p.list) {
      stride = null;
      break;
    }
    const role = roles[i] as number;
    if (role >= 0 && role < 3) {
      xyzOffsets[role] = stride;
      xyzTypes[role] = p.type;
    }
    stride += PLY_TYPE_BYTES[p.type];
  }
  return { element, roles, stride, xyzOffsets, xyzTypes, isVertex, isFace };
}

function addVertex(state: WalkState, x: number, y: number, z: number): void {
  if (!state.acc.add(x, y, z)) state.acc.noteFirstNonFinite(`vertex ${state.vertexIndex}`);
  state.vertexIndex++;
}

function addFace(state: WalkState, corners: number): void {
  // A polygon of n corners is drawn as a fan of n - 2 triangles.
  if (corners >= 3) state.triangles += corners - 2;
  state.faces++;
}

async function walkBinary(file: string, size: number, header: PlyHeader, plans: ElementPlan[], state: WalkState): Promise<void> {
  const little = header.format === 'binary_little_endian';
  const reader = await ChunkedReader.open(file, header.bodyOffset);
  const shortBody = (plan: ElementPlan, done: number): Error =>
    truncated(file, `the header declares ${plan.element.count} ${plan.element.name} records but the file ends after ${done}`);
  try {
    for (const plan of plans) {
      const { count } = plan.element;
      if (plan.stride !== null) {
        const stride = plan.stride;
        if (!plan.isVertex) {
          reader.skip(count * stride);
          if (reader.position > size) throw shortBody(plan, Math.floor((count * stride - (reader.position - size)) / stride));
          continue;
        }
        const [ox, oy, oz] = plan.xyzOffsets as [number, number, number];
        const [tx, ty, tz] = plan.xyzTypes as [PlyScalarType, PlyScalarType, PlyScalarType];
        let done = 0;
        while (done < count) {
          if (!(await reader.fill(stride))) throw shortBody(plan, done);
          const records = Math.min(count - done, Math.floor(reader.available / stride));
          const view = reader.view;
          for (let r = 0, at = reader.start; r < records; r++, at += stride) {
            addVertex(
              state,
              readPlyScalar(view, at + ox, tx, little),
              readPlyScalar(view, at + oy, ty, little),
              readPlyScalar(view, at + oz, tz, little),
            );
          }
          reader.consume(records * stride);
          done += records;
        }
        continue;
      }
      // Records with lists have variable length: parse as many whole records as the buffer holds, then refill.
      let done = 0;
      const xyz = [0, 0, 0];
      while (done < count) {
        let at = reader.start;
        const end = reader.end;
        while (done < count) {
          const next = walkListRecord(reader.view, at, end, plan, little, xyz, state);
          if (next < 0) break;
          if (plan.isVertex) addVertex(state, xyz[0] as number, xyz[1] as number, xyz[2] as number);
          at = next;
          done++;
        }
        reader.consume(at - reader.start);
        if (done < count && !(await reader.fill(reader.available + 1))) throw shortBody(plan, done);
      }
    }
  } finally {
    await reader.close();
  }
}

/** Parse one record that contains list properties; returns the offset after it, or -1 when the buffer ends first. */
function walkListRecord(
  view: DataView,
  start: number,
  end: number,
  plan: ElementPlan,
  little: boolean,
  xyz: number[],
  state: WalkState,
): number {
  let at = start;
  const props = plan.element.properties;
  let corners = -1;
  for (let i = 0; i < props.length; i++) {
    const p = props[i] as PlyElement['properties'][number];
    const role = plan.roles[i] as number;
    if (p.list) {
      const countBytes = PLY_TYPE_BYTES[p.list.countType];
      if (at + countBytes > end) return -1;
      const n = readPlyScalar(view, at, p.list.countType, little);
      at += countBytes + n * PLY_TYPE_BYTES[p.list.itemType];
      if (at > end) return -1;
      if (role === 3) corners = n;
    } else {
      const bytes = PLY_TYPE_BYTES[p.type];
      if (at + bytes > end) return -1;
      if (role >= 0) xyz[role] = readPlyScalar(view, at, p.type, little);
      at += bytes;
    }
  }
  if (corners >= 0) addFace(state, corners);
  return at;
}

/** ASCII bodies: one record per line, as every writer does; blank lines are skipped. */
async function walkAscii(file: string, header: PlyHeader, plans: ElementPlan[], state: WalkState): Promise<void> {
  let planIndex = 0;
  let done = 0;
  const skipEmpty = (): void => {
    while (planIndex < plans.length && done === (plans[planIndex] as ElementPlan).element.count) {
      planIndex++;
      done = 0;
    }
  };
  skipEmpty();
  let bad: Error | null = null;
  await forEachLine(file, header.bodyOffset, (line) => {
    if (planIndex >= plans.length) return false;
    const words = line.trim().split(/\s+/);
    if (words[0] === '') return true;
    const plan = plans[planIndex] as ElementPlan;
    const xyz = [0, 0, 0];
    let w = 0;
    for (let i = 0; i < plan.element.properties.length; i++) {
      const p = plan.element.properties[i] as PlyElement['properties'][number];
      const role = plan.roles[i] as number;
      if (p.list) {
        const n = Number(words[w]);
        if (!Number.isInteger(n) || n < 0) {
          bad = badInput(file, `${plan.element.name} ${done}: bad list length "${words[w]}"`);
          return false;
        }
        if (role === 3) addFace(state, n);
        w += 1 + n;
      } else {
        if (role >= 0) xyz[role] = Number(words[w]);
        w++;
      }
    }
    if (w > words.length) {
      bad = truncated(file, `${plan.element.name} ${done} has ${words.length} values where ${w} are needed`);
      return false;
    }
    if (plan.isVertex) addVertex(state, xyz[0] as number, xyz[1] as number, xyz[2] as number);
    done++;
    skipEmpty();
    return true;
  });
  if (bad) throw bad;
  if (planIndex < plans.length) {
    const plan = plans[planIndex] as ElementPlan;
    throw truncated(file, `the header declares ${plan.element.count} ${plan.element.name} records but the file ends after ${done}`);
  }
}
