import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WIDTH = 720;
export const HEIGHT = 480;
export const FRAMES = 49;
export const SQUARE = 64;

/** The reference samples beside the repository (../shared); read in place, never copied into the repo. */
export const SAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/dwm-samples/realworld');

export async function samplesPresent(): Promise<boolean> {
  return fs.stat(SAMPLES_DIR).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `dwm-cond-${prefix}-`));
}

/** Where frame i's square sits: it moves right and down by an even step, so it stays on 2x2 chroma blocks. */
export function squareAt(i: number): { x: number; y: number } {
  return { x: 40 + 12 * i, y: 60 + 4 * i };
}

/** Its colour changes a little per frame, so frame order is checked too. */
export function squareColour(i: number): [number, number, number] {
  return [200, 40 + 3 * i, 80];
}

/** Deterministic test frame: a coloured square on opaque black. */
export function squareFrame(i: number, width = WIDTH, height = HEIGHT): Uint8Array {
  const f = new Uint8Array(width * height * 4);
  for (let p = 3; p < f.length; p += 4) f[p] = 255;
  const { x: x0, y: y0 } = squareAt(i);
  const [r, g, b] = squareColour(i);
  for (let y = y0; y < Math.min(height, y0 + SQUARE); y++) {
    for (let x = x0; x < Math.min(width, x0 + SQUARE); x++) {
      const o = (y * width + x) * 4;
      f[o] = r;
      f[o + 1] = g;
      f[o + 2] = b;
    }
  }
  return f;
}

/** Run ffmpeg directly (not through the code under test) and return its stdout. */
export function ffmpegRaw(args: string[]): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', ...args], { maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return r.stdout;
}

/** Decode any image or video to raw RGBA bytes with ffmpeg. */
export function decodeRgba(file: string): Buffer {
  return ffmpegRaw(['-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
}

/** Copy a sample layout into a writable folder (the originals are read-only; so would be a plain copy). */
export async function copyLayout(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const e of await fs.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) await copyLayout(src, dst);
    else if (e.isFile()) {
      await fs.copyFile(src, dst);
      await fs.chmod(dst, 0o644);
    }
  }
}
