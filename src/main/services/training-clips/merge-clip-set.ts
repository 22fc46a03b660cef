import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { ClipIndex } from '../../../shared/synth/clip-meta';
import { writeFileAtomic } from '../fs/atomic-write';
import { CLIP_VIDEOS } from './clip-set-writer';

const CLIP_FILES = [...CLIP_VIDEOS.map((d) => [d, '.mp4'] as const), ['prompts_rewrite', '.txt'], ['meta', '.json']] as const;

async function readIndex(file: string): Promise<ClipIndex | null> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return null;
  const parsed = ClipIndex.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ApiError('BAD_INPUT', `${file} is not a clip set index: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * Add a finished set's clips to another set folder (created when missing), so runs over
 * different room seeds accumulate in one training set. Each clip's files are copied under a
 * temporary name and renamed, and clips.json is rewritten last (atomically), so a reader
 * never sees a listed clip without its files. A clip of the same name is replaced. Sets at
 * different sizes, lengths or colours cannot be mixed.
 */
export async function mergeClipSet(source: string, out: string): Promise<{ added: number; total: number }> {
  const from = await readIndex(path.join(source, 'clips.json'));
  if (!from) throw new ApiError('NOT_FOUND', `${source} has no clips.json`);
  const into = await readIndex(path.join(out, 'clips.json'));
  if (into && JSON.stringify(into.spec) !== JSON.stringify(from.spec)) {
    throw new ApiError(
      'BAD_INPUT',
      `${out} holds clips made at another spec (${into.spec.width}x${into.spec.height}, ${into.spec.frames} frames at ${into.spec.fps} fps); use another --out`,
    );
  }
  for (const { clip } of from.clips) {
    for (const [dir, ext] of CLIP_FILES) {
      const target = path.join(out, dir, clip + ext);
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.merging`;
      await fs.copyFile(path.join(source, dir, clip + ext), temp);
      await fs.rename(temp, target);
    }
  }
  const names = new Set(from.clips.map((c) => c.clip));
  const clips = [...(into?.clips ?? []).filter((c) => !names.has(c.clip)), ...from.clips].sort((a, b) => a.clip.localeCompare(b.clip));
  const index: ClipIndex = { version: 1, spec: from.spec, clips };
  await writeFileAtomic(path.join(out, 'clips.json'), `${JSON.stringify(index, null, 2)}\n`);
  return { added: from.clips.length, total: clips.length };
}
