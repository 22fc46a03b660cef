import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { encodeGlbJsonChunk, GLB_HEADER_BYTES, GLB_MAGIC, parseGlbJson, parseGlbLayout } from './formats/glb-container';
import { formatMtlMapLine, parseMtlMapLine } from './formats/mtl';

/**
 * Writers for the copy of a file whose references must change because a companion moved
 * (it lived outside the scene's folder and now sits beside it). Each takes `rename`, which
 * maps a reference as written to its new spelling, or returns null to leave it as it is.
 * The source file is only ever read.
 */
export type Rename = (uri: string) => string | null;

interface GltfLike {
  buffers?: { uri?: unknown }[];
  images?: { uri?: unknown }[];
}

/** glTF JSON: rewrite buffers[i].uri and images[i].uri; the JSON is re-serialised. */
export async function writeGltfCopy(
  src: string,
  dest: string,
  renameBuffer: (index: number) => string | null,
  renameImage: (index: number) => string | null,
): Promise<void> {
  const json = JSON.parse((await fs.readFile(src, 'utf8')).replace(/^\uFEFF/, '')) as GltfLike;
  applyGltfRenames(json, renameBuffer, renameImage);
  await fs.writeFile(dest, `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * GLB: rebuild the header and JSON chunk and stream the rest (the BIN chunk and anything
 * after it) unchanged, so a large GLB is never held in memory.
 */
export async function writeGlbCopy(
  src: string,
  dest: string,
  renameBuffer: (index: number) => string | null,
  renameImage: (index: number) => string | null,
): Promise<void> {
  const size = (await fs.stat(src)).size;
  const handle = await fs.open(src, 'r');
  let head: Buffer;
  let jsonChunk: Buffer;
  let restStart: number;
  let restEnd: number;
  try {
    const prefix = Buffer.alloc(20);
    await handle.read(prefix, 0, 20, 0);
    const layout = parseGlbLayout(src, prefix, size);
    const whole = Buffer.alloc(layout.jsonOffset + layout.jsonLength);
    await handle.read(whole, 0, whole.length, 0);
    const json = parseGlbJson(src, whole, layout) as GltfLike;
    applyGltfRenames(json, renameBuffer, renameImage);
    jsonChunk = encodeGlbJsonChunk(json);
    restStart = layout.jsonOffset + layout.jsonLength;
    restEnd = layout.length;
    head = Buffer.alloc(GLB_HEADER_BYTES);
    head.writeUInt32LE(GLB_MAGIC, 0);
    head.writeUInt32LE(2, 4);
    head.writeUInt32LE(GLB_HEADER_BYTES + jsonChunk.length + (restEnd - restStart), 8);
  } finally {
    await handle.close();
  }
  await fs.writeFile(dest, Buffer.concat([head, jsonChunk]));
  if (restEnd > restStart) {
    await pipeline(createReadStream(src, { start: restStart, end: restEnd - 1 }), createWriteStream(dest, { flags: 'a' }));
  }
}

function applyGltfRenames(
  json: GltfLike,
  renameBuffer: (index: number) => string | null,
  renameImage: (index: number) => string | null,
): void {
  json.buffers?.forEach((b, i) => {
    const uri = renameBuffer(i);
    if (uri !== null) b.uri = uri;
  });
  json.images?.forEach((img, i) => {
    const uri = renameImage(i);
    if (uri !== null) img.uri = uri;
  });
}

/**
 * OBJ: only `mtllib` lines change. The file is streamed line block by line block and every
 * other byte is passed through untouched, so multi-gigabyte scans copy in constant memory.
 */
export async function writeObjCopy(src: string, dest: string, renameMtllib: (spec: string) => string | null): Promise<void> {
  const rewriteBlock = (block: Buffer): Buffer => {
    if (block.indexOf('mtllib') === -1) return block;
    const parts: Buffer[] = [];
    let from = 0;
    while (from < block.length) {
      const nl = block.indexOf(10, from);
      const end = nl === -1 ? block.length : nl + 1;
      const line = block.subarray(from, end);
      const text = line.toString('utf8');
      const match = /^(\s*mtllib\s+)(.*?)(\s*)$/.exec(text);
      const renamed = match ? renameMtllib(match[2] as string) : null;
      parts.push(match && renamed !== null ? Buffer.from(`${match[1]}${renamed}${match[3]}`, 'utf8') : line);
      from = end;
    }
    return Buffer.concat(parts);
  };
  await pipeline(
    createReadStream(src),
    async function* (source: AsyncIterable<Buffer>) {
      let carry: Buffer = Buffer.alloc(0);
      for await (const chunk of source) {
        const buf: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const lastNl = buf.lastIndexOf(10);
        if (lastNl === -1) {
          carry = buf;
          continue;
        }
        yield rewriteBlock(buf.subarray(0, lastNl + 1));
        carry = Buffer.from(buf.subarray(lastNl + 1));
      }
      if (carry.length > 0) yield rewriteBlock(carry);
    },
    createWriteStream(dest),
  );
}

/** MTL: texture statements keep their options; only the file name changes. Material libraries are small. */
export async function writeMtlCopy(src: string, dest: string, renameMap: Rename): Promise<void> {
  const text = await fs.readFile(src, 'utf8');
  const out = text
    .split(/(\r?\n)/)
    .map((piece) => {
      const statement = parseMtlMapLine(piece);
      const renamed = statement ? renameMap(statement.path) : null;
      return statement && renamed !== null ? formatMtlMapLine(statement, renamed) : piece;
    })
    .join('');
  await fs.writeFile(dest, out);
}
