import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * A minimal PNG encoder for 8-bit frames: lossless (so a frame can be compared byte for byte
 * with what the renderer drew) and deterministic (same bytes in, same file out, with the same
 * zlib). Fully opaque frames are stored as RGB, others as RGBA, so decoding to RGBA gives back
 * exactly the input either way. Compression runs on libuv's thread pool, off the main thread.
 */

const deflate = promisify(zlib.deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOUR_RGB = 2;
const COLOUR_RGBA = 6;
const FILTER_NONE = 0;
const FILTER_UP = 2;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function isOpaque(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * Scanlines with PNG filter bytes: "Up" (difference to the row above) for every row but the
 * first, which suits rendered frames with large even areas; one fixed choice keeps output stable.
 */
function filteredScanlines(rgba: Uint8Array, width: number, height: number, channels: 3 | 4): Buffer {
  const stride = width * channels;
  const out = Buffer.alloc((stride + 1) * height);
  const row = Buffer.alloc(stride);
  const prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const src = y * width * 4;
    if (channels === 4) row.set(rgba.subarray(src, src + stride));
    else {
      for (let x = 0, s = src, d = 0; x < width; x++, s += 4, d += 3) {
        row[d] = rgba[s] as number;
        row[d + 1] = rgba[s + 1] as number;
        row[d + 2] = rgba[s + 2] as number;
      }
    }
    const at = y * (stride + 1);
    if (y === 0) {
      out[at] = FILTER_NONE;
      row.copy(out, at + 1);
    } else {
      out[at] = FILTER_UP;
      for (let i = 0; i < stride; i++) out[at + 1 + i] = ((row[i] as number) - (prev[i] as number)) & 0xff;
    }
    row.copy(prev);
  }
  return out;
}

/** PNG file bytes for an RGBA frame of width x height pixels (rgba.length must be width * height * 4). */
export async function encodePng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`a ${width}x${height} RGBA frame has ${width * height * 4} bytes, not ${rgba.length}`);
  }
  const channels = isOpaque(rgba) ? 3 : 4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 3 ? COLOUR_RGB : COLOUR_RGBA;
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const idat = await deflate(filteredScanlines(rgba, width, height, channels), { level: 6 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
