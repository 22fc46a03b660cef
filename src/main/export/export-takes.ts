import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { exportReferenceLayout } from '../services/conditioning/reference-layout';
import type { EpisodeData } from './episode';
import { writeLeRobotDataset } from './lerobot/lerobot-writer';
import { writePlainTake } from './plain-export';
import { type ExportableTake, episodeFromTake, exportId } from './take-episode';

export type ExportFormat = 'lerobot' | 'dwm' | 'plain';

export interface ExportRequest {
  format: ExportFormat;
  outDir: string;
  takes: ExportableTake[];
  /** LeRobot only: add the takes as new episodes of the dataset already in outDir. */
  append?: boolean;
  signal?: AbortSignal;
  /** Fraction done, 0..1, and what is happening. */
  onProgress?: (fraction: number, label: string) => void;
}

export interface ExportResult {
  format: ExportFormat;
  outDir: string;
  takes: number;
}

/**
 * Export takes, all or nothing: everything is written into a hidden temporary folder beside
 * outDir and moved into place only when complete, so an interrupted or failed export never
 * leaves something that looks like a finished dataset. Appending works on a copy of the
 * existing dataset, swapped in at the end; the old one is kept until the swap succeeded.
 */
export async function exportTakes(req: ExportRequest): Promise<ExportResult> {
  if (req.takes.length === 0) throw new ApiError('BAD_INPUT', 'No takes to export: choose finished takes first', { field: 'takeIds' });
  const outDir = path.resolve(req.outDir);
  const progress = req.onProgress ?? (() => {});
  const checkCancel = () => {
    if (req.signal?.aborted) throw new ApiError('BAD_INPUT', 'Export cancelled; nothing was written');
  };
  progress(0, 'Checking the takes');
  const episodes: EpisodeData[] = [];
  for (const t of req.takes) episodes.push(await episodeFromTake(t));
  checkFps(episodes);
  const existing = await folderState(outDir);
  if (req.format === 'dwm') {
    if (existing === 'nonempty')
      throw new ApiError('ALREADY_EXISTS', `${outDir} is not empty; choose a new or empty folder`, { file: outDir });
    await exportReferenceLayout(
      req.takes.map((t) => ({
        id: exportId(t.take),
        staticVideo: path.join(t.dir, t.take.files.staticVideo),
        handsVideo: path.join(t.dir, t.take.files.handsVideo),
        // The reference layout's videos/ holds the interaction video the model learns to produce.
        groundTruth: path.join(t.dir, t.take.files.video),
        prompt: episodes.find((e) => e.takeId === t.take.id)?.task ?? t.take.name,
      })),
      outDir,
    );
    progress(1, 'Done');
    return { format: 'dwm', outDir, takes: req.takes.length };
  }

  const appending = req.format === 'lerobot' && req.append === true && existing === 'nonempty';
  if (existing === 'nonempty' && !appending) {
    throw new ApiError(
      'ALREADY_EXISTS',
      req.format === 'lerobot'
        ? `${outDir} is not empty; choose a new or empty folder, or append to the LeRobot dataset in it`
        : `${outDir} is not empty; choose a new or empty folder`,
      { file: outDir },
    );
  }
  if (appending && !(await isLeRobotDataset(outDir))) {
    throw new ApiError('BAD_INPUT', `${outDir} is not a LeRobot dataset (no meta/info.json), so takes cannot be appended to it`, {
      file: outDir,
    });
  }
  const parent = path.dirname(outDir);
  const temp = path.join(parent, `.${path.basename(outDir)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(parent, { recursive: true });
  try {
    if (appending) await fs.cp(outDir, temp, { recursive: true });
    else await fs.mkdir(temp);
    if (req.format === 'lerobot') {
      await writeLeRobotDataset(temp, episodes, {
        fps: episodes[0]?.fps ?? 8,
        robotType: 'dwm-studio-egocentric-hands',
        append: appending,
        ...(req.signal ? { signal: req.signal } : {}),
        onProgress: (done, total) => progress(total > 0 ? done / total : 0, `Writing episode ${Math.min(done + 1, total)} of ${total}`),
      });
    } else {
      for (const [i, t] of req.takes.entries()) {
        checkCancel();
        progress(i / req.takes.length, `Copying ${t.take.name}`);
        await writePlainTake(t, temp);
      }
    }
    checkCancel();
    await moveIntoPlace(temp, outDir, existing);
  } catch (err) {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => {});
    if (req.signal?.aborted) throw new ApiError('BAD_INPUT', 'Export cancelled; nothing was written');
    if (err instanceof ApiError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') throw new ApiError('IO', `${outDir}: the disk is full; nothing was written`, { file: outDir });
    throw new ApiError('IO', `${outDir}: export failed (${(err as Error).message}); nothing was written`, { file: outDir });
  }
  progress(1, 'Done');
  return { format: req.format, outDir, takes: req.takes.length };
}

type FolderState = 'absent' | 'empty' | 'nonempty';

async function folderState(dir: string): Promise<FolderState> {
  try {
    const entries = await fs.readdir(dir);
    return entries.length === 0 ? 'empty' : 'nonempty';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') throw new ApiError('BAD_INPUT', `${dir} is a file, not a folder`, { file: dir });
    throw new ApiError('IO', `${dir}: cannot be read (${code})`, { file: dir });
  }
}

async function isLeRobotDataset(dir: string): Promise<boolean> {
  return fs.access(path.join(dir, 'meta', 'info.json')).then(
    () => true,
    () => false,
  );
}

/** Swap the finished temporary folder in; an appended-to dataset is replaced only after the new one is in place. */
async function moveIntoPlace(temp: string, outDir: string, existing: FolderState): Promise<void> {
  if (existing === 'empty') await fs.rmdir(outDir);
  if (existing !== 'nonempty') {
    await fs.rename(temp, outDir);
    return;
  }
  const old = `${temp}.old`;
  await fs.rename(outDir, old);
  try {
    await fs.rename(temp, outDir);
  } catch (err) {
    await fs.rename(old, outDir);
    throw err;
  }
  await fs.rm(old, { recursive: true, force: true });
}

/** A dataset has one frame rate; takes of models with different rates cannot share one. */
function checkFps(episodes: EpisodeData[]): void {
  const first = episodes[0];
  const other = episodes.find((e) => e.fps !== first?.fps || e.width !== first?.width || e.height !== first?.height);
  if (first && other) {
    throw new ApiError(
      'BAD_INPUT',
      `${other.name} is ${other.width}x${other.height} at ${other.fps} fps but ${first.name} is ${first.width}x${first.height} at ${first.fps} fps; export them separately`,
      { field: 'takeIds' },
    );
  }
}
