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
  const encode = async (what: string, output: string, args: string[]) => {
    const r = await runProcess(tools.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', input, ...args, path.join(takeDir, output)]);
    if (r.code !== 0) throw new Error(`${input}: ${what} failed (${stderrTail(r.stderr)})`);
  };
  await encode('poster frame', POSTER_FILE, [
    '-vf',
    `select=eq(n\\,${Math.floor(frames / 2)}),scale=240:-2`,
    '-frames:v',
    '1',
    '-q:v',
    '4',
  ]);
  await encode('animated preview', PREVIEW_FILE, ['-vf', 'scale=160:-2', '-c:v', 'libwebp_anim', '-loop', '0', '-quality', '60', '-an']);
  return { poster: POSTER_FILE, preview: PREVIEW_FILE };
}
