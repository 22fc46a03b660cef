import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ApiError } from '../../../shared/api/errors';
import { type FfmpegTools, findFfmpeg, probeVideo, STDERR_KEEP, stderrTail, type VideoProbe } from './ffmpeg';
import { fsyncDir, fsyncFile } from './fs-sync';
import { describeFfmpegFailure, ioError } from './io-errors';
import { encodePng } from './png';

export interface EncoderStartOptions {
  /** The finished MP4. Until finish() succeeds only `<name>.partial.mp4` beside it exists. */
  file: string;
  width: number;
  height: number;
  fps: number;
  /** Also write every frame losslessly as `<pngDir>/000.png`, `001.png`, ... */
  pngDir?: string;
  /** When given, extra frames are refused and finish() refuses a short video. Also sets the PNG name width. */
  expectedFrames?: number;
  /** x264 constant rate factor; 12 is visually lossless, so the model sees what the renderer drew. */
  crf?: number;
  /** Found with findFfmpeg() when not given. */
  tools?: FfmpegTools;
}

export interface EncodedVideo {
  file: string;
  frames: number;
  probe: VideoProbe;
  /** The PNG frames, in order; empty without pngDir. */
  pngFiles: string[];
}

type FfmpegChild = ChildProcessByStdio<Writable, null, Readable>;

type State = 'idle' | 'running' | 'finishing' | 'done' | 'failed' | 'aborted';

/** Targets being encoded in this process: two encoders sharing one temporary file would corrupt both. */
const activeTargets = new Set<string>();

/** `clip.mp4` -> `clip.partial.mp4`: an unfinished file that never looks like a finished one. */
export function partialPathFor(file: string): string {
  const ext = path.extname(file) || '.mp4';
  return path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.partial${ext}`);
}

/**
 * Turns RGBA frames into an H.264 MP4 (yuv420p) by piping them into ffmpeg, the way the model's
 * reference data is stored. Frames are written one at a time and each writeFrame() resolves only
 * when ffmpeg has taken the frame, so a fast renderer cannot queue up gigabytes (backpressure).
 *
 * Nothing half-written ever looks complete: ffmpeg writes `<name>.partial.mp4`, finish() checks
 * the exit code and the decoded frame count and only then renames it into place. Any failure or
 * abort() kills ffmpeg and deletes the partial file and the PNGs written so far.
 */
export class FrameVideoEncoder {
  private state: State = 'idle';
  private opts: EncoderStartOptions | null = null;
  private target = '';
  private temp = '';
  private tools: FfmpegTools | null = null;
  private child: FfmpegChild | null = null;
  private exit: Promise<string> = Promise.resolve('not started');
  private exitInfo: string | null = null;
  private stderr = '';
  private written = 0;
  private pngFiles: string[] = [];
  private writing = false;
  private failure: ApiError | null = null;

  get framesWritten(): number {
    return this.written;
  }

  async start(opts: EncoderStartOptions): Promise<void> {
    if (this.state !== 'idle') throw new ApiError('BAD_INPUT', 'This encoder has already been started; use a new one for each video');
    const { width, height, fps } = opts;
    for (const [name, v] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!(Number.isInteger(v) && v > 0 && v % 2 === 0)) {
        throw new ApiError('BAD_INPUT', `${opts.file}: ${name} must be an even whole number of pixels (yuv420p), not ${v}`, {
          field: name,
        });
      }
    }
    if (!(Number.isFinite(fps) && fps > 0))
      throw new ApiError('BAD_INPUT', `${opts.file}: fps must be above 0, not ${fps}`, { field: 'fps' });
    if (opts.crf !== undefined && !(Number.isFinite(opts.crf) && opts.crf >= 0 && opts.crf <= 51)) {
      throw new ApiError('BAD_INPUT', `${opts.file}: crf must be between 0 and 51 (x264), not ${opts.crf}`, { field: 'crf' });
    }
    const target = path.resolve(opts.file);
    if (activeTargets.has(target)) throw new ApiError('ALREADY_EXISTS', `${target} is already being encoded`, { file: target });
    this.tools = opts.tools ?? (await findFfmpeg());
    activeTargets.add(target);
    this.opts = opts;
    this.target = target;
    this.temp = partialPathFor(target);
    this.state = 'running';
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (opts.pngDir) await fs.mkdir(opts.pngDir, { recursive: true });
      // A partial file left by a crash is worthless: start it afresh.
      await fs.rm(this.temp, { force: true });
    } catch (err) {
      await this.fail(ioError(target, 'preparing the folder', err));
    }
    this.spawnFfmpeg(this.tools.ffmpeg);
  }

  private spawnFfmpeg(ffmpeg: string): void {
    const { width, height, fps, crf = 12 } = this.opts as EncoderStartOptions;
    const args = [
      ...['-hide_banner', '-nostats', '-loglevel', 'error'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${width}x${height}`, '-framerate', String(fps), '-i', 'pipe:0'],
      ...['-an', '-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf), '-pix_fmt', 'yuv420p'],
      // A key frame every second keeps scrubbing and seeking to a frame quick.
      ...['-g', String(Math.max(1, Math.round(fps)))],
      // swscale converts RGB with BT.601 limited range, as the reference data (untagged, decoded
      // as BT.601) was made; saying so in the file makes players decode it the same way.
      ...['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'],
      ...['-movflags', '+faststart', '-f', 'mp4', '-y', this.temp],
    ];
    const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    this.child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    // EPIPE when ffmpeg dies early: the exit code and stderr say why, see frameFailure().
    child.stdin.on('error', () => {});
    this.exit = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(`could not be started: ${err.message}`));
      child.once('close', (code, signal) => resolve(code !== null ? `exit code ${code}` : `killed by ${signal}`));
    }).then((info) => {
      this.exitInfo = info;
      return info;
    });
  }

  /**
   * Send one frame: width * height * 4 bytes, RGBA, rows top to bottom. Resolves when ffmpeg has
   * taken it (and its PNG is on disk); the buffer must not change before then. One at a time.
   */
  async writeFrame(rgba: Uint8Array): Promise<void> {
    if (this.state !== 'running') throw this.notRunning('writeFrame');
    const opts = this.opts as EncoderStartOptions;
    if (this.writing)
      throw new ApiError('BAD_INPUT', `${this.target}: writeFrame was called before the previous frame was written; await it`);
    const expected = opts.width * opts.height * 4;
    const index = this.written;
    if (!(rgba instanceof Uint8Array) || rgba.length !== expected) {
      const got = rgba instanceof Uint8Array ? `${rgba.length} bytes` : 'not a byte array';
      throw new ApiError(
        'BAD_INPUT',
        `${this.target}: frame ${index} has ${got}; a ${opts.width}x${opts.height} RGBA frame has ${expected} bytes (width x height x 4)`,
        { file: this.target, field: 'rgba' },
      );
    }
    if (opts.expectedFrames !== undefined && index >= opts.expectedFrames) {
      throw new ApiError('BAD_INPUT', `${this.target}: all ${opts.expectedFrames} frames have been written already`, { file: this.target });
    }
    this.writing = true;
    try {
      const [video, png] = await Promise.allSettled([this.pipeFrame(rgba), this.writePng(rgba, index)]);
      if (this.state !== 'running') {
        // Aborted meanwhile: abort() cleaned up before this frame's PNG was on disk.
        if (opts.pngDir) await fs.rm(this.pngPath(index), { force: true }).catch(() => {});
        throw this.notRunning('writeFrame');
      }
      if (video.status === 'rejected') await this.fail(await this.frameFailure(index));
      if (png.status === 'rejected') await this.fail(ioError(this.pngPath(index), `writing frame ${index} as PNG`, png.reason));
      this.written++;
    } finally {
      this.writing = false;
    }
  }

  private pipeFrame(rgba: Uint8Array): Promise<void> {
    const child = this.child as FfmpegChild;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      // The callback runs once the bytes are handed to the pipe; while ffmpeg is slower than the
      // renderer that is when ffmpeg has read them, which is the backpressure.
      child.stdin.write(rgba, (err) => {
        if (settled) return;
        settled = true;
        if (err) reject(err);
        else resolve();
      });
      void this.exit.then((info) => {
        if (settled) return;
        settled = true;
        reject(new Error(`ffmpeg stopped (${info})`));
      });
    });
  }

  private pngPath(index: number): string {
    const opts = this.opts as EncoderStartOptions;
    const digits = Math.max(3, String(Math.max(0, (opts.expectedFrames ?? 0) - 1)).length);
    return path.join(opts.pngDir as string, `${String(index).padStart(digits, '0')}.png`);
  }

  private async writePng(rgba: Uint8Array, index: number): Promise<void> {
    const opts = this.opts as EncoderStartOptions;
    if (!opts.pngDir) return;
    const file = this.pngPath(index);
    const data = await encodePng(rgba, opts.width, opts.height);
    this.pngFiles.push(file);
    await fs.writeFile(file, data);
  }

  /** Why ffmpeg stopped taking frames, from its exit code and stderr. */
  private async frameFailure(index: number): Promise<ApiError> {
    const child = this.child as FfmpegChild;
    // Give ffmpeg a moment to exit and say why; it has stopped reading, so it is on its way out.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const info = await this.exit;
    clearTimeout(timer);
    const why = describeFfmpegFailure(stderrTail(this.stderr), info);
    return new ApiError('IO', `${this.target}: encoding stopped at frame ${index}: ${why}`, { file: this.target });
  }

  /** Close the video: wait for ffmpeg, check the file holds every frame, then move it into place. */
  async finish(): Promise<EncodedVideo> {
    if (this.state !== 'running') throw this.notRunning('finish');
    if (this.writing) throw new ApiError('BAD_INPUT', `${this.target}: finish was called while a frame was still being written; await it`);
    const opts = this.opts as EncoderStartOptions;
    this.state = 'finishing';
    if (this.written === 0) await this.fail(new ApiError('BAD_INPUT', `${this.target}: no frames were written`, { file: this.target }));
    if (opts.expectedFrames !== undefined && this.written !== opts.expectedFrames) {
      const msg = `${this.target}: only ${this.written} of ${opts.expectedFrames} frames were written`;
      await this.fail(new ApiError('BAD_INPUT', msg, { file: this.target }));
    }
    const child = this.child as FfmpegChild;
    child.stdin.end();
    const info = await this.exit;
    if (this.state !== 'finishing') throw this.notRunning('finish');
    if (info !== 'exit code 0') {
      const why = describeFfmpegFailure(stderrTail(this.stderr), info);
      await this.fail(new ApiError('IO', `${this.target}: ${why}`, { file: this.target }));
    }
    let probe: VideoProbe;
    try {
      probe = await probeVideo(this.temp, this.tools as FfmpegTools);
    } catch (err) {
      return this.fail(
        new ApiError('IO', `${this.target}: the encoded video cannot be read back (${(err as Error).message})`, { file: this.target }),
      );
    }
    if (probe.frames !== this.written) {
      const msg = `${this.target}: ffmpeg wrote ${probe.frames} frames, but ${this.written} were sent`;
      await this.fail(new ApiError('IO', msg, { file: this.target }));
    }
    if (this.state !== 'finishing') throw this.notRunning('finish');
    try {
      await fsyncFile(this.temp);
      await fs.rename(this.temp, this.target);
      await fsyncDir(path.dirname(this.target));
    } catch (err) {
      await this.fail(ioError(this.target, 'moving the finished video into place', err));
    }
    this.state = 'done';
    activeTargets.delete(this.target);
    return { file: this.target, frames: this.written, probe, pngFiles: [...this.pngFiles] };
  }

  /** Stop and remove everything written so far. Safe to call at any time; does nothing once finish() has succeeded. */
  async abort(): Promise<void> {
    if (this.state === 'idle' || this.state === 'done' || this.state === 'aborted') return;
    const wasFailed = this.state === 'failed';
    this.state = 'aborted';
    if (!wasFailed) await this.cleanup();
  }

  private notRunning(call: string): ApiError {
    if (this.failure) return this.failure;
    if (this.state === 'aborted') return new ApiError('IO', `${this.target}: encoding was cancelled`, { file: this.target });
    const why = this.state === 'idle' ? 'has not been started' : 'has already finished';
    return new ApiError('BAD_INPUT', `${call}: this encoder ${why}`, { file: this.target || undefined });
  }

  private async fail(err: ApiError): Promise<never> {
    if (this.state !== 'aborted') {
      this.state = 'failed';
      this.failure = err;
      await this.cleanup();
    }
    throw err;
  }

  private async cleanup(): Promise<void> {
    const child = this.child;
    if (child && this.exitInfo === null) {
      child.stdin.destroy();
      child.kill('SIGKILL');
      // On Windows an open file cannot be deleted: wait until ffmpeg is gone.
      await this.exit;
    }
    await fs.rm(this.temp, { force: true }).catch(() => {});
    await Promise.all(this.pngFiles.map((f) => fs.rm(f, { force: true }).catch(() => {})));
    this.pngFiles = [];
    activeTargets.delete(this.target);
  }
}
