import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, formatIssuePath } from '../../../shared/api/errors';
import { ConditioningSpec } from '../../../shared/conditioning/spec';
import { type ClipIndex, type ClipIndexEntry, type ClipMeta, ClipMetaInput, clipTimingProblem } from '../../../shared/synth/clip-meta';
import { type FfmpegTools, findFfmpeg } from '../conditioning/ffmpeg';
import { fsyncDir } from '../conditioning/fs-sync';
import { ioError } from '../conditioning/io-errors';
import { claimStampDir, PARTIAL_SUFFIX, renderStamp } from '../conditioning/render-output';
import { FrameVideoEncoder } from '../conditioning/video-encoder';
import { writeFileAtomic } from '../fs/atomic-write';

/**
 * A set of synthetic training clips, laid out as the Python trainer reads it (the DWM
 * reference's synthetic layout):
 *
 *   <set>/videos/<clip>.mp4  videos_static/  videos_hands/  videos_mask/
 *   <set>/prompts_rewrite/<clip>.txt  meta/<clip>.json  clips.json
 *
 * The set is written under `<stamp>.partial/` and renamed to `<stamp>` only once every clip
 * is complete and clips.json is written; an abort or failure removes the partial folder, so
 * a training run never picks up half a set. The videos go through the studio's conditioning
 * encoder, so training data is encoded exactly like what the model sees at inference.
 */

export const TRAINING_CLIPS_DIR = 'training-clips';

/** The four videos of a clip, in the order each binary frame carries them. */
export const CLIP_VIDEOS = ['videos', 'videos_static', 'videos_hands', 'videos_mask'] as const;

export interface ClipSetResult {
  dir: string;
  stamp: string;
  clips: ClipIndexEntry[];
}

interface OpenClip {
  meta: ClipMeta;
  prompt: string;
  encoders: FrameVideoEncoder[];
  written: number;
}

export class ClipSetWriter {
  private clips: ClipIndexEntry[] = [];
  private current: OpenClip | null = null;
  private closed = false;

  private constructor(
    readonly spec: ConditioningSpec,
    private readonly setsDir: string,
    private readonly stamp: string,
    readonly partial: string,
    private readonly tools: FfmpegTools,
  ) {}

  static async open(
    projectDir: string,
    spec: ConditioningSpec,
    opts: { now?: () => Date; tools?: FfmpegTools } = {},
  ): Promise<ClipSetWriter> {
    const parsed = ConditioningSpec.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError('BAD_INPUT', `clip set spec: ${issue ? formatIssuePath(issue.path) : ''} ${issue?.message ?? 'is invalid'}`);
    }
    const root = path.resolve(projectDir);
    const stat = await fs.stat(root).catch(() => null);
    if (!stat?.isDirectory()) throw new ApiError('NOT_FOUND', `${root}: no such project folder`, { file: root });
    const tools = opts.tools ?? (await findFfmpeg());
    const setsDir = path.join(root, TRAINING_CLIPS_DIR);
    try {
      await fs.mkdir(setsDir, { recursive: true });
      const { stamp, partial } = await claimStampDir(setsDir, renderStamp((opts.now ?? (() => new Date()))()));
      return new ClipSetWriter(parsed.data, setsDir, stamp, partial, tools);
    } catch (err) {
      throw ioError(setsDir, 'creating the training clip folder', err);
    }
  }

  /** Bytes of one binary frame: interaction, static, hands and mask RGBA images back to back. */
  get frameBytes(): number {
    return CLIP_VIDEOS.length * this.spec.width * this.spec.height * 4;
  }

  get clipCount(): number {
    return this.clips.length;
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('BAD_INPUT', `${this.partial}: this clip set is already finished or aborted`);
  }

  /** Validate the clip's record and start its four encoders. */
  async beginClip(input: unknown): Promise<void> {
    this.assertOpen();
    if (this.current) throw new ApiError('BAD_INPUT', `clip ${this.current.meta.clip} is still open; finish it before the next one`);
    const parsed = ClipMetaInput.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError('BAD_INPUT', `clip meta: ${issue ? formatIssuePath(issue.path) : ''} ${issue?.message ?? 'is invalid'}`);
    }
    const { prompt, ...rest } = parsed.data;
    const frames = this.spec.frames;
    if (rest.joint.length !== frames || rest.camera.length !== frames) {
      throw new ApiError(
        'BAD_INPUT',
        `clip ${rest.clip}: joint and camera need one value per frame (${frames}); got ${rest.joint.length} and ${rest.camera.length}`,
      );
    }
    const timingProblem = clipTimingProblem(rest.part.kind, rest.timing, frames);
    if (timingProblem) throw new ApiError('BAD_INPUT', `clip ${rest.clip}: ${timingProblem}`);
    if (this.clips.some((c) => c.clip === rest.clip)) throw new ApiError('ALREADY_EXISTS', `this set already has a clip ${rest.clip}`);
    const meta: ClipMeta = { ...rest, spec: this.spec };
    const encoders = CLIP_VIDEOS.map(() => new FrameVideoEncoder());
    this.current = { meta, prompt, encoders, written: 0 };
    try {
      for (const [i, folder] of CLIP_VIDEOS.entries()) {
        await encoders[i]?.start({
          file: path.join(this.partial, folder, `${meta.clip}.mp4`),
          width: this.spec.width,
          height: this.spec.height,
          fps: this.spec.fps,
          expectedFrames: frames,
          tools: this.tools,
        });
      }
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  /** One frame of the open clip; resolves when all four encoders have taken it. */
  async writeFrame(index: number, bytes: Uint8Array): Promise<number> {
    this.assertOpen();
    const clip = this.current;
    if (!clip) throw new ApiError('BAD_INPUT', 'no clip is open: begin a clip before sending its frames');
    if (index !== clip.written) {
      throw new ApiError('BAD_INPUT', `clip ${clip.meta.clip}: frame ${index} arrived, frame ${clip.written} was expected`);
    }
    // Checked before any encoder takes a byte, so a wrong frame cannot put the videos out of step.
    if (bytes.byteLength !== this.frameBytes) {
      const { width, height } = this.spec;
      throw new ApiError(
        'BAD_INPUT',
        `clip ${clip.meta.clip}: a frame must be ${this.frameBytes} bytes (interaction, static, hands and mask ${width}x${height} RGBA images), got ${bytes.byteLength}`,
      );
    }
    const size = this.frameBytes / CLIP_VIDEOS.length;
    const results = await Promise.allSettled(clip.encoders.map((e, i) => e.writeFrame(bytes.subarray(i * size, (i + 1) * size))));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.abort();
      throw failed.reason;
    }
    clip.written += 1;
    return clip.written;
  }

  /** Close the open clip's videos and write its prompt and meta. */
  async finishClip(): Promise<ClipIndexEntry> {
    this.assertOpen();
    const clip = this.current;
    if (!clip) throw new ApiError('BAD_INPUT', 'no clip is open');
    const { meta } = clip;
    if (clip.written !== this.spec.frames) {
      await this.abort();
      throw new ApiError('BAD_INPUT', `clip ${meta.clip}: only ${clip.written} of ${this.spec.frames} frames were rendered`);
    }
    const results = await Promise.allSettled(clip.encoders.map((e) => e.finish()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      await this.abort();
      throw failed.reason;
    }
    try {
      for (const folder of ['prompts_rewrite', 'meta']) await fs.mkdir(path.join(this.partial, folder), { recursive: true });
      await writeFileAtomic(path.join(this.partial, 'prompts_rewrite', `${meta.clip}.txt`), `${clip.prompt}\n`);
      await writeFileAtomic(path.join(this.partial, 'meta', `${meta.clip}.json`), `${JSON.stringify(meta)}\n`);
    } catch (err) {
      await this.abort();
      throw ioError(this.partial, `writing clip ${meta.clip}`, err);
    }
    this.current = null;
    const entry: ClipIndexEntry = {
      clip: meta.clip,
      roomSeed: meta.roomSeed,
      partKind: meta.part.kind,
      partLabel: meta.part.label,
      side: meta.side,
    };
    this.clips.push(entry);
    return entry;
  }

  /** Write clips.json and move the set into place. */
  async finish(): Promise<ClipSetResult> {
    this.assertOpen();
    if (this.current) {
      const name = this.current.meta.clip;
      await this.abort();
      throw new ApiError('BAD_INPUT', `clip ${name} was never finished; the set was discarded`);
    }
    if (this.clips.length === 0) {
      await this.abort();
      throw new ApiError('BAD_INPUT', 'the set has no clips; nothing was written');
    }
    const index: ClipIndex = { version: 1, spec: this.spec, clips: this.clips };
    const dir = path.join(this.setsDir, this.stamp);
    try {
      await writeFileAtomic(path.join(this.partial, 'clips.json'), `${JSON.stringify(index, null, 2)}\n`);
      await fsyncDir(this.partial);
      await fs.rename(this.partial, dir);
      await fsyncDir(this.setsDir);
    } catch (err) {
      await this.abort();
      throw ioError(dir, 'moving the finished clip set into place', err);
    }
    this.closed = true;
    return { dir, stamp: this.stamp, clips: this.clips };
  }

  /** Stop the encoders and delete the partial folder. Does nothing once finished. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all((this.current?.encoders ?? []).map((e) => e.abort()));
    this.current = null;
    await fs.rm(this.partial, { recursive: true, force: true }).catch(() => {});
  }
}

export { PARTIAL_SUFFIX };
