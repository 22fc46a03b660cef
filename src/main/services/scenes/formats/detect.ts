import { promises as fs } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { unsupported } from '../scene-errors';

/** Container kinds told apart by content; PLY is split into mesh/points/gaussians by its header later. */
export type DetectedKind = 'glb' | 'gltf' | 'obj' | 'ply' | 'splat' | 'spz';

const SNIFF_BYTES = 64 * 1024;
export const SPZ_MAGIC = 0x5053474e; // 'NGSP' little-endian

/** Keywords a line of an OBJ file may start with; the first meaningful line must be one of them. */
const OBJ_KEYWORDS = new Set([
  'v',
  'vt',
  'vn',
  'vp',
  'f',
  'p',
  'l',
  'o',
  'g',
  's',
  'mtllib',
  'usemtl',
  'cstype',
  'deg',
  'curv',
  'curv2',
  'surf',
  'call',
  'csh',
  'mg',
  'usemap',
  'maplib',
  'lod',
  'shadow_obj',
  'trace_obj',
  'bevel',
  'c_interp',
  'd_interp',
]);

/** Formats people will try, named so the refusal says what the file is. */
const KNOWN_UNSUPPORTED: { magic: string; name: string }[] = [
  { magic: 'Kaydara FBX Binary', name: 'binary FBX; export the scan as glTF/GLB or OBJ instead' },
  { magic: '; FBX', name: 'ASCII FBX; export the scan as glTF/GLB or OBJ instead' },
  { magic: 'PK\u0003\u0004', name: 'a ZIP archive (USDZ, .sog or zipped scan); unpack it or export as glTF/GLB' },
  { magic: 'LASF', name: 'a LAS point cloud; convert it to PLY' },
  { magic: '#usda', name: 'USD; export as glTF/GLB' },
];

/**
 * Decide what a file is from its first bytes, falling back to the extension only for .splat,
 * which has no magic number. Throws BAD_INPUT naming the supported formats otherwise.
 */
export async function detectSceneKind(file: string, size: number): Promise<DetectedKind> {
  const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
  const handle = await fs.open(file, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const ext = path.extname(file).toLowerCase();
  const ascii = head.subarray(0, 32).toString('latin1');

  if (ascii.startsWith('glTF')) return 'glb';
  if (/^ply\r?\n/.test(ascii)) return 'ply';
  if (head[0] === 0x1f && head[1] === 0x8b) {
    if (gunzipHead(head).readUInt32LE(0) === SPZ_MAGIC) return 'spz';
    throw unsupported(file, 'gzip-compressed data that is not a .spz Gaussian splat file');
  }
  for (const known of KNOWN_UNSUPPORTED) {
    if (ascii.startsWith(known.magic)) throw unsupported(file, known.name);
  }
  const text = head.includes(0) ? null : head.toString('utf8').replace(/^\uFEFF/, '');
  if (text?.trimStart().startsWith('{')) return 'gltf';
  if (ext === '.splat') return 'splat';
  if (text !== null && looksLikeObj(text)) return 'obj';
  if (ext === '.glb') throw unsupported(file, "named .glb but it does not start with the glTF magic 'glTF'");
  if (ext === '.gltf') throw unsupported(file, 'named .gltf but it is not JSON');
  if (ext === '.spz') throw unsupported(file, 'named .spz but it is not gzip-compressed');
  if (ext === '.ply') throw unsupported(file, "named .ply but it does not start with 'ply'");
  if (ext === '.obj') throw unsupported(file, 'named .obj but it is not an OBJ text file');
  throw unsupported(file, ext ? `unrecognised content in a ${ext} file` : 'unrecognised content');
}

/** The first meaningful line starts with an OBJ keyword: enough to tell OBJ from other text. */
function looksLikeObj(text: string): boolean {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return OBJ_KEYWORDS.has(line.split(/\s+/, 1)[0] as string);
  }
  return false;
}

/** Decompress as much of a gzip prefix as the sniffed bytes allow; a partial stream is fine here. */
function gunzipHead(head: Buffer): Buffer {
  try {
    const out = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return out.length >= 4 ? out : Buffer.alloc(4);
  } catch {
    return Buffer.alloc(4);
  }
}
