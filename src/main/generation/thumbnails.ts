import path from 'node:path';
import { findFfmpeg, runProcess, stderrTail } from '../services/conditioning/ffmpeg';

export const POSTER_FILE = 'poster.jpg';
export const PREVIEW_FILE = 'preview.webp';

/**
 * A take's bin thumbnails, made once when the take is done and kept in its folder: a poster
 * frame (the middle frame, 240 px wide) and a small looping animated preview for hover
 * (160 px, every frame, WebP). A shot with a hundred takes then shows a hundred small images
 * instead of decoding a hundred videos.
 */
export async function makeThumbnails(takeDir: string, video: string, frames: number): Promise<{ poster: string; preview: string }> {
  const tools = await findFfmpeg();
  const input = path.join(takeDir, video);
  const middle = Math.floor(frames / 2);
  const poster = await runProcess(tools.ffmpeg, [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-i',
    input,
    '-vf',
    `select=eq(n\\,${middle}),scale=240:-2`,
    '-frames:v',
    '1',
    '-q:v',
    '4',
    path.join(takeDir, POSTER_FILE),
  ]);
  if (poster.code !== 0) throw new Error(`${input}: poster frame failed (${stderrTail(poster.stderr)})`);
  const preview = await runProcess(tools.ffmpeg, [
    '-v',
    'error',
    '-nostdin',
    '-y',
    '-i',
    input,
    '-vf',
    'scale=160:-2',
    '-c:v',
    'libwebp_anim',
    '-loop',
    '0',
    '-quality',
    '60',
    '-an',
    path.join(takeDir, PREVIEW_FILE),
  ]);
  if (preview.code !== 0) throw new Error(`${input}: animated preview failed (${stderrTail(preview.stderr)})`);
  return { poster: POSTER_FILE, preview: PREVIEW_FILE };
}
