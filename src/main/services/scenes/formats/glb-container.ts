import { badInput, truncated, unsupported } from '../scene-errors';

/** GLB layout (glTF 2.0 §4.4): 12-byte header, then 8-byte-headed chunks, JSON first. */
export const GLB_MAGIC = 0x46546c67; // 'glTF'
export const CHUNK_JSON = 0x4e4f534a; // 'JSON'
export const CHUNK_BIN = 0x004e4942; // 'BIN\0'
export const GLB_HEADER_BYTES = 12;
export const CHUNK_HEADER_BYTES = 8;

export interface GlbLayout {
  /** Total length the header declares. */
  length: number;
  jsonOffset: number;
  jsonLength: number;
  /** The BIN chunk's data, when there is one. */
  binOffset: number | null;
  binLength: number;
}

/**
 * Check the header and chunk table against the real file size. `head` needs the first 20
 * bytes, or the whole file to check the BIN chunk too.
 */
export function parseGlbLayout(file: string, head: Uint8Array, fileSize: number): GlbLayout {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (fileSize < GLB_HEADER_BYTES + CHUNK_HEADER_BYTES || head.byteLength < GLB_HEADER_BYTES + CHUNK_HEADER_BYTES) {
    throw truncated(
      file,
      `${fileSize} bytes; a GLB needs at least ${GLB_HEADER_BYTES + CHUNK_HEADER_BYTES} for its header and JSON chunk header`,
    );
  }
  if (view.getUint32(0, true) !== GLB_MAGIC) throw unsupported(file, "no 'glTF' magic");
  const version = view.getUint32(4, true);
  if (version !== 2) throw unsupported(file, `GLB version ${version}; only glTF 2.0 is supported`);
  const length = view.getUint32(8, true);
  if (length > fileSize) throw truncated(file, `the GLB header declares ${length} bytes but the file has ${fileSize}`);
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== CHUNK_JSON) throw badInput(file, 'the first GLB chunk is not JSON');
  const jsonOffset = GLB_HEADER_BYTES + CHUNK_HEADER_BYTES;
  if (jsonOffset + jsonLength > length) {
    throw truncated(file, `the JSON chunk declares ${jsonLength} bytes, past the end of the ${length}-byte file`);
  }
  const layout: GlbLayout = { length, jsonOffset, jsonLength, binOffset: null, binLength: 0 };
  const binHeader = jsonOffset + jsonLength;
  if (binHeader + CHUNK_HEADER_BYTES <= length && head.byteLength >= binHeader + CHUNK_HEADER_BYTES) {
    const binLength = view.getUint32(binHeader, true);
    if (view.getUint32(binHeader + 4, true) === CHUNK_BIN) {
      if (binHeader + CHUNK_HEADER_BYTES + binLength > length) {
        throw truncated(file, `the BIN chunk declares ${binLength} bytes, past the end of the ${length}-byte file`);
      }
      layout.binOffset = binHeader + CHUNK_HEADER_BYTES;
      layout.binLength = binLength;
    }
  }
  return layout;
}

/** Parse the JSON chunk; GLB pads it with spaces, which JSON.parse ignores. */
export function parseGlbJson(file: string, bytes: Uint8Array, layout: GlbLayout): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + layout.jsonOffset, layout.jsonLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badInput(file, `the GLB JSON chunk is not valid JSON (${(err as Error).message})`);
  }
}

/** A GLB JSON chunk for `json`: UTF-8, padded with spaces to a multiple of 4 as the spec requires. */
export function encodeGlbJsonChunk(json: unknown): Buffer {
  const text = Buffer.from(JSON.stringify(json), 'utf8');
  const padded = Buffer.alloc(Math.ceil(text.length / 4) * 4, 0x20);
  text.copy(padded);
  const header = Buffer.alloc(CHUNK_HEADER_BYTES);
  header.writeUInt32LE(padded.length, 0);
  header.writeUInt32LE(CHUNK_JSON, 4);
  return Buffer.concat([header, padded]);
}
