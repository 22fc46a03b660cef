import { promises as fs } from 'node:fs';
import { type Accessor, type Document, GLB_BUFFER, type mat4, type Node, Primitive } from '@gltf-transform/core';
import { BoundsAccumulator, finishBounds } from '../bounds-accumulator';
import { resolveCompanion } from '../companions';
import { badInput, unsupported } from '../scene-errors';
import { type CompanionReference, emptyStats, type FormatResult } from '../scene-types';
import { readArticulations } from './articulations';
import { parseGlbJson, parseGlbLayout } from './glb-container';
import { gltfReader } from './gltf-io';

interface GltfJson {
  asset?: { version?: unknown };
  buffers?: { uri?: unknown }[];
  images?: { uri?: unknown }[];
}

/**
 * glTF and GLB. The JSON is read here first so that companions are checked (and a missing
 * one named) before gltf-transform sees the file; gltf-transform then decodes everything,
 * Draco and meshopt included, and the counts and bounds come from the decoded accessors.
 */
export async function analyzeGltf(file: string, kind: 'glb' | 'gltf', size: number): Promise<FormatResult> {
  const bytes = await fs.readFile(file);
  // Buffers from readFile are never shared memory; the cast only satisfies gltf-transform's stricter type.
  const resources: Record<string, Uint8Array<ArrayBuffer>> = {};
  let json: unknown;
  if (kind === 'glb') {
    const layout = parseGlbLayout(file, bytes, size);
    json = parseGlbJson(file, bytes, layout);
    if (layout.binOffset !== null)
      resources[GLB_BUFFER] = bytes.subarray(layout.binOffset, layout.binOffset + layout.binLength) as Uint8Array<ArrayBuffer>;
  } else {
    try {
      json = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    } catch (err) {
      throw badInput(file, `is not valid JSON (${(err as Error).message})`);
    }
  }
  const gltf = checkGltfJson(file, json);
  const references = await findGltfReferences(file, gltf);
  for (const ref of references) resources[ref.uri] = (await fs.readFile(ref.target)) as Uint8Array<ArrayBuffer>;

  let doc: Document;
  try {
    doc = await (await gltfReader()).readJSON({ json: gltf as never, resources });
  } catch (err) {
    throw badInput(file, `cannot be read as glTF (${(err as Error).message})`);
  }
  return measureDocument(file, kind, doc, references);
}

function checkGltfJson(file: string, json: unknown): GltfJson {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw unsupported(file, 'JSON that is not a glTF object');
  const version = (json as GltfJson).asset?.version;
  if (typeof version !== 'string') throw unsupported(file, 'JSON without asset.version, so not glTF');
  if (!version.startsWith('2.')) throw unsupported(file, `glTF ${version}; only glTF 2.x is supported`);
  return json as GltfJson;
}

/** External buffers and images, in file order; data: URIs and GLB-embedded data are not companions. */
async function findGltfReferences(file: string, gltf: GltfJson): Promise<CompanionReference[]> {
  const refs: CompanionReference[] = [];
  const lists = [
    ['gltf-buffer', gltf.buffers],
    ['gltf-image', gltf.images],
  ] as const;
  for (const [kind, list] of lists) {
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const uri = list[index]?.uri;
      if (typeof uri !== 'string' || /^data:/i.test(uri)) continue;
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !/^file:/i.test(uri)) {
        throw badInput(file, `references ${uri}, a remote resource; only files next to the scene can be imported`);
      }
      refs.push({ kind, from: file, uri, target: await resolveCompanion(file, uri, 'uri'), index });
    }
  }
  return refs;
}

function measureDocument(file: string, kind: 'glb' | 'gltf', doc: Document, references: CompanionReference[]): FormatResult {
  const root = doc.getRoot();
  const stats = {
    ...emptyStats(),
    meshes: root.listMeshes().length,
    materials: root.listMaterials().length,
    textures: root.listTextures().length,
  };
  // Counted once per primitive in the file, not per instance: what the file holds.
  for (const mesh of root.listMeshes()) {
    for (const prim of mesh.listPrimitives()) {
      const position = prim.getAttribute('POSITION');
      const n = prim.getIndices()?.getCount() ?? position?.getCount() ?? 0;
      switch (prim.getMode()) {
        case Primitive.Mode.TRIANGLES:
          stats.triangles += Math.floor(n / 3);
          break;
        case Primitive.Mode.TRIANGLE_STRIP:
        case Primitive.Mode.TRIANGLE_FAN:
          stats.triangles += Math.max(0, n - 2);
          break;
        case Primitive.Mode.POINTS:
          stats.points += n;
          break;
      }
    }
  }
  const acc = new BoundsAccumulator();
  for (const node of sceneRoots(doc)) {
    node.traverse((n) => addNodeBounds(acc, n));
  }
  const bounds = finishBounds(file, acc, stats);
  return { format: kind, stats, bounds, articulations: readArticulations(file, doc), references };
}

/** The nodes a viewer shows: the default scene, else the first, else every parentless node. */
function sceneRoots(doc: Document): Node[] {
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  if (scene) return scene.listChildren();
  return root.listNodes().filter((n) => !n.getParentNode());
}

/**
 * World-space bounds of the vertices a node's mesh actually draws. Done by hand over the
 * typed arrays (rather than getBounds, which reads element by element through indices) to
 * stay fast on million-triangle scans.
 */
function addNodeBounds(acc: BoundsAccumulator, node: Node): void {
  const mesh = node.getMesh();
  if (!mesh) return;
  const m = node.getWorldMatrix();
  mesh.listPrimitives().forEach((prim, p) => {
    const position = prim.getAttribute('POSITION');
    if (!position) return;
    const values = denormalized(position);
    const used = usedVertices(prim.getIndices(), position.getCount());
    const count = position.getCount();
    for (let i = 0; i < count; i++) {
      if (used && used[i] === 0) continue;
      const x = values[i * 3] as number;
      const y = values[i * 3 + 1] as number;
      const z = values[i * 3 + 2] as number;
      if (!addTransformed(acc, m, x, y, z)) acc.noteFirstNonFinite(`vertex ${i} of mesh "${mesh.getName() || '(unnamed)'}" primitive ${p}`);
    }
  });
}

function addTransformed(acc: BoundsAccumulator, m: mat4, x: number, y: number, z: number): boolean {
  const w = m[3] * x + m[7] * y + m[11] * z + m[15] || 1;
  return acc.add(
    (m[0] * x + m[4] * y + m[8] * z + m[12]) / w,
    (m[1] * x + m[5] * y + m[9] * z + m[13]) / w,
    (m[2] * x + m[6] * y + m[10] * z + m[14]) / w,
  );
}

/** Positions as floats: quantized files (KHR_mesh_quantization, meshopt) store normalized integers. */
function denormalized(accessor: Accessor): ArrayLike<number> {
  const array = accessor.getArray();
  if (!array) return [];
  if (!accessor.getNormalized() || array instanceof Float32Array) return array;
  const divisor =
    array instanceof Int8Array
      ? 127
      : array instanceof Uint8Array
        ? 255
        : array instanceof Int16Array
          ? 32767
          : array instanceof Uint16Array
            ? 65535
            : 1;
  const signed = array instanceof Int8Array || array instanceof Int16Array;
  const out = new Float32Array(array.length);
  for (let i = 0; i < array.length; i++) {
    const v = (array[i] as number) / divisor;
    out[i] = signed ? Math.max(v, -1) : v;
  }
  return out;
}

function usedVertices(indices: Accessor | null, count: number): Uint8Array | null {
  const array = indices?.getArray();
  if (!array) return null;
  const used = new Uint8Array(count);
  for (let i = 0; i < array.length; i++) {
    const v = array[i] as number;
    if (v < count) used[v] = 1;
  }
  return used;
}
