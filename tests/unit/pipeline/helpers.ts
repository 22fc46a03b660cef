import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle, type ModelBundle } from '../../../src/main/models/bundle';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The tiny random-weight bundle made by tools/bundles/make_tiny_bundle.py (64x48, 9 frames). */
export const TINY_BUNDLE = path.resolve(here, '../../fixtures/bundles/tiny-random');
/** The bundled overlay baseline (720x480, 49 frames). */
export const BASELINE_BUNDLE = path.resolve(here, '../../../resources/models/dwm-baseline-overlay');

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `dwm-pipe-${prefix}-`));
}

export async function bundleAt(dir: string): Promise<ModelBundle> {
  const load = await loadBundle(dir);
  if (!load.ok) throw new Error(load.invalid.problem);
  return load.bundle;
}

/** A writable copy of a bundle, for breaking it in a test. */
export async function copyBundle(from: string, to: string): Promise<string> {
  await fs.cp(from, to, { recursive: true });
  return to;
}

/**
 * Conditioning videos made with ffmpeg directly (not the code under test): a moving test
 * pattern as the static video, and a green square moving on black as the hand video.
 */
export function makeConditioning(
  dir: string,
  spec: { width: number; height: number; frames: number; fps: number },
  names = { static: 'static.mp4', hands: 'hands.mp4' },
): { staticVideo: string; handsVideo: string } {
  const size = `${spec.width}x${spec.height}`;
  const staticVideo = path.join(dir, names.static);
  const handsVideo = path.join(dir, names.hands);
  const common = ['-frames:v', String(spec.frames), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '12'];
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${spec.fps}`, ...common, staticVideo]);
  const box = Math.max(8, Math.round(spec.width / 5));
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=black:size=${size}:rate=${spec.fps}`,
    '-vf',
    `drawbox=x=t*${spec.fps * Math.max(1, Math.floor((spec.width - box) / spec.frames))}:y=${Math.round(spec.height / 3)}:w=${box}:h=${box}:color=0x96EB96:t=fill`,
    ...common,
    handsVideo,
  ]);
  return { staticVideo, handsVideo };
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr?.toString()}`);
}

/** ffprobe, run directly: frames (decoded), size, rate. */
export function probe(file: string): { frames: number; width: number; height: number; fps: number; codec: string } {
  const r = spawnSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames,width,height,r_frame_rate,codec_name',
    '-of',
    'json',
    file,
  ]);
  if (r.status !== 0) throw new Error(`ffprobe ${file} failed: ${r.stderr?.toString()}`);
  const s = JSON.parse(r.stdout.toString()).streams[0];
  const [num, den] = String(s.r_frame_rate).split('/').map(Number);
  return { frames: Number(s.nb_read_frames), width: s.width, height: s.height, fps: (num ?? 0) / (den ?? 1), codec: s.codec_name };
}
