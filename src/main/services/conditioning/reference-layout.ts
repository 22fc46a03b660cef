import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../shared/conditioning/spec';
import { copyWritable } from '../fs/copy-writable';
import { type FfmpegTools, findFfmpeg, probeVideo, type VideoProbe } from './ffmpeg';
import { fsyncDir, fsyncFile } from './fs-sync';
import { ioError } from './io-errors';

/**
 * The sample layout of the DWM reference implementation (snuvclab/dwm), as its data loaders read it:
 *
 *   <root>/videos/<id>.mp4            ground-truth interaction video (optional: absent for new shots)
 *   <root>/videos_static/<id>.mp4     static scene along the camera path
 *   <root>/videos_hands/<id>.mp4      hand meshes along the same path
 *   <root>/prompts_rewrite/<id>.txt   caption (the loaders' default prompt folder)
 *   <root>/prompts/<id>.txt           original caption, read when there is no rewrite
 */

export const REFERENCE_FOLDERS = {
  groundTruth: 'videos',
  static: 'videos_static',
  hands: 'videos_hands',
  /** In order of preference. */
  prompts: ['prompts_rewrite', 'prompts'],
} as const;

export type PromptFolder = (typeof REFERENCE_FOLDERS.prompts)[number];

export interface ReferenceSample {
  id: string;
  /** Absolute paths; null when the file is missing (then `problems` says so). */
  staticVideo: string | null;
  handsVideo: string | null;
  groundTruth?: string;
  prompt: string | null;
  promptFile: string | null;
  /** What ffprobe found, per video present and readable. */
  probes: { static?: VideoProbe; hands?: VideoProbe; groundTruth?: VideoProbe };
  /** Empty when the sample can be used as it is; otherwise one sentence per problem, naming the file. */
  problems: string[];
}

export interface ScanOptions {
  /** What the videos must match (frames, size, fps); the default model's until a bundle says otherwise. */
  spec?: ConditioningSpec;
  tools?: FfmpegTools;
}

/** Stems of the files with this extension in a folder; an absent folder has none. */
async function stems(dir: string, ext: string): Promise<Set<string>> {
  const names = await fs.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw ioError(dir, 'reading the folder', err);
  });
  const out = new Set<string>();
  for (const e of names)
    if ((e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && e.name.endsWith(ext)) out.add(e.name.slice(0, -ext.length));
  return out;
}

/** Run at most `limit` tasks at once: each probe decodes a whole video, and a dataset can hold thousands. */
async function inPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Problems of one video against the spec, in the words a user needs ('videos_hands/00017.mp4 has 48 frames; ...'). */
function videoProblems(rel: string, p: VideoProbe, spec: ConditioningSpec): string[] {
  const out: string[] = [];
  if (p.frames !== spec.frames) out.push(`${rel} has ${p.frames} frames; the model expects ${spec.frames}`);
  if (p.width !== spec.width || p.height !== spec.height) {
    out.push(`${rel} is ${p.width}x${p.height}; the model expects ${spec.width}x${spec.height}`);
  }
  if (Math.abs(p.fps - spec.fps) > 1e-3) out.push(`${rel} plays at ${+p.fps.toFixed(3)} fps; the model expects ${spec.fps}`);
  return out;
}

/**
 * Every sample id found in any of the layout's folders, with its files, prompt and problems.
 * Samples that lack a static or hands video or a prompt are listed with the problem, never dropped.
 */
export async function scanReferenceLayout(dir: string, opts: ScanOptions = {}): Promise<ReferenceSample[]> {
  const root = path.resolve(dir);
  const spec = opts.spec ?? DEFAULT_CONDITIONING_SPEC;
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new ApiError('NOT_FOUND', `${root}: no such folder`, { file: root });
  const F = REFERENCE_FOLDERS;
  const [gt, st, ha, ...prompts] = await Promise.all([
    stems(path.join(root, F.groundTruth), '.mp4'),
    stems(path.join(root, F.static), '.mp4'),
    stems(path.join(root, F.hands), '.mp4'),
    ...F.prompts.map((p) => stems(path.join(root, p), '.txt')),
  ]);
  const folders = await Promise.all([F.groundTruth, F.static, F.hands].map((f) => fs.stat(path.join(root, f)).catch(() => null)));
  if (!folders.some((s) => s?.isDirectory())) {
    throw new ApiError('BAD_INPUT', `${root} is not a DWM sample folder: it has none of ${F.static}/, ${F.hands}/, ${F.groundTruth}/`, {
      file: root,
    });
  }
  const ids = new Set<string>([...gt, ...st, ...ha, ...prompts.flatMap((s) => [...s])]);
  const sorted = [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const tools = opts.tools ?? (await findFfmpeg());

  const samples = await Promise.all(
    sorted.map(async (id): Promise<ReferenceSample> => {
      const sample: ReferenceSample = { id, staticVideo: null, handsVideo: null, prompt: null, promptFile: null, probes: {}, problems: [] };
      const video = (folder: string) => path.join(root, folder, `${id}.mp4`);
      if (st.has(id)) sample.staticVideo = video(F.static);
      else sample.problems.push(`${F.static}/${id}.mp4 is missing: every sample needs the static-scene video`);
      if (ha.has(id)) sample.handsVideo = video(F.hands);
      else sample.problems.push(`${F.hands}/${id}.mp4 is missing: every sample needs the hand video`);
      if (gt.has(id)) sample.groundTruth = video(F.groundTruth);
      const promptIndex = prompts.findIndex((s) => s.has(id));
      const promptFolder = F.prompts[promptIndex];
      if (promptFolder === undefined) {
        sample.problems.push(`no prompt: neither ${F.prompts.map((p) => `${p}/${id}.txt`).join(' nor ')} exists`);
      } else {
        sample.promptFile = path.join(root, promptFolder, `${id}.txt`);
        try {
          sample.prompt = (await fs.readFile(sample.promptFile, 'utf8')).trim();
          if (sample.prompt === '') sample.problems.push(`${promptFolder}/${id}.txt is empty`);
        } catch (err) {
          sample.problems.push(ioError(`${promptFolder}/${id}.txt`, 'reading the prompt', err).message);
        }
      }
      return sample;
    }),
  );

  // Probe every video (a few at a time) and check it against the spec.
  const roles = [
    ['static', F.static, 'staticVideo'],
    ['hands', F.hands, 'handsVideo'],
    ['groundTruth', F.groundTruth, 'groundTruth'],
  ] as const;
  const tasks = samples.flatMap((s) =>
    roles.flatMap(([role, folder, key]) => {
      const file = s[key];
      if (!file) return [];
      const rel = `${folder}/${s.id}.mp4`;
      return [
        async () => {
          try {
            const probe = await probeVideo(file, tools);
            s.probes[role] = probe;
            return { s, problems: videoProblems(rel, probe, spec) };
          } catch (err) {
            const reason = err instanceof Error ? err.message.replaceAll(file, rel) : String(err);
            return { s, problems: [reason.startsWith(rel) ? reason : `${rel}: ${reason}`] };
          }
        },
      ];
    }),
  );
  for (const { s, problems } of await inPool(tasks, 4)) s.problems.push(...problems);
  return samples;
}

export interface ExportableSample {
  id: string;
  staticVideo: string | null;
  handsVideo: string | null;
  groundTruth?: string;
  prompt: string | null;
}

export interface ExportOptions {
  /** Where the captions go; default prompts_rewrite, the folder the reference loaders read by default. */
  promptFolder?: PromptFolder;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkExportable(samples: readonly ExportableSample[]): void {
  const seen = new Set<string>();
  for (const s of samples) {
    if (!SAFE_ID.test(s.id) || s.id.includes('..'))
      throw new ApiError('BAD_INPUT', `sample id ${JSON.stringify(s.id)} cannot name a file`, { field: 'id' });
    if (seen.has(s.id)) throw new ApiError('BAD_INPUT', `sample id ${s.id} appears twice`, { field: 'id' });
    seen.add(s.id);
    if (!s.staticVideo || !s.handsVideo)
      throw new ApiError('BAD_INPUT', `sample ${s.id} lacks its ${s.staticVideo ? 'hand' : 'static-scene'} video`, { field: 'id' });
    if (!s.prompt?.trim()) throw new ApiError('BAD_INPUT', `sample ${s.id} has no prompt`, { field: 'prompt' });
  }
}

async function copyInto(source: string, target: string): Promise<void> {
  try {
    await copyWritable(source, target);
    await fsyncFile(target);
  } catch (err) {
    throw ioError(target, `copying ${source}`, err);
  }
}

/**
 * Write samples in the reference layout under outDir, all or nothing: everything goes into a
 * hidden temporary folder beside outDir, which is renamed to outDir when complete. outDir must
 * not exist yet or be empty.
 */
export async function exportReferenceLayout(
  samples: readonly ExportableSample[],
  outDir: string,
  opts: ExportOptions = {},
): Promise<{ dir: string; ids: string[] }> {
  checkExportable(samples);
  const dir = path.resolve(outDir);
  const existing = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code === 'ENOTDIR') throw new ApiError('BAD_INPUT', `${dir} is a file, not a folder`, { file: dir });
    throw ioError(dir, 'reading the folder', err);
  });
  if (existing && existing.length > 0)
    throw new ApiError('ALREADY_EXISTS', `${dir} is not empty; choose a new or empty folder`, { file: dir });
  const parent = path.dirname(dir);
  const temp = path.join(parent, `.${path.basename(dir)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  const F = REFERENCE_FOLDERS;
  const promptFolder = opts.promptFolder ?? 'prompts_rewrite';
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(temp);
    const needGt = samples.some((s) => s.groundTruth);
    for (const sub of [F.static, F.hands, promptFolder, ...(needGt ? [F.groundTruth] : [])]) await fs.mkdir(path.join(temp, sub));
    for (const s of samples) {
      await copyInto(s.staticVideo as string, path.join(temp, F.static, `${s.id}.mp4`));
      await copyInto(s.handsVideo as string, path.join(temp, F.hands, `${s.id}.mp4`));
      if (s.groundTruth) await copyInto(s.groundTruth, path.join(temp, F.groundTruth, `${s.id}.mp4`));
      const promptFile = path.join(temp, promptFolder, `${s.id}.txt`);
      // No trailing newline, like the reference samples; readers strip whitespace anyway.
      await fs.writeFile(promptFile, (s.prompt as string).trim(), 'utf8');
      await fsyncFile(promptFile);
    }
    for (const sub of await fs.readdir(temp)) await fsyncDir(path.join(temp, sub));
    if (existing) await fs.rmdir(dir);
    await fs.rename(temp, dir);
    await fsyncDir(parent);
  } catch (err) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => {});
    throw ioError(dir, 'exporting the samples', err);
  }
  return { dir, ids: samples.map((s) => s.id) };
}
