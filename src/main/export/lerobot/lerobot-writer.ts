import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { type FfmpegTools, findFfmpeg } from '../../services/conditioning/ffmpeg';
import type { EpisodeData } from '../episode';
import {
  ACTION_KEY,
  buildFeatures,
  buildInfo,
  CODEBASE_VERSION,
  type DatasetInfo,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_DATA_FILE_SIZE_IN_MB,
  DEFAULT_VIDEO_FILE_SIZE_IN_MB,
  dataFilePath,
  EPISODES_DIR,
  episodesFilePath,
  type Feature,
  featureDifference,
  INFO_PATH,
  nextChunkFile,
  STATE_KEY,
  STATS_PATH,
  TASKS_PATH,
  toLeRobotJson,
  VIDEO_KEYS,
  VIDEO_ROLES,
  type VideoInfo,
  type VideoRole,
  videoFilePath,
} from './lerobot-info';
import {
  aggregateStats,
  type FeatureStats,
  ImageStatsAccumulator,
  STAT_KEYS,
  sampleIndices,
  statsToJson,
  type ValueStatKey,
  vectorStats,
} from './lerobot-stats';
import {
  type ClipProbe,
  checkFrameTimes,
  concatClips,
  concatSignature,
  decodeFrames,
  needsReencode,
  probeClip,
  reencodeClip,
  videoInfoOf,
} from './lerobot-video';
import { type Cell, type ColumnSpec, nestedParquetFiles, readParquet, writeParquet } from './parquet';

/**
 * Writes takes as a LeRobot dataset, format v3.0 (codebase_version "v3.0"), the layout lerobot's
 * LeRobotDataset(repo_id, root=...) loads from a local folder:
 *
 *   meta/info.json                         features, totals, fps, path templates
 *   meta/stats.json                        per-feature statistics over the whole dataset
 *   meta/tasks.parquet                     one row per distinct task, indexed by the task string
 *   meta/episodes/chunk-000/file-000.parquet   one row per episode: where its frames and video spans are, its own stats
 *   data/chunk-000/file-000.parquet        one row per frame: state, action, timestamp, indices
 *   videos/observation.images.{egocentric,static,hands}/chunk-000/file-000.mp4   the episodes' clips joined
 *
 * One take is one episode; its task is the take's prompt. The generated video becomes
 * observation.images.egocentric, the conditioning videos observation.images.static and
 * observation.images.hands. Files roll over to file-001, ... past lerobot's size limits
 * (data_files_size_in_mb, video_files_size_in_mb) exactly as lerobot's own writer decides, and
 * a video file also starts afresh when a clip's codec parameters differ from the clips already
 * in it (v3 records a file per episode and camera, so no re-encoding is needed for that); a clip
 * that is not H.264 yuv420p is re-encoded to it first.
 *
 * Layout facts and their sources in huggingface/lerobot are in lerobot-info.ts (paths, info.json),
 * lerobot-stats.ts (statistics), lerobot-video.ts (video joining and timing) and parquet.ts
 * (column types). The per-row and per-episode columns follow lerobot_dataset.py v0.4.4:
 * _save_episode_data (data files: the non-video features in info.json order, written by
 * `datasets` with its `huggingface` metadata), LeRobotDatasetMetadata.save_episode and
 * _save_episode_metadata (episodes files: episode_index, tasks, length, data/chunk_index,
 * data/file_index, dataset_from_index, dataset_to_index, videos/<key>/{chunk_index, file_index,
 * from_timestamp, to_timestamp}, stats/<feature>/<stat>, meta/episodes/chunk_index,
 * meta/episodes/file_index), and save_episode_tasks / write_tasks (tasks: a pandas DataFrame with
 * column task_index, indexed by the task string, written by DataFrame.to_parquet).
 */

export interface LeRobotWriteOptions {
  /** Frames per second of every episode; lerobot stores it as an int. */
  fps: number;
  /** info.json robot_type; null when not given. */
  robotType?: string;
  /** Add the episodes to the dataset already in outDir (an empty or absent outDir starts a new one). */
  append?: boolean;
  /** Called with (episodes prepared so far, episodes to prepare); (total, total) once everything is written. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LeRobotWriteResult {
  /** Episodes and frames written by this call. */
  episodes: number;
  frames: number;
  /** The dataset's totals afterwards (more than the above when appending). */
  totalEpisodes: number;
  totalFrames: number;
}

/** One frame of the data table. */
interface FrameRow {
  state: number[] | null;
  action: number[] | null;
  timestamp: number;
  frameIndex: number;
  episodeIndex: number;
  index: number;
  taskIndex: number;
}

/** One row of meta/episodes, before the data file assignment. */
interface EpisodeRow {
  episodeIndex: number;
  tasks: string[];
  length: number;
  from: number;
  to: number;
  videos: Record<string, { chunk: number; file: number; fromTs: number; toTs: number }>;
  stats: Record<string, FeatureStats>;
}

/** A dataset already in outDir, read back for appending. */
interface ExistingDataset {
  info: DatasetInfo;
  tasks: string[];
  episodes: EpisodeRow[];
  frames: FrameRow[];
  /** Every episodes and data file read, so files no longer used can be removed. */
  files: string[];
}

/** A clip ready to be stored: probed, re-encoded when needed. */
interface PreparedClip {
  file: string;
  probe: ClipProbe;
}

interface PreparedEpisode {
  source: EpisodeData;
  clips: Record<VideoRole, PreparedClip>;
  imageStats: Record<VideoRole, FeatureStats>;
}

const MB = 1024 * 1024;

export async function writeLeRobotDataset(outDir: string, episodes: EpisodeData[], opts: LeRobotWriteOptions): Promise<LeRobotWriteResult> {
  const root = path.resolve(outDir);
  const { signal } = opts;
  const check = () => signal?.throwIfAborted();
  const progress = opts.onProgress ?? (() => {});
  check();

  const fps = checkEpisodes(episodes, opts.fps);
  const first = episodes[0] as EpisodeData;
  const tools = await findFfmpeg();
  const existing = await openFolder(root, opts.append === true);
  check();

  // 1. Each take's clips: probed, re-encoded only when not H.264 4:2:0, image stats from sampled frames.
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-lerobot-'));
  try {
    progress(0, episodes.length);
    const prepared: PreparedEpisode[] = [];
    for (const [i, ep] of episodes.entries()) {
      check();
      prepared.push(await prepareEpisode(tools, ep, fps, path.join(staging, String(i)), signal));
      progress(i + 1, episodes.length);
    }

    // 2. Features: the new episodes' must equal the dataset's when appending.
    const videoInfo = Object.fromEntries(VIDEO_ROLES.map((r) => [r, videoInfoOf(prepared[0]?.clips[r].probe as ClipProbe)])) as Record<
      VideoRole,
      VideoInfo
    >;
    const incoming = buildFeatures({
      state: first.state ? { names: first.state.names } : null,
      action: first.action ? { names: first.action.names } : null,
      width: first.width,
      height: first.height,
      videoInfo,
    });
    if (existing) checkCompatible(root, existing.info, incoming, fps, opts.robotType);
    const features = existing ? existing.info.features : incoming;
    const limits = {
      chunksSize: existing?.info.chunks_size ?? DEFAULT_CHUNK_SIZE,
      dataMb: existing?.info.data_files_size_in_mb ?? DEFAULT_DATA_FILE_SIZE_IN_MB,
      videoMb: existing?.info.video_files_size_in_mb ?? DEFAULT_VIDEO_FILE_SIZE_IN_MB,
    };

    // 3. Tasks, deduplicated, existing ones keeping their index (save_episode_tasks).
    const tasks = [...(existing?.tasks ?? [])];
    const taskIndex = new Map(tasks.map((t, i) => [t, i]));
    for (const ep of episodes) {
      if (!taskIndex.has(ep.task)) {
        taskIndex.set(ep.task, tasks.length);
        tasks.push(ep.task);
      }
    }

    // 4. Frames and episode rows of the new takes, numbered after the existing ones.
    const frames: FrameRow[] = [...(existing?.frames ?? [])];
    const rows: EpisodeRow[] = [...(existing?.episodes ?? [])];
    for (const p of prepared) {
      const ep = p.source;
      const episodeIndex = rows.length;
      const start = frames.length;
      const ti = taskIndex.get(ep.task) as number;
      for (let f = 0; f < ep.frames; f++) {
        frames.push({
          state: ep.state ? (ep.state.values[f] as number[]).map(Math.fround) : null,
          action: ep.action ? (ep.action.values[f] as number[]).map(Math.fround) : null,
          // add_frame: timestamp = frame_index / fps, stored as float32.
          timestamp: Math.fround(f / fps),
          frameIndex: f,
          episodeIndex,
          index: start + f,
          taskIndex: ti,
        });
      }
      const stats: Record<string, FeatureStats> = episodeVectorStats(frames.slice(start), features);
      for (const role of VIDEO_ROLES) stats[VIDEO_KEYS[role]] = p.imageStats[role];
      rows.push({ episodeIndex, tasks: [ep.task], length: ep.frames, from: start, to: start + ep.frames, videos: {}, stats });
    }
    check();

    // 5. Videos: each camera's clips joined into as few files as lerobot would make.
    for (const role of VIDEO_ROLES) {
      check();
      await writeVideos(tools, root, VIDEO_KEYS[role], rows, existing?.episodes.length ?? 0, prepared, role, fps, limits, signal);
    }

    // 6. Data files (rewritten whole, rolling over at data_files_size_in_mb as _save_episode_data does).
    check();
    const dataFiles = assignDataFiles(rows, features, limits);
    const keep = new Set<string>();
    for (const [rel, eps] of dataFiles.files) {
      const file = path.join(root, rel);
      keep.add(file);
      await writeDataFile(file, eps, frames, features);
    }

    // 7. meta/episodes (one file: a row is a few KB, so 100 MB holds tens of thousands of episodes).
    const episodesFile = path.join(root, episodesFilePath(0, 0));
    keep.add(episodesFile);
    await writeEpisodesFile(episodesFile, rows, dataFiles.of, features);
    for (const old of existing?.files ?? []) if (!keep.has(old)) await fs.rm(old, { force: true });

    // 8. tasks, stats, info.
    await writeTasksFile(path.join(root, TASKS_PATH), tasks);
    await writeJson(path.join(root, STATS_PATH), datasetStats(frames, rows, features));
    const info = buildInfo({
      fps,
      robotType: existing ? existing.info.robot_type : (opts.robotType ?? null),
      features,
      totalEpisodes: rows.length,
      totalFrames: frames.length,
      totalTasks: tasks.length,
      chunksSize: limits.chunksSize,
      dataFilesSizeInMb: limits.dataMb,
      videoFilesSizeInMb: limits.videoMb,
    });
    // Appending keeps whatever else the dataset's info.json holds (keys of newer lerobot versions), updated in place.
    await writeJson(path.join(root, INFO_PATH), existing ? { ...existing.info, ...info } : info);
    progress(episodes.length, episodes.length);
    const newFrames = episodes.reduce((s, e) => s + e.frames, 0);
    return { episodes: episodes.length, frames: newFrames, totalEpisodes: rows.length, totalFrames: frames.length };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** The episodes agree with each other and with opts.fps; returns the integer fps. */
function checkEpisodes(episodes: EpisodeData[], fps: number): number {
  if (!Number.isInteger(fps) || fps <= 0) {
    throw new ApiError('BAD_INPUT', `LeRobot datasets need a whole number of frames per second; got ${fps}`, { field: 'fps' });
  }
  const first = episodes[0];
  if (!first) throw new ApiError('BAD_INPUT', 'No episodes to write', { field: 'takeIds' });
  for (const ep of episodes) {
    if (ep.fps !== fps)
      throw new ApiError('BAD_INPUT', `${ep.name} is at ${ep.fps} fps but the dataset is at ${fps} fps`, { field: 'fps' });
    if (!Number.isInteger(ep.frames) || ep.frames < 1) throw new ApiError('BAD_INPUT', `${ep.name} has no frames`, { field: 'takeIds' });
    if (ep.width !== first.width || ep.height !== first.height) {
      throw new ApiError('BAD_INPUT', `${ep.name} is ${ep.width}x${ep.height} but ${first.name} is ${first.width}x${first.height}`, {
        field: 'takeIds',
      });
    }
    if (ep.task.trim() === '') throw new ApiError('BAD_INPUT', `${ep.name} has no task`, { field: 'takeIds' });
    checkVectors(ep, first, 'state', STATE_KEY);
    checkVectors(ep, first, 'action', ACTION_KEY);
  }
  return fps;
}

function checkVectors(ep: EpisodeData, first: EpisodeData, which: 'state' | 'action', key: string): void {
  const v = ep[which];
  const ref = first[which];
  if ((v === null) !== (ref === null)) {
    const [has, lacks] = v ? [ep, first] : [first, ep];
    throw new ApiError('BAD_INPUT', `${has.name} has ${key} but ${lacks.name} does not (takes without poses); export them separately`, {
      field: key,
    });
  }
  if (!v || !ref) return;
  if (v.names.length === 0) throw new ApiError('BAD_INPUT', `${ep.name}: ${key} has no dimensions`, { field: key });
  if (v.names.length !== ref.names.length || v.names.some((n, i) => n !== ref.names[i])) {
    throw new ApiError('BAD_INPUT', `${ep.name} names the dimensions of ${key} differently from ${first.name}`, { field: key });
  }
  if (new Set(v.names).size !== v.names.length)
    throw new ApiError('BAD_INPUT', `${ep.name}: ${key} repeats a dimension name`, { field: key });
  if (v.values.length !== ep.frames) {
    throw new ApiError('BAD_INPUT', `${ep.name}: ${key} has ${v.values.length} frames, the take ${ep.frames}`, { field: key });
  }
  for (const [f, row] of v.values.entries()) {
    if (row.length !== v.names.length || row.some((x) => !Number.isFinite(x))) {
      throw new ApiError('BAD_INPUT', `${ep.name}: ${key} at frame ${f} is not ${v.names.length} finite numbers`, { field: key });
    }
  }
}

/** null for a new dataset; the dataset's contents when appending; refuses anything else. */
async function openFolder(root: string, append: boolean): Promise<ExistingDataset | null> {
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      await fs.mkdir(root, { recursive: true });
      return null;
    }
    if (code === 'ENOTDIR') throw new ApiError('BAD_INPUT', `${root} is a file, not a folder`, { file: root });
    throw new ApiError('IO', `${root}: cannot be read (${code})`, { file: root });
  }
  if (entries.length === 0) return null;
  const isDataset = await fs.stat(path.join(root, INFO_PATH)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isDataset) {
    throw new ApiError(
      'ALREADY_EXISTS',
      `${root} is not empty and is not a LeRobot dataset (no ${INFO_PATH}); choose a new or empty folder`,
      {
        file: root,
      },
    );
  }
  if (!append) {
    throw new ApiError('ALREADY_EXISTS', `${root} already holds a LeRobot dataset; choose a new or empty folder, or append to it`, {
      file: root,
    });
  }
  return readExisting(root);
}

function fail(root: string, what: string, field?: string): never {
  throw new ApiError('BAD_INPUT', `Cannot append to the LeRobot dataset in ${root}: ${what}`, { file: root, ...(field ? { field } : {}) });
}

function num(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw new Error(`not a number: ${String(v)}`);
}

function numList(v: unknown): number[] {
  if (!Array.isArray(v)) throw new Error('not a list');
  return v.flat(3).map(num);
}

async function readExisting(root: string): Promise<ExistingDataset> {
  let info: DatasetInfo;
  try {
    info = JSON.parse(await fs.readFile(path.join(root, INFO_PATH), 'utf8')) as DatasetInfo;
  } catch (err) {
    fail(root, `${INFO_PATH} cannot be read (${(err as Error).message})`);
  }
  if (info.codebase_version !== CODEBASE_VERSION) {
    fail(root, `it is codebase_version ${String(info.codebase_version)}; only ${CODEBASE_VERSION} can be appended to`, 'codebase_version');
  }
  if (!info.features || typeof info.features !== 'object') fail(root, `${INFO_PATH} lists no features`, 'features');
  const files: string[] = [];
  try {
    // tasks.parquet: the task strings are the pandas index (an `__index_level_0__` column named in the `pandas` metadata).
    const t = await readParquet(path.join(root, TASKS_PATH));
    let indexColumn = '__index_level_0__';
    try {
      const pandas = JSON.parse(t.keyValue.pandas ?? '{}') as { index_columns?: unknown[] };
      if (typeof pandas.index_columns?.[0] === 'string') indexColumn = pandas.index_columns[0];
    } catch {
      // no pandas metadata: the conventional name
    }
    const tasks: string[] = [];
    for (const r of t.rows) {
      const name = r[indexColumn] ?? r.task;
      if (typeof name !== 'string') fail(root, `${TASKS_PATH} has no task strings`, 'tasks');
      tasks[num(r.task_index)] = name;
    }
    if (tasks.length !== t.rows.length || tasks.some((x) => x === undefined)) fail(root, `${TASKS_PATH} has gaps in task_index`, 'tasks');

    const episodeRows: Record<string, unknown>[] = [];
    for (const f of await nestedParquetFiles(path.join(root, EPISODES_DIR))) {
      files.push(f);
      episodeRows.push(...(await readParquet(f)).rows);
    }
    episodeRows.sort((a, b) => num(a.episode_index) - num(b.episode_index));
    const videoKeys = Object.entries(info.features)
      .filter(([, ft]) => ft.dtype === 'video')
      .map(([k]) => k);
    const episodes: EpisodeRow[] = episodeRows.map((r, i) => {
      if (num(r.episode_index) !== i) fail(root, `episode ${i} is missing from ${EPISODES_DIR}`, 'episode_index');
      const stats: Record<string, FeatureStats> = {};
      for (const key of Object.keys(info.features)) {
        const s = { count: 0 } as FeatureStats;
        for (const stat of STAT_KEYS) {
          const cell = r[`stats/${key}/${stat}`];
          if (cell === undefined || cell === null) fail(root, `episode ${i} has no stats/${key}/${stat}`, key);
          if (stat === 'count') s.count = numList(cell)[0] as number;
          else s[stat] = numList(cell);
        }
        stats[key] = s;
      }
      const videos: EpisodeRow['videos'] = {};
      for (const key of videoKeys) {
        videos[key] = {
          chunk: num(r[`videos/${key}/chunk_index`]),
          file: num(r[`videos/${key}/file_index`]),
          fromTs: num(r[`videos/${key}/from_timestamp`]),
          toTs: num(r[`videos/${key}/to_timestamp`]),
        };
      }
      return {
        episodeIndex: i,
        tasks: (r.tasks as unknown[]).map(String),
        length: num(r.length),
        from: num(r.dataset_from_index),
        to: num(r.dataset_to_index),
        videos,
        stats,
      };
    });

    const frames: FrameRow[] = [];
    for (const f of await nestedParquetFiles(path.join(root, 'data'))) {
      files.push(f);
      for (const r of (await readParquet(f)).rows) {
        frames.push({
          state: STATE_KEY in info.features ? numList(r[STATE_KEY]) : null,
          action: ACTION_KEY in info.features ? numList(r[ACTION_KEY]) : null,
          timestamp: num(r.timestamp),
          frameIndex: num(r.frame_index),
          episodeIndex: num(r.episode_index),
          index: num(r.index),
          taskIndex: num(r.task_index),
        });
      }
    }
    frames.sort((a, b) => a.index - b.index);
    if (frames.length !== info.total_frames || frames.some((fr, i) => fr.index !== i)) {
      fail(root, `its data files hold ${frames.length} frames but info.json says ${info.total_frames}`, 'total_frames');
    }
    if (episodes.length !== info.total_episodes) {
      fail(root, `${EPISODES_DIR} lists ${episodes.length} episodes but info.json says ${info.total_episodes}`, 'total_episodes');
    }
    return { info, tasks, episodes, frames, files };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    fail(root, `its files cannot be read (${(err as Error).message})`);
  }
}

function checkCompatible(
  root: string,
  info: DatasetInfo,
  incoming: Record<string, Feature>,
  fps: number,
  robotType: string | undefined,
): void {
  if (info.fps !== fps) fail(root, `it is at ${info.fps} fps but the new episodes are at ${fps} fps`, 'fps');
  const diff = featureDifference(info.features, incoming);
  if (diff) fail(root, diff.why, diff.feature);
  if (robotType !== undefined && info.robot_type !== null && info.robot_type !== robotType) {
    fail(root, `its robot_type is "${info.robot_type}", not "${robotType}"`, 'robot_type');
  }
}

async function prepareEpisode(
  tools: FfmpegTools,
  ep: EpisodeData,
  fps: number,
  dir: string,
  signal?: AbortSignal,
): Promise<PreparedEpisode> {
  const clips = {} as Record<VideoRole, PreparedClip>;
  const imageStats = {} as Record<VideoRole, FeatureStats>;
  for (const role of VIDEO_ROLES) {
    const src = ep.videos[role];
    const label = `${ep.name}: ${role} video ${src}`;
    let probe = await probeClip(tools, src, signal).catch((err: Error) => {
      throw new ApiError(err instanceof ApiError ? err.code : 'IO', `${ep.name}: ${err.message}`, { file: src });
    });
    if (probe.width !== ep.width || probe.height !== ep.height) {
      throw new ApiError('BAD_INPUT', `${label} is ${probe.width}x${probe.height}, the take ${ep.width}x${ep.height}`, { file: src });
    }
    if (probe.frames !== ep.frames)
      throw new ApiError('BAD_INPUT', `${label} has ${probe.frames} frames, the take ${ep.frames}`, { file: src });
    if (Math.abs(probe.fps - fps) > 1e-6)
      throw new ApiError('BAD_INPUT', `${label} is at ${probe.fps} fps, the take at ${fps}`, { file: src });
    let file = src;
    if (needsReencode(probe)) {
      await fs.mkdir(dir, { recursive: true });
      file = path.join(dir, `${role}.mp4`);
      await reencodeClip(tools, src, file, fps, signal);
      probe = await probeClip(tools, file, signal);
      if (probe.frames !== ep.frames)
        throw new ApiError('IO', `${label}: re-encoding gave ${probe.frames} frames, not ${ep.frames}`, { file: src });
    }
    clips[role] = { file, probe };
    // compute_episode_stats for a video feature: per-channel stats of the sampled frames.
    const acc = new ImageStatsAccumulator(probe.width, probe.height);
    const wanted = new Set(sampleIndices(ep.frames));
    await decodeFrames(tools, file, probe.width, probe.height, wanted, (_i, rgb) => acc.addFrame(rgb), signal);
    if (acc.frames !== wanted.size)
      throw new ApiError('IO', `${label}: decoded ${acc.frames} of ${wanted.size} sampled frames`, { file: src });
    imageStats[role] = acc.stats();
  }
  return { source: ep, clips, imageStats };
}

/** Columns of the non-video features, one per dimension (a shape-(1,) feature is one column). */
function featureColumns(rows: FrameRow[], key: string, ft: Feature): Float64Array[] {
  const dims = ft.shape[0] ?? 1;
  const pick = (r: FrameRow, d: number): number => {
    switch (key) {
      case STATE_KEY:
        return (r.state as number[])[d] as number;
      case ACTION_KEY:
        return (r.action as number[])[d] as number;
      case 'timestamp':
        return r.timestamp;
      case 'frame_index':
        return r.frameIndex;
      case 'episode_index':
        return r.episodeIndex;
      case 'index':
        return r.index;
      case 'task_index':
        return r.taskIndex;
      default:
        throw new Error(`unknown feature ${key}`);
    }
  };
  return Array.from({ length: dims }, (_, d) => Float64Array.from(rows, (r) => pick(r, d)));
}

/** compute_episode_stats for every non-video feature of one episode's frames. */
function episodeVectorStats(rows: FrameRow[], features: Record<string, Feature>): Record<string, FeatureStats> {
  const out: Record<string, FeatureStats> = {};
  for (const [key, ft] of Object.entries(features)) {
    if (ft.dtype !== 'video') out[key] = vectorStats(featureColumns(rows, key, ft));
  }
  return out;
}

/**
 * meta/stats.json. Non-video features: computed over every frame of every episode at once (exact
 * min/max/mean/std; the quantiles are lerobot's histogram estimate over the whole dataset, which
 * is what its per-episode estimate gives for one episode). Video features: aggregate_stats over
 * the episodes' sampled-frame stats, as lerobot does (the pixels are not kept).
 */
function datasetStats(frames: FrameRow[], rows: EpisodeRow[], features: Record<string, Feature>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, ft] of Object.entries(features)) {
    if (ft.dtype === 'video') out[key] = statsToJson(aggregateStats(rows.map((r) => r.stats[key] as FeatureStats)), 'image');
    else out[key] = statsToJson(vectorStats(featureColumns(frames, key, ft)), ft.dtype === 'int64' ? 'int' : 'float');
  }
  return out;
}

interface VideoFileState {
  chunk: number;
  file: number;
  /** Inputs to join, in order: the existing file first when appending to it. */
  inputs: string[];
  signature: string;
  bytes: number;
  frames: number;
  /** Whether the file already exists and is only being extended. */
  existing: boolean;
  touched: boolean;
}

/**
 * Store one camera's new clips: each joins the current file when its codec parameters match and
 * the file stays under video_files_size_in_mb (lerobot: a new file once
 * latest_size_in_mb + ep_size_in_mb >= video_files_size_in_mb), else starts the next file.
 */
async function writeVideos(
  tools: FfmpegTools,
  root: string,
  key: string,
  rows: EpisodeRow[],
  firstNew: number,
  prepared: PreparedEpisode[],
  role: VideoRole,
  fps: number,
  limits: { chunksSize: number; videoMb: number },
  signal?: AbortSignal,
): Promise<void> {
  const files: VideoFileState[] = [];
  let current: VideoFileState | null = null;
  const last = rows
    .slice(0, firstNew)
    .map((r) => r.videos[key])
    .filter((v) => v !== undefined)
    .reduce<{ chunk: number; file: number } | null>(
      (best, v) => (!best || v.chunk > best.chunk || (v.chunk === best.chunk && v.file > best.file) ? v : best),
      null,
    );
  if (last) {
    const file = path.join(root, videoFilePath(key, last.chunk, last.file));
    const probe = await probeClip(tools, file, signal);
    const frames = rows.slice(0, firstNew).reduce((s, r) => {
      const v = r.videos[key];
      return v && v.chunk === last.chunk && v.file === last.file ? s + r.length : s;
    }, 0);
    current = {
      chunk: last.chunk,
      file: last.file,
      inputs: [file],
      signature: concatSignature(probe),
      bytes: probe.bytes,
      frames,
      existing: true,
      touched: false,
    };
    files.push(current);
  }
  for (const [i, p] of prepared.entries()) {
    const clip = p.clips[role];
    const signature = concatSignature(clip.probe);
    if (!current || current.signature !== signature || (current.bytes + clip.probe.bytes) / MB >= limits.videoMb) {
      const next: { chunk: number; file: number } = current
        ? nextChunkFile(current.chunk, current.file, limits.chunksSize)
        : { chunk: 0, file: 0 };
      current = { ...next, inputs: [], signature, bytes: 0, frames: 0, existing: false, touched: false };
      files.push(current);
    }
    const row = rows[firstNew + i] as EpisodeRow;
    row.videos[key] = { chunk: current.chunk, file: current.file, fromTs: current.frames / fps, toTs: (current.frames + row.length) / fps };
    current.inputs.push(clip.file);
    current.bytes += clip.probe.bytes;
    current.frames += row.length;
    current.touched = true;
  }
  for (const f of files) {
    if (!f.touched) continue;
    signal?.throwIfAborted();
    const target = path.join(root, videoFilePath(key, f.chunk, f.file));
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.partial-${process.pid}.mp4`;
    try {
      await concatClips(tools, f.inputs, temp, signal);
      await checkFrameTimes(tools, temp, f.frames, fps, signal);
      await fs.rename(temp, target);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }
}

/**
 * Which data file holds each episode: episodes in order, a new file once the current one would
 * reach data_files_size_in_mb (lerobot: latest_size_in_mb + av_size_per_frame * ep_num_frames >=
 * data_files_size_in_mb; sizes here are the uncompressed column bytes, an upper bound).
 */
function assignDataFiles(
  rows: EpisodeRow[],
  features: Record<string, Feature>,
  limits: { chunksSize: number; dataMb: number },
): { files: Map<string, EpisodeRow[]>; of: Map<number, { chunk: number; file: number }> } {
  let bytesPerFrame = 0;
  for (const ft of Object.values(features)) {
    if (ft.dtype === 'video') continue;
    bytesPerFrame += (ft.dtype === 'int64' ? 8 : 4) * (ft.shape[0] ?? 1) + (ft.shape[0] === 1 ? 0 : 8);
  }
  const files = new Map<string, EpisodeRow[]>();
  const of = new Map<number, { chunk: number; file: number }>();
  let at = { chunk: 0, file: 0 };
  let size = 0;
  for (const r of rows) {
    const add = bytesPerFrame * r.length;
    if (size > 0 && (size + add) / MB >= limits.dataMb) {
      at = nextChunkFile(at.chunk, at.file, limits.chunksSize);
      size = 0;
    }
    size += add;
    const rel = dataFilePath(at.chunk, at.file);
    files.set(rel, [...(files.get(rel) ?? []), r]);
    of.set(r.episodeIndex, at);
  }
  return { files, of };
}

/** The `datasets` features of the data file (get_hf_features_from_features), kept in its `huggingface` metadata. */
function hfFeatures(features: Record<string, Feature>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, ft] of Object.entries(features)) {
    if (ft.dtype === 'video') continue;
    const value = { dtype: ft.dtype, _type: 'Value' };
    out[key] = ft.shape.length === 1 && ft.shape[0] === 1 ? value : { feature: value, length: ft.shape[0], _type: 'List' };
  }
  return out;
}

async function writeDataFile(file: string, eps: EpisodeRow[], frames: FrameRow[], features: Record<string, Feature>): Promise<void> {
  const rows = eps.flatMap((e) => frames.slice(e.from, e.to));
  const columns: { spec: ColumnSpec; cells: Cell[] }[] = [];
  for (const [key, ft] of Object.entries(features)) {
    if (ft.dtype === 'video') continue;
    const scalar = ft.shape.length === 1 && ft.shape[0] === 1;
    const spec: ColumnSpec = { name: key, type: ft.dtype === 'int64' ? 'int64' : 'float32', listDepth: scalar ? 0 : 1 };
    const cols = featureColumns(rows, key, ft);
    const cells: Cell[] = scalar ? Array.from(cols[0] as Float64Array) : rows.map((_, i) => cols.map((c) => c[i] as number));
    columns.push({ spec, cells });
  }
  await writeParquet(file, columns, [{ key: 'huggingface', value: JSON.stringify({ info: { features: hfFeatures(features) } }) }]);
}

async function writeEpisodesFile(
  file: string,
  rows: EpisodeRow[],
  dataFileOf: Map<number, { chunk: number; file: number }>,
  features: Record<string, Feature>,
): Promise<void> {
  const columns: { spec: ColumnSpec; cells: Cell[] }[] = [];
  const scalar = (name: string, type: 'int64' | 'float64', cell: (r: EpisodeRow) => number) =>
    columns.push({ spec: { name, type, listDepth: 0 }, cells: rows.map(cell) });
  scalar('episode_index', 'int64', (r) => r.episodeIndex);
  columns.push({ spec: { name: 'tasks', type: 'string', listDepth: 1 }, cells: rows.map((r) => r.tasks) });
  scalar('length', 'int64', (r) => r.length);
  scalar('data/chunk_index', 'int64', (r) => dataFileOf.get(r.episodeIndex)?.chunk ?? 0);
  scalar('data/file_index', 'int64', (r) => dataFileOf.get(r.episodeIndex)?.file ?? 0);
  scalar('dataset_from_index', 'int64', (r) => r.from);
  scalar('dataset_to_index', 'int64', (r) => r.to);
  for (const [key, ft] of Object.entries(features)) {
    if (ft.dtype !== 'video') continue;
    const v = (r: EpisodeRow) => r.videos[key] as { chunk: number; file: number; fromTs: number; toTs: number };
    scalar(`videos/${key}/chunk_index`, 'int64', (r) => v(r).chunk);
    scalar(`videos/${key}/file_index`, 'int64', (r) => v(r).file);
    scalar(`videos/${key}/from_timestamp`, 'float64', (r) => v(r).fromTs);
    scalar(`videos/${key}/to_timestamp`, 'float64', (r) => v(r).toTs);
  }
  for (const [key, ft] of Object.entries(features)) {
    for (const stat of STAT_KEYS) {
      const name = `stats/${key}/${stat}`;
      if (stat === 'count') {
        columns.push({ spec: { name, type: 'int64', listDepth: 1 }, cells: rows.map((r) => [(r.stats[key] as FeatureStats).count]) });
        continue;
      }
      const values = (r: EpisodeRow) => (r.stats[key] as FeatureStats)[stat as ValueStatKey];
      if (ft.dtype === 'video') {
        columns.push({ spec: { name, type: 'float64', listDepth: 3 }, cells: rows.map((r) => values(r).map((x) => [[x]])) });
      } else {
        // pa.Table.from_pydict of ndarray.tolist(): integer min/max stay int64, everything else is double.
        const intStat = ft.dtype === 'int64' && (stat === 'min' || stat === 'max');
        columns.push({ spec: { name, type: intStat ? 'int64' : 'float64', listDepth: 1 }, cells: rows.map((r) => [...values(r)]) });
      }
    }
  }
  // Everything is in meta/episodes/chunk-000/file-000.parquet.
  scalar('meta/episodes/chunk_index', 'int64', () => 0);
  scalar('meta/episodes/file_index', 'int64', () => 0);
  await writeParquet(file, columns);
}

/**
 * meta/tasks.parquet as pandas writes `DataFrame({"task_index": [...]}, index=tasks).to_parquet()`:
 * the index becomes the column `__index_level_0__`, named in the `pandas` metadata so that
 * pd.read_parquet gives back a frame indexed by the task string (what lerobot's load_tasks reads:
 * tasks.loc[task].task_index, tasks.iloc[i].name).
 */
async function writeTasksFile(file: string, tasks: string[]): Promise<void> {
  const pandas = {
    index_columns: ['__index_level_0__'],
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns: [
      { name: 'task_index', field_name: 'task_index', pandas_type: 'int64', numpy_type: 'int64', metadata: null },
      { name: null, field_name: '__index_level_0__', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
    ],
    creator: { library: 'hyparquet-writer', version: '0.17.0' },
    pandas_version: '2.2.3',
  };
  await writeParquet(
    file,
    [
      { spec: { name: 'task_index', type: 'int64', listDepth: 0 }, cells: tasks.map((_, i) => i) },
      { spec: { name: '__index_level_0__', type: 'string', listDepth: 0 }, cells: tasks },
    ],
    [{ key: 'pandas', value: JSON.stringify(pandas) }],
  );
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.partial-${process.pid}`;
  await fs.writeFile(temp, toLeRobotJson(value));
  await fs.rename(temp, file);
}
