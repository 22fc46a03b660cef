import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';

/**
 * ffmpeg and ffprobe as external programs (Debian's apt package, Homebrew, winget, or a path
 * in DWM_FFMPEG / DWM_FFPROBE). They run through spawn with argument arrays, never a shell, so
 * file names with spaces or quotes need no escaping and cannot inject commands.
 */

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

const INSTALL_HINT = 'install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg)';

/** Locate ffmpeg and ffprobe. Looked up on every call (cheap), so a changed PATH or variable takes effect. */
export async function findFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegTools> {
  const ffmpeg = await findTool('ffmpeg', 'DWM_FFMPEG', env, []);
  // An ffmpeg given by path usually has its ffprobe beside it (static builds, app bundles).
  const beside = env.DWM_FFMPEG && isPathLike(env.DWM_FFMPEG) ? [path.dirname(path.resolve(env.DWM_FFMPEG))] : [];
  const ffprobe = await findTool('ffprobe', 'DWM_FFPROBE', env, beside);
  return { ffmpeg, ffprobe };
}

function isPathLike(value: string): boolean {
  return value.includes('/') || value.includes('\\');
}

async function findTool(name: string, envVar: string, env: NodeJS.ProcessEnv, firstDirs: string[]): Promise<string> {
  const override = env[envVar];
  if (override) {
    const found = isPathLike(override) ? await executable(path.resolve(override), env) : await searchPath(override, [], env);
    if (found) return found;
    throw new ApiError(
      'UNSUPPORTED',
      `${envVar} is set to ${override}, but no program can be run there: ${INSTALL_HINT} or fix ${envVar}`,
      {
        field: envVar,
      },
    );
  }
  const found = await searchPath(name, firstDirs, env);
  if (found) return found;
  throw new ApiError('UNSUPPORTED', `${name} was not found: ${INSTALL_HINT} or set ${envVar}`, { field: envVar });
}

async function searchPath(name: string, firstDirs: string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  const dirs = [...firstDirs, ...(env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d !== '')];
  for (const dir of dirs) {
    const found = await executable(path.join(dir, name), env);
    if (found) return found;
  }
  return null;
}

/** The file itself, or on Windows the file with one of PATHEXT's extensions, when it exists and may be run. */
async function executable(file: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const candidates = process.platform === 'win32' ? [file, ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => file + e)] : [file];
  for (const candidate of candidates) {
    const stat = await fs.stat(candidate).catch(() => null);
    if (!stat?.isFile()) continue;
    if (
      await fs.access(candidate, fsConstants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Keep only the end of a chatty stderr: errors are at the end, and memory stays bounded. */
export const STDERR_KEEP = 32 * 1024;

/**
 * Run a program to completion, collecting stdout (bytes) and the end of stderr. Rejects only
 * when it cannot be started, or (with a signal) when it is aborted: then the program is killed
 * and the promise rejects with the abort reason.
 */
export function runProcess(command: string, args: string[], signal?: AbortSignal): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(signal ? { signal } : {}) });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.on('error', (err) => reject(signal?.aborted ? signal.reason : err));
    child.on('close', (code, killedBy) => {
      if (signal?.aborted) reject(signal.reason);
      else resolve({ code, signal: killedBy, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The last few non-empty lines of a program's stderr, for error messages. */
export function stderrTail(stderr: string, lines = 6): string {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-lines)
    .join(' | ');
}

export interface VideoProbe {
  width: number;
  height: number;
  /** Frames actually decoded (ffprobe -count_frames), not the container's claim. */
  frames: number;
  /** r_frame_rate as a number (8/1 -> 8); 0 when the file does not say. */
  fps: number;
  codec: string;
  pixFmt: string;
  /** Seconds; null when neither the stream nor the container says. */
  durationS: number | null;
}

const ProbeJson = z.object({
  streams: z
    .array(
      z.looseObject({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        r_frame_rate: z.string().optional(),
        avg_frame_rate: z.string().optional(),
        nb_read_frames: z.string().optional(),
        duration: z.string().optional(),
      }),
    )
    .default([]),
  format: z.looseObject({ format_name: z.string().optional(), duration: z.string().optional() }).optional(),
});

/** An ffprobe rate such as '8/1' or '30000/1001' as a number; 0 when absent or malformed. */
export function parseRate(rate: string | undefined): number {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(rate ?? '');
  if (!m) return 0;
  const den = m[2] === undefined ? 1 : Number(m[2]);
  return den === 0 ? 0 : Number(m[1]) / den;
}

function parseSeconds(...values: (string | undefined)[]): number | null {
  for (const v of values) {
    const n = v === undefined ? Number.NaN : Number.parseFloat(v);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

/**
 * Size, frame count, rate and codec of a video's first video stream. Counting frames decodes the
 * whole stream (well under a second for a 49-frame clip) because a container's own count can
 * be missing or wrong, and the model needs an exact count.
 */
export async function probeVideo(file: string, tools?: FfmpegTools): Promise<VideoProbe> {
  const abs = path.resolve(file);
  const stat = await fs.stat(abs).catch(() => null);
  if (!stat) throw new ApiError('NOT_FOUND', `${file}: no such file`, { file });
  if (!stat.isFile()) throw new ApiError('BAD_INPUT', `${file} is a folder, not a video`, { file });
  const { ffprobe } = tools ?? (await findFfmpeg());
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-count_frames', '-select_streams', 'v:0', abs];
  let result: ProcessResult;
  try {
    result = await runProcess(ffprobe, args);
  } catch (err) {
    throw new ApiError('IO', `${file}: ffprobe (${ffprobe}) could not be started (${(err as Error).message})`, { file });
  }
  if (result.code !== 0) {
    const why = stderrTail(result.stderr) || `ffprobe exit code ${String(result.code ?? result.signal)}`;
    throw new ApiError('BAD_INPUT', `${file} is not a video ffmpeg can read (${why})`, { file });
  }
  let parsed: z.infer<typeof ProbeJson>;
  try {
    parsed = ProbeJson.parse(JSON.parse(result.stdout.toString('utf8')));
  } catch (err) {
    throw new ApiError('IO', `${file}: ffprobe gave an answer that could not be read (${(err as Error).message})`, { file });
  }
  const stream = parsed.streams.find((s) => s.codec_type === 'video');
  if (!stream) throw new ApiError('BAD_INPUT', `${file} is not a video: it has no video stream`, { file });
  const formatName = parsed.format?.format_name ?? '';
  // A PNG or JPEG decodes as a one-frame "video"; calling it what it is helps more than "has 1 frame".
  if (/(^|,)image2($|,)|_pipe($|,)/.test(formatName)) {
    throw new ApiError('BAD_INPUT', `${file} is a still image (${formatName}), not a video`, { file });
  }
  return {
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    frames: Number.parseInt(stream.nb_read_frames ?? '0', 10) || 0,
    fps: parseRate(stream.r_frame_rate) || parseRate(stream.avg_frame_rate),
    codec: stream.codec_name ?? 'unknown',
    pixFmt: stream.pix_fmt ?? 'unknown',
    durationS: parseSeconds(stream.duration, parsed.format?.duration),
  };
}

export interface DecodedVideo {
  width: number;
  height: number;
  /** One RGBA buffer (width * height * 4 bytes) per frame, in order. */
  frames: Uint8Array[];
}

/**
 * Decode a whole video to RGBA frames in memory (a 720x480x49 clip is 68 MB). For metrics and
 * checks on short conditioning clips, not for long footage.
 */
export async function readVideoFramesRgba(file: string, tools?: FfmpegTools, probed?: VideoProbe): Promise<DecodedVideo> {
  const found = tools ?? (await findFfmpeg());
  // Callers that checked the video already pass their probe: ffprobe -count_frames decodes the whole file.
  const probe = probed ?? (await probeVideo(file, found));
  const args = ['-v', 'error', '-nostdin', '-i', path.resolve(file), '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'];
  const result = await runProcess(found.ffmpeg, args).catch((err: Error) => {
    throw new ApiError('IO', `${file}: ffmpeg could not be started (${err.message})`, { file });
  });
  if (result.code !== 0) {
    throw new ApiError('IO', `${file}: ffmpeg could not decode it (${stderrTail(result.stderr) || `exit code ${String(result.code)}`})`, {
      file,
    });
  }
  const frameBytes = probe.width * probe.height * 4;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + frameBytes <= result.stdout.length; at += frameBytes) frames.push(result.stdout.subarray(at, at + frameBytes));
  return { width: probe.width, height: probe.height, frames };
}
