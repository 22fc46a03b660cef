import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, formatIssuePath } from '../../../shared/api/errors';
import { buildConditioningPoses, type ConditioningPoses, type ConditioningTrack } from '../../../shared/conditioning/poses';
import { ConditioningSpec } from '../../../shared/conditioning/spec';
import { TrajectoryError } from '../../../shared/trajectory/errors';
import { stringifyCompact } from '../../../shared/trajectory/frames';
import { writeFileAtomic } from '../fs/atomic-write';
import type { FfmpegTools } from './ffmpeg';
import { findFfmpeg } from './ffmpeg';
import { fsyncDir } from './fs-sync';
import { ioError } from './io-errors';
import { FrameVideoEncoder } from './video-encoder';

/**
 * A rendered conditioning set for one shot:
 *
 *   <project>/renders/<shotId>/<stamp>/
 *     static.mp4  hands.mp4  poses.json  static/000.png ...  hands/000.png ...
 *
 * Everything is written under `<stamp>.partial/` and the folder is renamed to `<stamp>` only
 * when both videos have every frame, so a folder without `.partial` is always complete; a
 * failure or abort removes the partial folder.
 */

export const RENDERS_DIR = 'renders';
export const PARTIAL_SUFFIX = '.partial';

export interface ConditioningSetOptions extends ConditioningTrack {
  spec: ConditioningSpec;
  /** Also keep every frame as a lossless PNG (default true): for datasets and for checking the video against what was drawn. */
  pngs?: boolean;
  now?: () => Date;
  tools?: FfmpegTools;
}

export interface ConditioningFrame {
  /** RGBA, spec.width x spec.height, rows top to bottom. */
  static: Uint8Array;
  hands: Uint8Array;
}

export interface ConditioningSetResult {
  dir: string;
  stamp: string;
  staticVideo: string;
  handsVideo: string;
  posesFile: string;
  staticFrames: string[];
  handsFrames: string[];
}

/** Shot ids are UUIDs; anything that could leave the renders folder is refused. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** UTC, sortable, no characters that some file systems refuse: 20260131-142501-123Z. */
export function renderStamp(at: Date): string {
  const iso = at.toISOString(); // 2026-01-31T14:25:01.123Z
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}Z`;
}

function checkInput(shotId: string, opts: ConditioningSetOptions): { spec: ConditioningSpec; poses: ConditioningPoses } {
  if (!SAFE_ID.test(shotId) || shotId.includes('..')) {
    throw new ApiError('BAD_INPUT', `shot id ${JSON.stringify(shotId)} cannot name a folder`, { field: 'shotId' });
  }
  const parsed = ConditioningSpec.safeParse(opts.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? formatIssuePath(issue.path) : '';
    throw new ApiError('BAD_INPUT', `conditioning spec: ${field} ${issue?.message ?? 'is invalid'}`, { field: `spec.${field}` });
  }
  try {
    return { spec: parsed.data, poses: buildConditioningPoses(parsed.data, opts) };
  } catch (err) {
    if (err instanceof TrajectoryError) {
      const where = err.field === undefined ? {} : { field: err.field };
      throw new ApiError('BAD_INPUT', `Cannot render the conditioning videos: ${err.message}`, where);
    }
    throw err;
  }
}

/** Claim `<stamp>.partial` with an exclusive mkdir, so two renders of one shot never share a folder. */
export async function claimStampDir(shotDir: string, base: string): Promise<{ stamp: string; partial: string }> {
  for (let n = 1; n < 1000; n++) {
    const stamp = n === 1 ? base : `${base}-${n}`;
    const finalExists = await fs.stat(path.join(shotDir, stamp)).then(
      () => true,
      () => false,
    );
    if (finalExists) continue;
    const partial = path.join(shotDir, stamp + PARTIAL_SUFFIX);
    try {
      await fs.mkdir(partial);
      return { stamp, partial };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new ApiError('IO', `${shotDir}: no free folder name for ${base}`, { file: shotDir });
}

/**
 * Streams one shot's conditioning frames to disk. Frames come one at a time (from the renderer,
 * over IPC), each pair written to both videos at once; the videos are two ffmpeg processes.
 */
export class ConditioningSetWriter {
  private written = 0;
  private closed = false;

  private constructor(
    private readonly spec: ConditioningSpec,
    private readonly shotDir: string,
    private readonly stamp: string,
    private readonly partial: string,
    private readonly encoders: { static: FrameVideoEncoder; hands: FrameVideoEncoder },
  ) {}

  /** Validate everything, write poses.json and start both encoders; nothing is drawn yet. */
  static async open(projectDir: string, shotId: string, opts: ConditioningSetOptions): Promise<ConditioningSetWriter> {
    const { spec, poses } = checkInput(shotId, opts);
    const root = path.resolve(projectDir);
    const stat = await fs.stat(root).catch(() => null);
    if (!stat?.isDirectory()) throw new ApiError('NOT_FOUND', `${root}: no such project folder`, { file: root });
    const tools = opts.tools ?? (await findFfmpeg());
    const shotDir = path.join(root, RENDERS_DIR, shotId);
    let claimed: { stamp: string; partial: string };
    try {
      await fs.mkdir(shotDir, { recursive: true });
      claimed = await claimStampDir(shotDir, renderStamp((opts.now ?? (() => new Date()))()));
    } catch (err) {
      throw ioError(shotDir, 'creating the render folder', err);
    }
    const { stamp, partial } = claimed;
    const encoders = { static: new FrameVideoEncoder(), hands: new FrameVideoEncoder() };
    const writer = new ConditioningSetWriter(spec, shotDir, stamp, partial, encoders);
    try {
      const posesFile = path.join(partial, 'poses.json');
      await writeFileAtomic(posesFile, stringifyCompact(poses)).catch((err: unknown) => {
        throw ioError(posesFile, 'writing the poses', err);
      });
      const pngs = opts.pngs ?? true;
      for (const name of ['static', 'hands'] as const) {
        await encoders[name].start({
          file: path.join(partial, `${name}.mp4`),
          width: spec.width,
          height: spec.height,
          fps: spec.fps,
          expectedFrames: spec.frames,
          tools,
          ...(pngs ? { pngDir: path.join(partial, name) } : {}),
        });
      }
    } catch (err) {
      await writer.abort();
      throw err;
    }
    return writer;
  }

  get framesWritten(): number {
    return this.written;
  }

  /** One frame of each video (RGBA, spec size). Resolves when both encoders have taken it. */
  async writeFrame(staticRgba: Uint8Array, handsRgba: Uint8Array): Promise<void> {
    if (this.closed) throw new ApiError('BAD_INPUT', `${this.partial}: this conditioning set is already finished or aborted`);
    // Sizes are checked here, before either encoder takes a frame, so a wrong one is refused
    // without the two videos getting out of step and the set stays usable.
    const bytes = this.spec.width * this.spec.height * 4;
    for (const [name, rgba] of [
      ['static', staticRgba],
      ['hands', handsRgba],
    ] as const) {
      if (!(rgba instanceof Uint8Array) || rgba.length !== bytes) {
        const got = rgba instanceof Uint8Array ? `${rgba.length} bytes` : 'not a byte array';
        const msg = `${name} frame ${this.written} has ${got}; a ${this.spec.width}x${this.spec.height} RGBA frame has ${bytes}`;
        throw new ApiError('BAD_INPUT', msg, { field: name });
      }
    }
    const results = await Promise.allSettled([this.encoders.static.writeFrame(staticRgba), this.encoders.hands.writeFrame(handsRgba)]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.abort();
      throw failed.reason;
    }
    this.written++;
  }

  /** Close both videos and move the folder into place. */
  async finish(): Promise<ConditioningSetResult> {
    if (this.closed) throw new ApiError('BAD_INPUT', `${this.partial}: this conditioning set is already finished or aborted`);
    if (this.written !== this.spec.frames) {
      await this.abort();
      throw new ApiError('BAD_INPUT', `only ${this.written} of ${this.spec.frames} conditioning frames were rendered`, {
        file: this.partial,
      });
    }
    const results = await Promise.allSettled([this.encoders.static.finish(), this.encoders.hands.finish()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.abort();
      throw failed.reason;
    }
    const [st, ha] = results as PromiseFulfilledResult<Awaited<ReturnType<FrameVideoEncoder['finish']>>>[];
    const dir = path.join(this.shotDir, this.stamp);
    try {
      await fsyncDir(this.partial);
      await fs.rename(this.partial, dir);
      await fsyncDir(this.shotDir);
    } catch (err) {
      await this.abort();
      throw ioError(dir, 'moving the finished render into place', err);
    }
    this.closed = true;
    const moved = (f: string) => path.join(dir, path.relative(this.partial, f));
    return {
      dir,
      stamp: this.stamp,
      staticVideo: path.join(dir, 'static.mp4'),
      handsVideo: path.join(dir, 'hands.mp4'),
      posesFile: path.join(dir, 'poses.json'),
      staticFrames: (st?.value.pngFiles ?? []).map(moved),
      handsFrames: (ha?.value.pngFiles ?? []).map(moved),
    };
  }

  /** Stop both encoders and delete the partial folder. Does nothing once finished. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.encoders.static.abort(), this.encoders.hands.abort()]);
    await fs.rm(this.partial, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * Render output in one call: open a writer, feed it every frame, finish. The frames may come
 * from any (async) iterable; on any failure nothing but an absent folder is left.
 */
export async function writeConditioningSet(
  projectDir: string,
  shotId: string,
  opts: ConditioningSetOptions & { frames: Iterable<ConditioningFrame> | AsyncIterable<ConditioningFrame> },
): Promise<ConditioningSetResult> {
  const writer = await ConditioningSetWriter.open(projectDir, shotId, opts);
  try {
    for await (const frame of opts.frames) await writer.writeFrame(frame.static, frame.hands);
    return await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
