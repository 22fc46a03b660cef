import { promises as fs } from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import { type DecodedVideo, type FfmpegTools, findFfmpeg, readVideoFramesRgba } from '../services/conditioning/ffmpeg';

/**
 * The videos a take is measured with, decoded to RGBA frames in memory through ffmpeg
 * (src/main/services/conditioning/ffmpeg.ts). Every video must have the take's size and frame
 * count; errors name the file and what differs.
 */

export const VIDEO_ROLES = ['take', 'reference', 'static', 'hands'] as const;
export type VideoRole = (typeof VIDEO_ROLES)[number];

const ROLE_LABEL: Record<VideoRole, string> = {
  take: 'take video',
  reference: 'reference video',
  static: 'static video',
  hands: 'hand video',
};

export interface MetricFiles {
  take: string;
  reference?: string | undefined;
  static?: string | undefined;
  hands?: string | undefined;
}

export type MetricVideos = { take: DecodedVideo } & { [K in Exclude<VideoRole, 'take'>]?: DecodedVideo | undefined };

/** Check that every given file exists and is a file, before spending time decoding any of them. */
export async function checkMetricFiles(files: MetricFiles): Promise<void> {
  for (const role of VIDEO_ROLES) {
    const file = files[role];
    if (file === undefined) continue;
    const stat = await fs.stat(file).catch(() => null);
    if (!stat) throw new ApiError('NOT_FOUND', `${ROLE_LABEL[role]} ${file}: no such file`, { file, field: role });
    if (!stat.isFile()) throw new ApiError('BAD_INPUT', `${ROLE_LABEL[role]} ${file} is a folder, not a video`, { file, field: role });
  }
}

/** Decode every given video (in parallel: each is its own ffmpeg process) and check they match the take. */
export async function loadMetricVideos(files: MetricFiles, tools?: FfmpegTools): Promise<MetricVideos> {
  await checkMetricFiles(files);
  const found = tools ?? (await findFfmpeg());
  const roles = VIDEO_ROLES.filter((r) => files[r] !== undefined);
  const decoded = await Promise.all(
    roles.map((role) =>
      readVideoFramesRgba(files[role] as string, found).catch((err: Error) => {
        // probeVideo's and the decoder's messages already name the file; add which input it was.
        const e = err instanceof ApiError ? err : new ApiError('IO', `${files[role]}: ${err.message}`, { file: files[role] as string });
        throw new ApiError(e.code, `${ROLE_LABEL[role]}: ${e.message}`, { file: files[role] as string, field: role });
      }),
    ),
  );
  const videos = Object.fromEntries(roles.map((r, i) => [r, decoded[i]])) as MetricVideos;
  checkMatching(videos, files);
  return videos;
}

/** Throw a BAD_INPUT naming both files when a video's size or frame count differs from the take's. */
export function checkMatching(videos: MetricVideos, files?: Partial<MetricFiles>): void {
  const name = (role: VideoRole) => (files?.[role] ? `${ROLE_LABEL[role]} ${files[role]}` : ROLE_LABEL[role]);
  const take = videos.take;
  if (take.frames.length === 0) throw new ApiError('BAD_INPUT', `${name('take')} has no frames`, fileField(files, 'take'));
  for (const role of VIDEO_ROLES) {
    const v = videos[role];
    if (!v || role === 'take') continue;
    if (v.width !== take.width || v.height !== take.height) {
      throw new ApiError(
        'BAD_INPUT',
        `${name(role)} is ${v.width}x${v.height} but ${name('take')} is ${take.width}x${take.height}; the videos must have the same size`,
        fileField(files, role),
      );
    }
    if (v.frames.length !== take.frames.length) {
      throw new ApiError(
        'BAD_INPUT',
        `${name(role)} has ${v.frames.length} frames but ${name('take')} has ${take.frames.length}; the videos must have the same number of frames`,
        fileField(files, role),
      );
    }
  }
}

function fileField(files: Partial<MetricFiles> | undefined, role: VideoRole): { file?: string; field: string } {
  const file = files?.[role];
  return file ? { file, field: role } : { field: role };
}
