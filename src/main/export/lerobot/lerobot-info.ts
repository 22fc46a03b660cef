/**
 * The LeRobot dataset format v3.0, as the lerobot library reads and writes it. Every constant and
 * layout here was read from huggingface/lerobot's own code, not from memory:
 *
 * - v0.4.4 (the newest release installable on Python 3.10/3.11; tag v0.4.4):
 *   src/lerobot/datasets/utils.py (DEFAULT_* constants, path templates, DEFAULT_FEATURES,
 *   create_empty_dataset_info, get_hf_features_from_features), lerobot_dataset.py
 *   (CODEBASE_VERSION, LeRobotDatasetMetadata.save_episode / _save_episode_metadata,
 *   LeRobotDataset._save_episode_data / _save_episode_video, _query_videos), video_utils.py
 *   (get_video_info, concatenate_video_files, decode_video_frames_torchcodec).
 * - main as of 2026-08 (pyproject 0.6.2; the same facts moved to datasets/io_utils.py,
 *   dataset_metadata.py, dataset_writer.py and dataset_reader.py, unchanged in substance).
 */

/** lerobot_dataset.py: `CODEBASE_VERSION = "v3.0"`. */
export const CODEBASE_VERSION = 'v3.0';

/** utils.py: DEFAULT_CHUNK_SIZE (max files per chunk folder), DEFAULT_DATA_FILE_SIZE_IN_MB, DEFAULT_VIDEO_FILE_SIZE_IN_MB. */
export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_DATA_FILE_SIZE_IN_MB = 100;
export const DEFAULT_VIDEO_FILE_SIZE_IN_MB = 200;

/** utils.py: INFO_PATH, STATS_PATH, DEFAULT_TASKS_PATH, EPISODES_DIR, DEFAULT_DATA_PATH, DEFAULT_VIDEO_PATH (Python format strings, stored verbatim in info.json). */
export const INFO_PATH = 'meta/info.json';
export const STATS_PATH = 'meta/stats.json';
export const TASKS_PATH = 'meta/tasks.parquet';
export const EPISODES_DIR = 'meta/episodes';
export const DEFAULT_DATA_PATH = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';
export const DEFAULT_VIDEO_PATH = 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4';

/** `chunk-{chunk_index:03d}/file-{file_index:03d}` (utils.py CHUNK_FILE_PATTERN). */
export function chunkFile(chunk: number, file: number): string {
  return `chunk-${String(chunk).padStart(3, '0')}/file-${String(file).padStart(3, '0')}`;
}
export function dataFilePath(chunk: number, file: number): string {
  return `data/${chunkFile(chunk, file)}.parquet`;
}
export function episodesFilePath(chunk: number, file: number): string {
  return `${EPISODES_DIR}/${chunkFile(chunk, file)}.parquet`;
}
export function videoFilePath(videoKey: string, chunk: number, file: number): string {
  return `videos/${videoKey}/${chunkFile(chunk, file)}.mp4`;
}

/** utils.py update_chunk_file_indices: the next file, moving to the next chunk after chunks_size files. */
export function nextChunkFile(chunk: number, file: number, chunksSize: number): { chunk: number; file: number } {
  return file === chunksSize - 1 ? { chunk: chunk + 1, file: 0 } : { chunk, file: file + 1 };
}

/** The three videos of a take and the LeRobot feature each becomes (`observation.images.<camera>`, hw_to_dataset_features' naming). */
export const VIDEO_KEYS = {
  generated: 'observation.images.egocentric',
  static: 'observation.images.static',
  hands: 'observation.images.hands',
} as const;
export type VideoRole = keyof typeof VIDEO_KEYS;
export const VIDEO_ROLES = Object.keys(VIDEO_KEYS) as VideoRole[];

/** lerobot.utils.constants OBS_STATE and ACTION. */
export const STATE_KEY = 'observation.state';
export const ACTION_KEY = 'action';

/**
 * utils.py get_video_info: the `info` of a video feature. Stream values from the file itself
 * (PyAV there, ffprobe here: codec_name is PyAV's codec.canonical_name, "h264"), `video.fps` as
 * int(stream.base_rate), `video.channels` from the pixel format, `has_audio` from get_audio_info.
 */
export interface VideoInfo {
  'video.height': number;
  'video.width': number;
  'video.codec': string;
  'video.pix_fmt': string;
  'video.is_depth_map': boolean;
  'video.fps': number;
  'video.channels': number;
  has_audio: boolean;
}

export type FeatureDtype = 'float32' | 'int64' | 'video';

export interface Feature {
  dtype: FeatureDtype;
  shape: number[];
  names: string[] | null;
  info?: VideoInfo;
}

/**
 * utils.py DEFAULT_FEATURES: the per-frame columns every dataset has, appended after the
 * dataset's own features (LeRobotDatasetMetadata.create: `{**features, **DEFAULT_FEATURES}`).
 */
export const DEFAULT_FEATURES: Record<string, Feature> = {
  timestamp: { dtype: 'float32', shape: [1], names: null },
  frame_index: { dtype: 'int64', shape: [1], names: null },
  episode_index: { dtype: 'int64', shape: [1], names: null },
  index: { dtype: 'int64', shape: [1], names: null },
  task_index: { dtype: 'int64', shape: [1], names: null },
};

/**
 * meta/info.json, keys in create_empty_dataset_info's order. `splits` is {"train": "0:N"}
 * (LeRobotDatasetMetadata.save_episode). `fps` is an int (DatasetInfo.fps: int).
 */
export interface DatasetInfo {
  codebase_version: string;
  robot_type: string | null;
  total_episodes: number;
  total_frames: number;
  total_tasks: number;
  chunks_size: number;
  data_files_size_in_mb: number;
  video_files_size_in_mb: number;
  fps: number;
  splits: Record<string, string>;
  data_path: string;
  video_path: string | null;
  features: Record<string, Feature>;
}

export interface VectorSpec {
  names: string[];
}

/** The features of a dataset of takes: state/action when the takes have poses, the three videos, then DEFAULT_FEATURES. */
export function buildFeatures(opts: {
  state: VectorSpec | null;
  action: VectorSpec | null;
  width: number;
  height: number;
  videoInfo: Record<VideoRole, VideoInfo>;
}): Record<string, Feature> {
  const features: Record<string, Feature> = {};
  // hw_to_dataset_features: vectors are float32 with shape (len(names),) and one name per dimension.
  if (opts.state) features[STATE_KEY] = { dtype: 'float32', shape: [opts.state.names.length], names: [...opts.state.names] };
  if (opts.action) features[ACTION_KEY] = { dtype: 'float32', shape: [opts.action.names.length], names: [...opts.action.names] };
  for (const role of VIDEO_ROLES) {
    // hw_to_dataset_features: cameras are (height, width, channels) named ["height", "width", "channels"].
    features[VIDEO_KEYS[role]] = {
      dtype: 'video',
      shape: [opts.height, opts.width, 3],
      names: ['height', 'width', 'channels'],
      info: opts.videoInfo[role],
    };
  }
  for (const [key, ft] of Object.entries(DEFAULT_FEATURES)) features[key] = { ...ft, shape: [...ft.shape] };
  return features;
}

export function buildInfo(opts: {
  fps: number;
  robotType: string | null;
  features: Record<string, Feature>;
  totalEpisodes: number;
  totalFrames: number;
  totalTasks: number;
  chunksSize?: number;
  dataFilesSizeInMb?: number;
  videoFilesSizeInMb?: number;
}): DatasetInfo {
  return {
    codebase_version: CODEBASE_VERSION,
    robot_type: opts.robotType,
    total_episodes: opts.totalEpisodes,
    total_frames: opts.totalFrames,
    total_tasks: opts.totalTasks,
    chunks_size: opts.chunksSize ?? DEFAULT_CHUNK_SIZE,
    data_files_size_in_mb: opts.dataFilesSizeInMb ?? DEFAULT_DATA_FILE_SIZE_IN_MB,
    video_files_size_in_mb: opts.videoFilesSizeInMb ?? DEFAULT_VIDEO_FILE_SIZE_IN_MB,
    fps: opts.fps,
    splits: { train: `0:${opts.totalEpisodes}` },
    data_path: DEFAULT_DATA_PATH,
    video_path: DEFAULT_VIDEO_PATH,
    features: opts.features,
  };
}

/** utils.py write_json: `json.dump(data, f, indent=4, ensure_ascii=False)`. */
export function toLeRobotJson(value: unknown): string {
  return JSON.stringify(value, null, 4);
}

/**
 * Why two feature sets cannot share a dataset, naming the first feature that differs, or null
 * when they match. Video features compare shape and the stream parameters that info.json
 * states once for every file (codec, pixel format, rate); names and dtypes compare exactly.
 */
export function featureDifference(
  existing: Record<string, Feature>,
  incoming: Record<string, Feature>,
): { feature: string; why: string } | null {
  for (const key of Object.keys(existing)) {
    if (!(key in incoming)) return { feature: key, why: `the dataset has "${key}" but the new episodes do not` };
  }
  for (const key of Object.keys(incoming)) {
    if (!(key in existing)) return { feature: key, why: `the new episodes have "${key}" but the dataset does not` };
  }
  for (const [key, a] of Object.entries(existing)) {
    const b = incoming[key] as Feature;
    if (a.dtype !== b.dtype) return { feature: key, why: `"${key}" is ${a.dtype} in the dataset but ${b.dtype} in the new episodes` };
    if (!sameList(a.shape, b.shape)) {
      return {
        feature: key,
        why: `"${key}" has shape [${a.shape.join(', ')}] in the dataset but [${b.shape.join(', ')}] in the new episodes`,
      };
    }
    if (!sameList(a.names ?? [], b.names ?? []))
      return { feature: key, why: `"${key}" names its dimensions differently in the dataset and the new episodes` };
    if (a.dtype === 'video' && a.info && b.info) {
      for (const field of ['video.codec', 'video.pix_fmt', 'video.fps'] as const) {
        if (a.info[field] !== b.info[field]) {
          return {
            feature: key,
            why: `"${key}" has ${field} ${String(a.info[field])} in the dataset but ${String(b.info[field])} in the new episodes`,
          };
        }
      }
    }
  }
  return null;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
