import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { ApiError } from '../../../../shared/api/errors';
import { BoundsAccumulator, finishBounds } from '../bounds-accumulator';
import { badInput, truncated, unsupported } from '../scene-errors';
import { emptyStats, type FormatResult } from '../scene-types';
import { SPZ_MAGIC } from './detect';

/**
 * The 16-byte header, read the way Spark's own decoder (rust/spark-lib/src/spz.rs) reads
 * it: u32 magic, u32 version, u32 splat count, then u8 SH degree, u8 fractional bits,
 * u8 flags, u8 reserved; all little-endian.
 */
export interface SpzHeader {
  version: number;
  numSplats: number;
  shDegree: number;
  fractionalBits: number;
  flags: number;
}

const HEADER_BYTES = 16;
/** Flag bit Spark sets when the file carries its LoD tree (child counts and starts after the SH). */
const FLAG_LOD_TREE = 0x80;
const SH_COEFFS_PER_DEGREE = [0, 3, 8, 15];

export function parseSpzHeader(file: string, header: Buffer): SpzHeader {
  if (header.readUInt32LE(0) !== SPZ_MAGIC) throw unsupported(file, "gzip data without the .spz magic 'NGSP'");
  const h: SpzHeader = {
    version: header.readUInt32LE(4),
    numSplats: header.readUInt32LE(8),
    shDegree: header.readUInt8(12),
    fractionalBits: header.readUInt8(13),
    flags: header.readUInt8(14),
  };
  // Version 1 (float16 positions) predates every published writer; the brief for this importer accepts 2 and 3.
  if (h.version !== 2 && h.version !== 3) throw unsupported(file, `.spz version ${h.version}; versions 2 and 3 are supported`);
  if (h.shDegree > 3) throw badInput(file, `.spz header gives spherical-harmonics degree ${h.shDegree}; at most 3 is valid`);
  // Spark's writer clamps to 24; more would shift every position out of the 24-bit range.
  if (h.fractionalBits > 24) throw badInput(file, `.spz header gives ${h.fractionalBits} fractional bits; at most 24 is valid`);
  return h;
}

/** Bytes after the header, section by section, as Spark's decoder consumes them. */
export function spzBodyBytes(h: SpzHeader): number {
  const perSplat =
    9 + 1 + 3 + 3 + (h.version === 3 ? 4 : 3) + (SH_COEFFS_PER_DEGREE[h.shDegree] ?? 0) * 3 + (h.flags & FLAG_LOD_TREE ? 6 : 0);
  return h.numSplats * perSplat;
}

/**
 * Stream-decompress the file: the header, then the 24-bit fixed-point centres (the first
 * section) for the bounds; the rest is only counted, to catch a stream that ends early.
 */
export async function analyzeSpz(file: string): Promise<FormatResult> {
  const acc = new BoundsAccumulator();
  let header: SpzHeader | null = null;
  let headBytes = Buffer.alloc(0);
  let total = 0;
  let centreBytesLeft = 0;
  let carry = Buffer.alloc(0);
  let scale = 1;

  const consume = (chunk: Buffer): void => {
    total += chunk.length;
    let data = chunk;
    if (header === null) {
      headBytes = Buffer.concat([headBytes, data]);
      if (headBytes.length < HEADER_BYTES) return;
      header = parseSpzHeader(file, headBytes);
      centreBytesLeft = header.numSplats * 9;
      scale = 1 / 2 ** header.fractionalBits;
      data = headBytes.subarray(HEADER_BYTES);
    }
    if (centreBytesLeft === 0) return;
    const take = data.subarray(0, Math.min(centreBytesLeft, data.length));
    centreBytesLeft -= take.length;
    const bytes = carry.length > 0 ? Buffer.concat([carry, take]) : take;
    const whole = bytes.length - (bytes.length % 9);
    for (let at = 0; at < whole; at += 9) {
      // readIntLE(…, 3) sign-extends the 24-bit value, as Spark's read_i24_le does.
      acc.add(bytes.readIntLE(at, 3) * scale, bytes.readIntLE(at + 3, 3) * scale, bytes.readIntLE(at + 6, 3) * scale);
    }
    carry = Buffer.from(bytes.subarray(whole));
  };

  // A refusal from our own parsing is kept aside: pipeline would report it as an abort.
  let refusal: unknown = null;
  try {
    await pipeline(createReadStream(file), zlib.createGunzip(), async (source: AsyncIterable<Buffer>) => {
      try {
        for await (const chunk of source) consume(chunk);
      } catch (err) {
        // Only our own refusals; a zlib error seen while iterating is classified below like any other.
        if (err instanceof ApiError) refusal = err;
        throw err;
      }
    });
  } catch (err) {
    if (refusal !== null) throw refusal;
    if ((err as { code?: string }).code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message)) {
      throw truncated(file, 'the gzip stream ends early');
    }
    if ((err as { code?: string }).code?.startsWith('Z_')) throw badInput(file, `the gzip stream is corrupt (${(err as Error).message})`);
    throw err;
  }
  const h = header as SpzHeader | null;
  if (h === null) throw truncated(file, `only ${total} bytes after decompression; the .spz header alone is ${HEADER_BYTES}`);
  const expected = HEADER_BYTES + spzBodyBytes(h);
  if (total < expected) {
    throw truncated(file, `the header declares ${h.numSplats} splats (${expected} bytes decompressed) but the data ends after ${total}`);
  }
  const stats = { ...emptyStats(), splats: h.numSplats };
  const bounds = finishBounds(file, acc, stats);
  return { format: 'spz', stats, bounds, articulations: [], references: [] };
}
