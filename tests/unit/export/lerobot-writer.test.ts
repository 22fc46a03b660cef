import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpisodeData } from '../../../src/main/export/episode';
import type { DatasetInfo } from '../../../src/main/export/lerobot/lerobot-info';
import { aggregateStats, sampleIndices, vectorStats } from '../../../src/main/export/lerobot/lerobot-stats';
import { writeLeRobotDataset } from '../../../src/main/export/lerobot/lerobot-writer';
import { readParquet } from '../../../src/main/export/lerobot/parquet';

const W = 64;
const H = 48;
const FPS = 8;
const STATE_NAMES = ['camera.x', 'camera.y', 'camera.z', 'right.wrist.x', 'right.finger.0'];
const ACTION_NAMES = ['camera.target.x', 'camera.target.y', 'right.wrist.target.x'];
const KEYS = ['observation.images.egocentric', 'observation.images.static', 'observation.images.hands'];

let root: string;
let clipCount = 0;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-lerobot-test-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

function ffprobe(args: string[]): string {
  const r = spawnSync('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Decoded frames and sorted presentation times of a video's first stream. */
function frameTimes(file: string): number[] {
  return ffprobe(['-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file])
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'N/A')
    .map(Number)
    .sort((a, b) => a - b);
}

function decodedFrameCount(file: string): number {
  return Number(
    ffprobe(['-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]).trim(),
  );
}

/** A test clip: lavfi testsrc2 shifted by `start` frames, H.264 as the studio writes it unless other args say otherwise. */
function clip(frames: number, start: number, opts: { size?: string; rate?: number; extra?: string[] } = {}): string {
  const file = path.join(root, `clip-${clipCount++}.mp4`);
  const size = opts.size ?? `${W}x${H}`;
  const rate = opts.rate ?? FPS;
  const codec = opts.extra ?? ['-c:v', 'libx264', '-preset', 'medium', '-crf', '12', '-pix_fmt', 'yuv420p', '-g', String(rate)];
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate},trim=start_frame=${start},setpts=PTS-STARTPTS`],
    ...['-frames:v', String(frames), ...codec, '-movflags', '+faststart', '-y', file],
  ]);
  return file;
}

function vectors(frames: number, dims: number, seed: number): number[][] {
  return Array.from({ length: frames }, (_, f) => Array.from({ length: dims }, (_, d) => Math.sin(0.3 * f + d + seed) * (d + 1)));
}

function episode(
  i: number,
  frames: number,
  task: string,
  opts: { poses?: boolean; videos?: Partial<EpisodeData['videos']>; fps?: number; width?: number; height?: number } = {},
): EpisodeData {
  const poses = opts.poses ?? true;
  return {
    takeId: `take-${i}`,
    name: `Take ${i}`,
    task,
    fps: opts.fps ?? FPS,
    frames,
    width: opts.width ?? W,
    height: opts.height ?? H,
    videos: {
      generated: opts.videos?.generated ?? clip(frames, 10 * i),
      static: opts.videos?.static ?? clip(frames, 10 * i + 3),
      hands: opts.videos?.hands ?? clip(frames, 10 * i + 5),
    },
    state: poses ? { names: STATE_NAMES, values: vectors(frames, STATE_NAMES.length, i) } : null,
    action: poses ? { names: ACTION_NAMES, values: vectors(frames, ACTION_NAMES.length, i + 0.5) } : null,
  };
}

async function readInfo(dir: string): Promise<DatasetInfo> {
  return JSON.parse(await fs.readFile(path.join(dir, 'meta/info.json'), 'utf8')) as DatasetInfo;
}

function dataset(name: string): string {
  return path.join(root, name);
}

/** A pattern matching the folder's path literally, then `rest`. */
function naming(dir: string, rest: string): RegExp {
  return new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*${rest}`);
}

// Each case spawns ffmpeg and ffprobe a few dozen times: seconds here, more on a busy two-core machine.
describe('LeRobot v3.0 writer', { timeout: 120_000 }, () => {
  it('writes episodes, tasks, joined videos, stats and info that agree with each other', async () => {
    const out = dataset('basic');
    const eps = [episode(0, 9, 'pick up the cup'), episode(1, 10, 'open the drawer'), episode(2, 7, 'pick up the cup')];
    const calls: [number, number][] = [];
    const result = await writeLeRobotDataset(out, eps, { fps: FPS, robotType: 'dwm-test', onProgress: (d, t) => calls.push([d, t]) });
    expect(result).toEqual({ episodes: 3, frames: 26, totalEpisodes: 3, totalFrames: 26 });
    expect(calls[0]).toEqual([0, 3]);
    expect(calls.at(-1)).toEqual([3, 3]);

    const info = await readInfo(out);
    expect(info).toMatchObject({
      codebase_version: 'v3.0',
      robot_type: 'dwm-test',
      total_episodes: 3,
      total_frames: 26,
      total_tasks: 2,
      chunks_size: 1000,
      data_files_size_in_mb: 100,
      video_files_size_in_mb: 200,
      fps: 8,
      splits: { train: '0:3' },
      data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
      video_path: 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4',
    });
    expect(Object.keys(info.features)).toEqual([
      'observation.state',
      'action',
      ...KEYS,
      'timestamp',
      'frame_index',
      'episode_index',
      'index',
      'task_index',
    ]);
    expect(info.features['observation.state']).toEqual({ dtype: 'float32', shape: [5], names: STATE_NAMES });
    expect(info.features.action).toEqual({ dtype: 'float32', shape: [3], names: ACTION_NAMES });
    expect(info.features.index).toEqual({ dtype: 'int64', shape: [1], names: null });
    expect(info.features.timestamp).toEqual({ dtype: 'float32', shape: [1], names: null });
    for (const key of KEYS) {
      expect(info.features[key]).toEqual({
        dtype: 'video',
        shape: [H, W, 3],
        names: ['height', 'width', 'channels'],
        info: {
          'video.height': H,
          'video.width': W,
          'video.codec': 'h264',
          'video.pix_fmt': 'yuv420p',
          'video.is_depth_map': false,
          'video.fps': FPS,
          'video.channels': 3,
          has_audio: false,
        },
      });
      // One file per camera holding every episode, frame k at k / fps.
      const file = path.join(out, `videos/${key}/chunk-000/file-000.mp4`);
      expect(decodedFrameCount(file)).toBe(26);
      const times = frameTimes(file);
      expect(times).toHaveLength(26);
      times.forEach((t, k) => {
        expect(Math.abs(t - k / FPS)).toBeLessThan(1e-4);
      });
    }

    const data = (await readParquet(path.join(out, 'data/chunk-000/file-000.parquet'))).rows;
    expect(data).toHaveLength(26);
    expect(Object.keys(data[0] as object)).toEqual([
      'observation.state',
      'action',
      'timestamp',
      'frame_index',
      'episode_index',
      'index',
      'task_index',
    ]);
    expect(data.map((r) => Number(r.index))).toEqual(Array.from({ length: 26 }, (_, i) => i));
    expect(data.map((r) => Number(r.episode_index))).toEqual([...Array(9).fill(0), ...Array(10).fill(1), ...Array(7).fill(2)]);
    expect(data.map((r) => Number(r.task_index))).toEqual([...Array(9).fill(0), ...Array(10).fill(1), ...Array(7).fill(0)]);
    expect(data[12]?.frame_index).toBe(3n);
    expect(data[12]?.timestamp).toBe(3 / FPS);
    expect(data[12]?.['observation.state']).toEqual(eps[1]?.state?.values[3]?.map(Math.fround));

    const tasks = await readParquet(path.join(out, 'meta/tasks.parquet'));
    expect(tasks.rows).toEqual([
      { task_index: 0n, __index_level_0__: 'pick up the cup' },
      { task_index: 1n, __index_level_0__: 'open the drawer' },
    ]);
    expect(JSON.parse(tasks.keyValue.pandas ?? '{}').index_columns).toEqual(['__index_level_0__']);

    const episodes = (await readParquet(path.join(out, 'meta/episodes/chunk-000/file-000.parquet'))).rows;
    expect(episodes).toHaveLength(3);
    expect(episodes.map((r) => r.tasks)).toEqual([['pick up the cup'], ['open the drawer'], ['pick up the cup']]);
    expect(episodes.map((r) => [Number(r.dataset_from_index), Number(r.dataset_to_index), Number(r.length)])).toEqual([
      [0, 9, 9],
      [9, 19, 10],
      [19, 26, 7],
    ]);
    for (const key of KEYS) {
      expect(episodes.map((r) => [r[`videos/${key}/from_timestamp`], r[`videos/${key}/to_timestamp`]])).toEqual([
        [0, 9 / FPS],
        [9 / FPS, 19 / FPS],
        [19 / FPS, 26 / FPS],
      ]);
    }
    // Per-episode stats: episode 1's state over its 10 frames; images per channel in [0, 1], shape (3, 1, 1).
    const ep1State = (eps[1]?.state?.values ?? []).map((v) => v.map(Math.fround));
    const expected = vectorStats(STATE_NAMES.map((_, d) => ep1State.map((v) => v[d] as number)));
    expect(episodes[1]?.['stats/observation.state/min']).toEqual(expected.min);
    expect(episodes[1]?.['stats/observation.state/count']).toEqual([10n]);
    expect(episodes[1]?.['stats/frame_index/max']).toEqual([9n]);
    const imgMean = episodes[0]?.['stats/observation.images.egocentric/mean'] as number[][][];
    expect(imgMean).toHaveLength(3);
    for (const c of imgMean) expect(c[0]?.[0]).toBeGreaterThan(0.05);
    expect(episodes[0]?.['stats/observation.images.egocentric/count']).toEqual([9n]);

    const stats = JSON.parse(await fs.readFile(path.join(out, 'meta/stats.json'), 'utf8'));
    expect(Object.keys(stats).sort()).toEqual(Object.keys(info.features).sort());
    for (const ft of Object.values(stats) as Record<string, unknown>[]) {
      expect(Object.keys(ft)).toEqual(['min', 'max', 'mean', 'std', 'count', 'q01', 'q10', 'q50', 'q90', 'q99']);
    }
    expect(stats.index).toMatchObject({ min: [0], max: [25], mean: [12.5], count: [26] });
    expect(stats['observation.images.hands'].count).toEqual([26]);
    expect(stats['observation.images.hands'].mean[0][0]).toHaveLength(1);
    const allState = data.map((r) => r['observation.state'] as number[]);
    const std0 = vectorStats([allState.map((v) => v[0] as number)]).std[0] as number;
    expect(stats['observation.state'].std[0]).toBeCloseTo(std0, 12);
  });

  it('appends: continues the indices, adds only new tasks, extends the videos and recomputes the stats', async () => {
    const out = dataset('append');
    await writeLeRobotDataset(out, [episode(0, 9, 'stack blocks'), episode(1, 10, 'wipe the table')], { fps: FPS });
    const before = (await readParquet(path.join(out, 'meta/episodes/chunk-000/file-000.parquet'))).rows;
    const result = await writeLeRobotDataset(out, [episode(2, 8, 'wipe the table'), episode(3, 6, 'open the box')], {
      fps: FPS,
      append: true,
    });
    expect(result).toEqual({ episodes: 2, frames: 14, totalEpisodes: 4, totalFrames: 33 });

    const info = await readInfo(out);
    expect(info).toMatchObject({ total_episodes: 4, total_frames: 33, total_tasks: 3, splits: { train: '0:4' } });
    const tasks = (await readParquet(path.join(out, 'meta/tasks.parquet'))).rows;
    expect(tasks.map((r) => r.__index_level_0__)).toEqual(['stack blocks', 'wipe the table', 'open the box']);
    const data = (await readParquet(path.join(out, 'data/chunk-000/file-000.parquet'))).rows;
    expect(data.map((r) => Number(r.index))).toEqual(Array.from({ length: 33 }, (_, i) => i));
    expect(data.slice(19).map((r) => Number(r.episode_index))).toEqual([...Array(8).fill(2), ...Array(6).fill(3)]);
    expect(data.slice(19).map((r) => Number(r.task_index))).toEqual([...Array(8).fill(1), ...Array(6).fill(2)]);
    const episodes = (await readParquet(path.join(out, 'meta/episodes/chunk-000/file-000.parquet'))).rows;
    expect(episodes).toHaveLength(4);
    // The first two episodes are untouched, stats included.
    for (const col of [
      'videos/observation.images.egocentric/to_timestamp',
      'stats/observation.state/mean',
      'stats/observation.images.static/std',
    ]) {
      expect(episodes.slice(0, 2).map((r) => r[col])).toEqual(before.map((r) => r[col]));
    }
    expect(episodes.map((r) => r['videos/observation.images.static/from_timestamp'])).toEqual([0, 9 / FPS, 19 / FPS, 27 / FPS]);
    for (const key of KEYS) {
      const file = path.join(out, `videos/${key}/chunk-000/file-000.mp4`);
      expect(decodedFrameCount(file)).toBe(33);
      frameTimes(file).forEach((t, k) => {
        expect(Math.abs(t - k / FPS)).toBeLessThan(1e-4);
      });
    }
    const stats = JSON.parse(await fs.readFile(path.join(out, 'meta/stats.json'), 'utf8'));
    expect(stats.episode_index).toMatchObject({ min: [0], max: [3], count: [33] });
    const actionCol = data.map((r) => (r.action as number[])[2] as number);
    const expected = vectorStats([actionCol]);
    expect(stats.action.max[2]).toBe(expected.max[0]);
    expect(stats.action.mean[2]).toBeCloseTo(expected.mean[0] as number, 12);
    expect(stats.action.q99[2]).toBeCloseTo(expected.q99[0] as number, 12);
    // Image stats: the episodes' sampled-frame stats aggregated as lerobot's aggregate_stats does.
    const perEp = episodes.map((r) => ({
      count: Number((r['stats/observation.images.egocentric/count'] as bigint[])[0]),
      min: (r['stats/observation.images.egocentric/min'] as number[][][]).flat(2),
      max: (r['stats/observation.images.egocentric/max'] as number[][][]).flat(2),
      mean: (r['stats/observation.images.egocentric/mean'] as number[][][]).flat(2),
      std: (r['stats/observation.images.egocentric/std'] as number[][][]).flat(2),
      q01: (r['stats/observation.images.egocentric/q01'] as number[][][]).flat(2),
      q10: (r['stats/observation.images.egocentric/q10'] as number[][][]).flat(2),
      q50: (r['stats/observation.images.egocentric/q50'] as number[][][]).flat(2),
      q90: (r['stats/observation.images.egocentric/q90'] as number[][][]).flat(2),
      q99: (r['stats/observation.images.egocentric/q99'] as number[][][]).flat(2),
    }));
    const agg = aggregateStats(perEp);
    expect(stats['observation.images.egocentric'].mean.flat(2)).toEqual(agg.mean);
    expect(stats['observation.images.egocentric'].count).toEqual([33]);
  });

  it('refuses to append episodes whose features differ, naming the folder and the feature', async () => {
    const out = dataset('refuse');
    await writeLeRobotDataset(out, [episode(0, 9, 'a')], { fps: FPS });
    const snapshot = await fs.readFile(path.join(out, 'meta/info.json'), 'utf8');
    await expect(writeLeRobotDataset(out, [episode(1, 9, 'b', { poses: false })], { fps: FPS, append: true })).rejects.toThrow(
      naming(out, 'observation\\.state'),
    );
    const fast = { generated: clip(9, 0, { rate: 16 }), static: clip(9, 1, { rate: 16 }), hands: clip(9, 2, { rate: 16 }) };
    await expect(writeLeRobotDataset(out, [episode(1, 9, 'b', { fps: 16, videos: fast })], { fps: 16, append: true })).rejects.toThrow(
      naming(out, '8 fps.*16 fps'),
    );
    const big = { generated: clip(9, 0, { size: '80x48' }), static: clip(9, 1, { size: '80x48' }), hands: clip(9, 2, { size: '80x48' }) };
    await expect(writeLeRobotDataset(out, [episode(1, 9, 'b', { width: 80, videos: big })], { fps: FPS, append: true })).rejects.toThrow(
      naming(out, 'observation\\.images\\.egocentric.*shape'),
    );
    const err = await writeLeRobotDataset(out, [episode(1, 9, 'b', { poses: false })], { fps: FPS, append: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_INPUT', file: out, field: 'observation.state' });
    // Without append, an existing dataset is not overwritten.
    await expect(writeLeRobotDataset(out, [episode(1, 9, 'b')], { fps: FPS })).rejects.toThrow(/already holds a LeRobot dataset/);
    expect(await fs.readFile(path.join(out, 'meta/info.json'), 'utf8')).toBe(snapshot);
  });

  it('refuses a non-empty folder that is not a LeRobot dataset, inconsistent episodes and a fractional fps', async () => {
    const out = dataset('other');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'notes.txt'), 'mine');
    for (const append of [false, true]) {
      await expect(writeLeRobotDataset(out, [episode(0, 9, 'a')], { fps: FPS, append })).rejects.toThrow(/not a LeRobot dataset/);
    }
    expect(await fs.readdir(out)).toEqual(['notes.txt']);
    const fresh = dataset('mixed');
    await expect(writeLeRobotDataset(fresh, [episode(0, 9, 'a'), episode(1, 9, 'b', { poses: false })], { fps: FPS })).rejects.toThrow(
      /observation\.state/,
    );
    await expect(writeLeRobotDataset(fresh, [episode(0, 9, 'a', { fps: 7.5 })], { fps: 7.5 })).rejects.toThrow(/whole number/);
    // A clip shorter than the take says.
    const short = { generated: clip(5, 0) };
    await expect(writeLeRobotDataset(fresh, [episode(0, 9, 'a', { videos: short })], { fps: FPS })).rejects.toThrow(/5 frames, the take 9/);
  });

  it('stops between episodes when cancelled', async () => {
    const out = dataset('cancel');
    const ac = new AbortController();
    const eps = [episode(0, 9, 'a'), episode(1, 9, 'b'), episode(2, 9, 'c')];
    const run = writeLeRobotDataset(out, eps, {
      fps: FPS,
      signal: ac.signal,
      onProgress: (done) => {
        if (done === 1) ac.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    await expect(fs.access(path.join(out, 'meta/info.json'))).rejects.toThrow();
  });

  it('re-encodes clips that are not H.264 4:2:0 and starts a new video file when codec parameters differ', async () => {
    const out = dataset('mixed-codecs');
    const yuv444 = clip(8, 40, { extra: ['-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv444p', '-g', '8'] });
    const mpeg4 = clip(8, 41, { extra: ['-c:v', 'mpeg4', '-q:v', '3'] });
    const baseline = clip(8, 42, { extra: ['-c:v', 'libx264', '-profile:v', 'baseline', '-crf', '20', '-pix_fmt', 'yuv420p', '-g', '8'] });
    const eps = [
      episode(0, 9, 'a'),
      episode(1, 8, 'a', { videos: { generated: yuv444, static: mpeg4, hands: baseline } }),
      episode(2, 9, 'a'),
    ];
    await writeLeRobotDataset(out, eps, { fps: FPS });
    const episodes = (await readParquet(path.join(out, 'meta/episodes/chunk-000/file-000.parquet'))).rows;
    const info = await readInfo(out);
    for (const key of KEYS) {
      const files = episodes.map((r) => Number(r[`videos/${key}/file_index`]));
      // Every file starts at 0 and holds its episodes back to back.
      const byFile = new Map<number, number>();
      for (const [i, r] of episodes.entries()) {
        const f = files[i] as number;
        expect(r[`videos/${key}/from_timestamp`]).toBe((byFile.get(f) ?? 0) / FPS);
        byFile.set(f, (byFile.get(f) ?? 0) + Number(r.length));
      }
      for (const [f, frames] of byFile) {
        const file = path.join(out, `videos/${key}/chunk-000/file-${String(f).padStart(3, '0')}.mp4`);
        expect(decodedFrameCount(file)).toBe(frames);
        const [codec, pixFmt] = ffprobe(['-select_streams', 'v:0', '-show_entries', 'stream=codec_name,pix_fmt', '-of', 'csv=p=0', file])
          .trim()
          .split(',');
        expect([codec, pixFmt]).toEqual([info.features[key]?.info?.['video.codec'], info.features[key]?.info?.['video.pix_fmt']]);
      }
    }
    // The baseline-profile clip cannot share a file with the high-profile ones.
    expect(episodes.map((r) => Number(r['videos/observation.images.hands/file_index']))).toEqual([0, 1, 2]);
  });
});

describe('LeRobot statistics', () => {
  it('samples frames as lerobot does', () => {
    expect(sampleIndices(5)).toEqual([0, 1, 2, 3, 4]);
    const s = sampleIndices(300);
    expect(s).toHaveLength(100);
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(299);
    // np.round(np.linspace(0, 299, 100)): 299 / 99 * 33 = 99.67 -> 100.
    expect(s[33]).toBe(100);
    expect(sampleIndices(1000)).toHaveLength(177);
  });

  it('computes histogram quantiles like RunningQuantileStats, and basic stats for one frame', () => {
    // Bit for bit the values lerobot 0.4.4 wrote for frame_index and timestamp of a 9-frame, 8 fps
    // episode, in a dataset it made itself (LeRobotDataset.create + add_frame + save_episode).
    const s = vectorStats([Array.from({ length: 9 }, (_, i) => i)]);
    expect([s.q01[0], s.q10[0], s.q50[0], s.q90[0], s.q99[0]]).toEqual([
      -1e-10, -1e-10, 4.0008000000000195, 7.998560000099964, 7.999856000099997,
    ]);
    // lerobot: 2.5819888974716116 via sqrt(E[x^2] - E[x]^2); two passes here.
    expect(s.std[0]).toBeCloseTo(2.5819888974716116, 14);
    const t = vectorStats([Array.from({ length: 9 }, (_, i) => i / 8)]);
    expect([t.q50[0], t.q90[0], t.q99[0]]).toEqual([0.50010000000002, 0.999820000099964, 0.9999820000999964]);
    const one = vectorStats([[3.5]]);
    expect(one).toMatchObject({ count: 1, min: [3.5], max: [3.5], mean: [3.5], std: [0], q01: [3.5], q99: [3.5] });
  });
});
