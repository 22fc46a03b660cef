import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { ConditioningPoses } from '../../shared/conditioning/poses';
import { ACTION_NAMES, poseVectors, STATE_NAMES } from '../../shared/export/pose-vectors';
import type { TakeRecord } from '../../shared/model/take';
import type { EpisodeData } from './episode';

/** A take to export: its record, its folder, and the name of its shot (the task when the prompt is empty). */
export interface ExportableTake {
  take: TakeRecord;
  dir: string;
  shotName: string | null;
}

/** The poses the take was rendered with, checked against the video; null when it has none. */
export async function readTakePoses(t: ExportableTake): Promise<ConditioningPoses | null> {
  if (!t.take.files.poses) return null;
  const file = path.join(t.dir, t.take.files.poses);
  let poses: ConditioningPoses;
  try {
    poses = JSON.parse(await fs.readFile(file, 'utf8')) as ConditioningPoses;
  } catch (err) {
    throw new ApiError('IO', `${file}: cannot be read (${(err as Error).message})`, { file });
  }
  if (!Array.isArray(poses.frames) || poses.frames.length !== t.take.output?.frames) {
    throw new ApiError('BAD_INPUT', `${file}: ${poses.frames?.length ?? 0} frames of poses for a ${t.take.output?.frames}-frame take`, {
      file,
    });
  }
  return poses;
}

/** Everything an export format needs from one done take; refuses a take that is not done or whose video is missing. */
export async function episodeFromTake(t: ExportableTake): Promise<EpisodeData> {
  const { take, dir } = t;
  if (take.status !== 'done' || !take.output) {
    throw new ApiError('BAD_INPUT', `${take.name} is ${take.status}; only finished takes can be exported`, { field: 'takeIds' });
  }
  const videos = {
    generated: path.join(dir, take.files.video),
    static: path.join(dir, take.files.staticVideo),
    hands: path.join(dir, take.files.handsVideo),
  };
  for (const file of Object.values(videos)) {
    await fs.access(file).catch(() => {
      throw new ApiError('NOT_FOUND', `${file}: missing, so ${take.name} cannot be exported`, { file });
    });
  }
  const poses = await readTakePoses(t);
  const vectors = poses ? poseVectors(poses.frames) : null;
  return {
    takeId: take.id,
    name: take.name,
    task: take.params.prompt.trim() || t.shotName || take.name,
    fps: take.output.fps,
    frames: take.output.frames,
    width: take.output.width,
    height: take.output.height,
    videos,
    state: vectors ? { names: [...STATE_NAMES], values: vectors.state } : null,
    action: vectors ? { names: [...ACTION_NAMES], values: vectors.action } : null,
  };
}

/** A file-name-safe id for a take in exports: its name as a slug plus the start of its id (names repeat across shots). */
export function exportId(take: TakeRecord): string {
  const slug = take.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'take'}-${take.id.slice(0, 8)}`;
}
