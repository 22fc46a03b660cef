import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SampleId, type Shot, ShotConditioning } from '../../../shared/animation/schema';
import { ApiError } from '../../../shared/api/errors';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../shared/conditioning/spec';
import type { ProjectDocument } from '../../../shared/project/schema';
import { createShot, randomKeyId } from '../../../shared/shot/create-shot';
import type { FfmpegTools } from './ffmpeg';
import { fsyncDir, fsyncFile } from './fs-sync';
import { ioError } from './io-errors';
import { type ReferenceSample, scanReferenceLayout } from './reference-layout';

/**
 * Import samples of the DWM reference layout (videos_static/, videos_hands/, prompts_rewrite/
 * or prompts/, and videos/ as ground truth) as shots whose conditioning comes from the files.
 * Each sample's files are copied into the project:
 *
 *   <project>/samples/<sampleId>/static.mp4
 *   <project>/samples/<sampleId>/hands.mp4
 *   <project>/samples/<sampleId>/ground_truth.mp4   (when the sample has one)
 *
 * All or nothing: every sample is checked first (ffprobe against the spec) and one problem
 * anywhere refuses the whole import; the copies are written into a hidden staging folder
 * and each sample folder is renamed into place only when complete.
 */

/** Folder inside the project that holds imported samples. */
export const SAMPLES_FOLDER = 'samples';
export const SAMPLE_FILES = { static: 'static.mp4', hands: 'hands.mp4', groundTruth: 'ground_truth.mp4' } as const;

/** The longest prompt a shot holds (Shot.prompt). */
const MAX_PROMPT = 4000;
const MAX_SHOTS = 1000;

export interface ImportTarget {
  /** The project folder (absolute). */
  dir: string;
  /** The open document: its shot count is checked before anything is copied. */
  document: Pick<ProjectDocument, 'shots'>;
}

export interface ImportSamplesOptions {
  /** What every video must match; the default model's until a bundle says otherwise. */
  spec?: ConditioningSpec;
  tools?: FfmpegTools;
  /** Shot ids (default: random UUIDs). */
  newId?: () => string;
  /** Key ids of the shot's tracks (default: short random strings). */
  newKeyId?: () => string;
}

const posixRel = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

/** Problems that keep a scanned sample from becoming a shot, beyond those the scan found. */
function importProblems(root: string, s: ReferenceSample): string[] {
  const out = [...s.problems];
  if (!SampleId.safeParse(s.id).success) out.push(`sample id ${JSON.stringify(s.id)} cannot name a folder in the project`);
  if (s.prompt !== null && s.promptFile !== null && s.prompt.length > MAX_PROMPT) {
    out.push(`${posixRel(root, s.promptFile)} has ${s.prompt.length} characters; a shot prompt holds at most ${MAX_PROMPT}`);
  }
  return out;
}

async function copyInto(source: string, target: string): Promise<void> {
  try {
    await fs.copyFile(source, target);
    // copyFile keeps the source's mode; read-only inputs must not make read-only copies.
    await fs.chmod(target, 0o644);
    await fsyncFile(target);
  } catch (err) {
    throw ioError(target, `copying ${source}`, err);
  }
}

const exists = (p: string) =>
  fs.lstat(p).then(
    () => true,
    () => false,
  );

/**
 * Rename a finished sample folder to samples/<id>, or samples/<id>-2, -3, ... when a folder of
 * that name exists (an earlier import of the same sample, which shots or undo history may still
 * use, is never overwritten). Returns the folder name used.
 */
async function renameIntoPlace(from: string, samplesDir: string, id: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const name = n === 1 ? id : `${id}-${n}`;
    const target = path.join(samplesDir, name);
    if (await exists(target)) continue;
    try {
      await fs.rename(from, target);
      return name;
    } catch (err) {
      // Another import took the name between the check and the rename.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') {
        if (await exists(target)) continue;
      }
      throw err;
    }
  }
  throw new ApiError('ALREADY_EXISTS', `${samplesDir}: too many imports of sample ${id}`, { file: samplesDir });
}

/**
 * Check the samples in `sourceDir`, copy their files into the project and return one new shot
 * per sample (not yet added to the document; ProjectService.importSamples does that).
 * Refuses with ApiError('BAD_INPUT') listing every problem of every sample when any has one;
 * then nothing is written.
 */
export async function importSamples(project: ImportTarget, sourceDir: string, opts: ImportSamplesOptions = {}): Promise<Shot[]> {
  const spec = opts.spec ?? DEFAULT_CONDITIONING_SPEC;
  const root = path.resolve(sourceDir);
  const projectDir = path.resolve(project.dir);
  const scanOpts = opts.tools ? { spec, tools: opts.tools } : { spec };
  const samples = await scanReferenceLayout(root, scanOpts);

  if (samples.length === 0) {
    throw new ApiError('BAD_INPUT', `${root} holds no samples: videos_static/, videos_hands/ and videos/ have no .mp4 files`, {
      file: root,
    });
  }
  const problems = samples.flatMap((s) => importProblems(root, s));
  if (problems.length > 0) {
    const bad = samples.filter((s) => importProblems(root, s).length > 0).length;
    throw new ApiError(
      'BAD_INPUT',
      `${root}: nothing was imported; ${bad} of ${samples.length} samples ${bad === 1 ? 'has' : 'have'} problems:\n${problems.map((p) => `- ${p}`).join('\n')}`,
      { file: root },
    );
  }
  if (project.document.shots.length + samples.length > MAX_SHOTS) {
    throw new ApiError(
      'BAD_INPUT',
      `${root}: ${samples.length} samples would take the project past ${MAX_SHOTS} shots (it has ${project.document.shots.length})`,
      { file: root },
    );
  }

  const samplesDir = path.join(projectDir, SAMPLES_FOLDER);
  const staging = path.join(samplesDir, `.import-${process.pid}-${randomBytes(4).toString('hex')}`);
  const placed: string[] = [];
  const folders = new Map<string, string>();
  try {
    await fs.mkdir(staging, { recursive: true });
    for (const s of samples) {
      const dir = path.join(staging, s.id);
      await fs.mkdir(dir);
      await copyInto(s.staticVideo as string, path.join(dir, SAMPLE_FILES.static));
      await copyInto(s.handsVideo as string, path.join(dir, SAMPLE_FILES.hands));
      if (s.groundTruth) await copyInto(s.groundTruth, path.join(dir, SAMPLE_FILES.groundTruth));
      await fsyncDir(dir);
    }
    for (const s of samples) {
      const name = await renameIntoPlace(path.join(staging, s.id), samplesDir, s.id);
      placed.push(path.join(samplesDir, name));
      folders.set(s.id, name);
    }
    await fsyncDir(samplesDir);
  } catch (err) {
    for (const dir of placed) await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    throw ioError(samplesDir, `importing the samples of ${root}`, err);
  } finally {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
  }

  const newId = opts.newId ?? randomUUID;
  const newKeyId = opts.newKeyId ?? randomKeyId;
  return samples.map((s) => {
    const base = `${SAMPLES_FOLDER}/${folders.get(s.id) as string}`;
    const conditioning = ShotConditioning.parse({
      source: 'files',
      staticVideo: `${base}/${SAMPLE_FILES.static}`,
      handsVideo: `${base}/${SAMPLE_FILES.hands}`,
      groundTruth: s.groundTruth ? `${base}/${SAMPLE_FILES.groundTruth}` : null,
      importedFrom: root,
      sampleId: s.id,
    });
    const shot = createShot({ id: newId(), name: `Sample ${s.id}`, frames: spec.frames, fps: spec.fps, sceneId: null, newKeyId });
    return { ...shot, prompt: s.prompt ?? '', conditioning };
  });
}

/** Remove the folders importSamples copied for these shots (when they could not be added to the document). */
export async function discardImportedSamples(projectDir: string, shots: readonly Shot[]): Promise<void> {
  for (const shot of shots) {
    if (!shot.conditioning) continue;
    const folder = path.resolve(projectDir, path.posix.dirname(shot.conditioning.staticVideo));
    const samplesDir = path.resolve(projectDir, SAMPLES_FOLDER);
    if (path.dirname(folder) !== samplesDir) continue;
    await fs.rm(folder, { recursive: true, force: true }).catch(() => {});
  }
}
