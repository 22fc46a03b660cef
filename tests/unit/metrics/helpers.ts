import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The synthetic frames of tools/reference/make_metric_fixtures.py, reproduced bit for bit
 * (integer arithmetic only), as RGBA frames like ffmpeg's decoder gives them (alpha 255).
 */

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SAMPLES = path.resolve(ROOT, '../shared/dwm-samples/realworld');
export const SKIP_MESSAGE = 'SKIPPED reference samples: ../shared/dwm-samples not found';

export async function samplesPresent(): Promise<boolean> {
  return fs.stat(SAMPLES).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function tempDir(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `dwm-metrics-${name}-`));
}

/** lowbias32, as hash32 in the Python script. */
function hash32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

export interface SyntheticSize {
  width: number;
  height: number;
  frames: number;
}

function noise(seed: number, size: SyntheticSize, t: number, y: number, x: number, c: number): number {
  const index = ((t * size.height + y) * size.width + x) * 3 + c;
  // (seed * 0x9E3779B9 + index) mod 2^32, exact in doubles for these sizes.
  const key = (Math.imul(seed, 0x9e3779b9) >>> 0) + index;
  return hash32(key % 2 ** 32) & 255;
}

const clamp = (v: number) => Math.max(0, Math.min(255, v));

/** Triangle-wave ramps, a disk moving 4 px a frame, and +-16 of hashed noise. */
export function referenceFrames(size: SyntheticSize): Uint8Array[] {
  const { width: w, height: h } = size;
  const out: Uint8Array[] = [];
  for (let t = 0; t < size.frames; t++) {
    const f = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          const ramp = (x * 5 + y * 3 + t * 7 + c * 50) & 255;
          let v = ramp < 128 ? ramp * 2 : (255 - ramp) * 2;
          if ((x - (20 + 4 * t)) ** 2 + (y - 22) ** 2 <= 100) v = 230 - 70 * c;
          v += (noise(1, size, t, y, x, c) & 31) - 16;
          f[(y * w + x) * 4 + c] = clamp(v);
        }
        f[(y * w + x) * 4 + 3] = 255;
      }
    }
    out.push(f);
  }
  return out;
}

/** One distortion per frame: noise, a brightened rectangle, a 2 px shift, none, inversion, posterisation. */
export function predictionFrames(ref: Uint8Array[], size: SyntheticSize): Uint8Array[] {
  const { width: w, height: h } = size;
  return ref.map((a, t) => {
    const f = new Uint8Array(a.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * w + x) * 4 + c;
          const v = a[i] as number;
          let out: number;
          if (t === 0) out = v + (noise(2, size, 0, y, x, c) % 41) - 20;
          else if (t === 1) out = v + (y >= 8 && y < 25 && x >= 10 && x < 30 ? 60 : 0);
          else if (t === 2) out = a[(y * w + Math.max(x - 2, 0)) * 4 + c] as number;
          else if (t === 3) out = v;
          else if (t === 4) out = 255 - v;
          else out = ((v >> 4) << 4) + 8;
          f[i] = clamp(out);
        }
        f[(y * w + x) * 4 + 3] = 255;
      }
    }
    return f;
  });
}

/** SHA-256 of the RGB bytes of all frames (alpha dropped), as the Python script digests its HxWx3 arrays. */
export function rgbDigest(frames: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const f of frames) {
    const rgb = new Uint8Array((f.length / 4) * 3);
    for (let p = 0, i = 0; i < f.length; p += 3, i += 4) {
      rgb[p] = f[i] as number;
      rgb[p + 1] = f[i + 1] as number;
      rgb[p + 2] = f[i + 2] as number;
    }
    hash.update(rgb);
  }
  return hash.digest('hex');
}

/** A solid RGBA frame. */
export function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const f = new Uint8Array(width * height * 4);
  for (let i = 0; i < f.length; i += 4) {
    f[i] = rgb[0];
    f[i + 1] = rgb[1];
    f[i + 2] = rgb[2];
    f[i + 3] = 255;
  }
  return f;
}
