import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';
import { type FfmpegTools, parseRate, runProcess, STDERR_KEEP, stderrTail } from '../../services/conditioning/ffmpeg';
import type { VideoInfo } from './lerobot-info';

/**
 * The video side of a LeRobot v3.0 dataset. v3 keeps many episodes in one MP4 per camera
 * (videos/<key>/chunk-CCC/file-FFF.mp4); an episode is the span [from_timestamp, to_timestamp)
 * of its file, and lerobot reads frame i of an episode at from_timestamp + i / fps
 * (lerobot_dataset.py _query_videos), decoding with torchcodec at frame index
 * round(ts * average_fps) or with PyAV at the nearest timestamp, and refusing any frame further
 * than tolerance_s = 1e-4 s from the query (video_utils.py decode_video_frames_*). So the joined
 * file must have its frame k at exactly k / fps, which is checked after every join.
 *
 * lerobot joins episodes without re-encoding (video_utils.py concatenate_video_files: ffmpeg's
 * concat demuxer through PyAV, packets copied). The same is done here with the ffmpeg program,
 * and only clips whose codec parameters match are joined into one file.
 */

export interface ClipProbe {
  file: string;
  codec: string;
  profile: string;
  width: number;
  height: number;
  pixFmt: string;
  timeBase: string;
  /** r_frame_rate as a number. */
  fps: number;
  /** MD5 of the codec extradata (H.264 SPS/PPS): packets copied under another file's extradata would not decode. */
  extradataHash: string;
  /** Packets in the stream, one per frame for video (counted without decoding). */
  frames: number;
  bytes: number;
}

const ProbeJson = z.object({
  streams: z
    .array(
      z.looseObject({
        codec_name: z.string().optional(),
        profile: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        pix_fmt: z.string().optional(),
        time_base: z.string().optional(),
        r_frame_rate: z.string().optional(),
        avg_frame_rate: z.string().optional(),
        extradata_hash: z.string().optional(),
        nb_read_packets: z.string().optional(),
        duration: z.string().optional(),
      }),
    )
    .default([]),
});

async function ffprobeJson(tools: FfmpegTools, file: string, args: string[], signal?: AbortSignal): Promise<unknown> {
  const result = await runProcess(tools.ffprobe, ['-v', 'error', '-print_format', 'json', ...args, file], signal);
  if (result.code !== 0) {
    throw new ApiError('BAD_INPUT', `${file} is not a video ffmpeg can read (${stderrTail(result.stderr) || `exit code ${result.code}`})`, {
      file,
    });
  }
  return JSON.parse(result.stdout.toString('utf8'));
}

/** Codec parameters and packet count of a clip's first video stream. */
export async function probeClip(tools: FfmpegTools, file: string, signal?: AbortSignal): Promise<ClipProbe> {
  const json = ProbeJson.parse(
    await ffprobeJson(tools, file, ['-show_streams', '-show_data_hash', 'MD5', '-count_packets', '-select_streams', 'v:0'], signal),
  );
  const s = json.streams[0];
  if (!s) throw new ApiError('BAD_INPUT', `${file} has no video stream`, { file });
  const stat = await fs.stat(file);
  return {
    file,
    codec: s.codec_name ?? 'unknown',
    profile: s.profile ?? '',
    width: s.width ?? 0,
    height: s.height ?? 0,
    pixFmt: s.pix_fmt ?? 'unknown',
    timeBase: s.time_base ?? '',
    fps: parseRate(s.r_frame_rate) || parseRate(s.avg_frame_rate),
    extradataHash: s.extradata_hash ?? '',
    frames: Number.parseInt(s.nb_read_packets ?? '0', 10) || 0,
    bytes: stat.size,
  };
}

/** Clips with equal signatures can be joined by copying packets. */
export function concatSignature(p: ClipProbe): string {
  return [p.codec, p.profile, `${p.width}x${p.height}`, p.pixFmt, p.timeBase, p.fps, p.extradataHash].join('|');
}

/** The codec and pixel format every clip of a dataset is stored in; anything else is re-encoded to it. */
export const STORED_CODEC = 'h264';
export const STORED_PIX_FMT = 'yuv420p';

/** Whether a clip must be re-encoded before it can be stored: not H.264 4:2:0 (what info.json promises for every file). */
export function needsReencode(p: ClipProbe): boolean {
  return p.codec !== STORED_CODEC || p.pixFmt !== STORED_PIX_FMT;
}

/**
 * Re-encode a clip to H.264 yuv420p at exactly `fps` (frame k at k / fps), with the settings the
 * studio's own encoder uses (libx264, preset medium, crf 12, a key frame every second).
 */
export async function reencodeClip(tools: FfmpegTools, src: string, dst: string, fps: number, signal?: AbortSignal): Promise<void> {
  const args = [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-i', src, '-map', '0:v:0', '-an'],
    ...['-vf', `setpts=N/(${fps}*TB)`, '-r', String(fps)],
    ...['-c:v', 'libx264', '-preset', 'medium', '-crf', '12', '-pix_fmt', STORED_PIX_FMT, '-g', String(Math.max(1, Math.round(fps)))],
    ...['-movflags', '+faststart', '-f', 'mp4', '-y', dst],
  ];
  const result = await runProcess(tools.ffmpeg, args, signal);
  if (result.code !== 0) {
    throw new ApiError('IO', `${src}: re-encoding to H.264 failed (${stderrTail(result.stderr) || `exit code ${result.code}`})`, {
      file: src,
    });
  }
}

/** ffconcat's quoting: a path in single quotes, each quote written as '\''. */
function ffconcatQuote(file: string): string {
  return `'${path.resolve(file).replace(/'/g, "'\\''")}'`;
}

/**
 * Join clips of one signature into `out` by copying packets (ffmpeg's concat demuxer, as lerobot's
 * concatenate_video_files), video stream only, moov atom first (faststart, as lerobot).
 */
export async function concatClips(tools: FfmpegTools, inputs: string[], out: string, signal?: AbortSignal): Promise<void> {
  if (inputs.length === 0) throw new Error('nothing to join');
  const list = `${out}.ffconcat`;
  await fs.writeFile(list, `ffconcat version 1.0\n${inputs.map((f) => `file ${ffconcatQuote(f)}\n`).join('')}`);
  try {
    const args = [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-f', 'concat', '-safe', '0', '-i', list],
      ...['-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', out],
    ];
    const result = await runProcess(tools.ffmpeg, args, signal);
    if (result.code !== 0) {
      throw new ApiError(
        'IO',
        `${out}: joining ${inputs.length} clips failed (${stderrTail(result.stderr) || `exit code ${result.code}`})`,
        {
          file: out,
        },
      );
    }
  } finally {
    await fs.rm(list, { force: true });
  }
}

const PacketJson = z.object({
  packets: z.array(z.looseObject({ pts: z.number().optional() })).default([]),
  streams: z
    .array(z.looseObject({ time_base: z.string().optional(), avg_frame_rate: z.string().optional(), duration: z.string().optional() }))
    .default([]),
});

/**
 * Check that frame k of a joined file is presented at k / fps (within lerobot's default
 * tolerance_s, 1e-4 s), that it holds exactly `frames` frames, and that its average rate is fps
 * (torchcodec turns a timestamp into a frame index with metadata.average_fps).
 */
export async function checkFrameTimes(tools: FfmpegTools, file: string, frames: number, fps: number, signal?: AbortSignal): Promise<void> {
  const json = PacketJson.parse(
    await ffprobeJson(
      tools,
      file,
      ['-select_streams', 'v:0', '-show_entries', 'packet=pts:stream=time_base,avg_frame_rate,duration'],
      signal,
    ),
  );
  const tb = /^(\d+)\/(\d+)$/.exec(json.streams[0]?.time_base ?? '');
  if (!tb) throw new ApiError('IO', `${file}: ffprobe reported no time base`, { file });
  const num = Number(tb[1]);
  const den = Number(tb[2]);
  const times = json.packets
    .map((p) => p.pts)
    .filter((p): p is number => p !== undefined)
    .map((p) => (p * num) / den)
    .sort((a, b) => a - b);
  if (times.length !== frames) {
    throw new ApiError('IO', `${file}: the joined video has ${times.length} frames, expected ${frames}`, { file });
  }
  const tolerance = 1e-4;
  for (let k = 0; k < times.length; k++) {
    if (Math.abs((times[k] as number) - k / fps) >= tolerance) {
      throw new ApiError('IO', `${file}: frame ${k} is at ${times[k]} s, expected ${k / fps} s; the clips did not join evenly`, { file });
    }
  }
  const avg = parseRate(json.streams[0]?.avg_frame_rate);
  if (Math.abs(avg - fps) > 1e-6) throw new ApiError('IO', `${file}: the joined video averages ${avg} fps, expected ${fps}`, { file });
}

/** get_video_info for a stored file (ffprobe standing in for PyAV; H.264 yuv420p has 3 channels and the files carry no audio). */
export function videoInfoOf(p: ClipProbe): VideoInfo {
  return {
    'video.height': p.height,
    'video.width': p.width,
    'video.codec': p.codec,
    'video.pix_fmt': p.pixFmt,
    'video.is_depth_map': false,
    'video.fps': Math.trunc(p.fps),
    'video.channels': 3,
    has_audio: false,
  };
}

/**
 * Decode a clip to packed RGB (rgb24) and hand the frames whose index is in `wanted` to onFrame,
 * streaming: only one frame is held at a time.
 */
export function decodeFrames(
  tools: FfmpegTools,
  file: string,
  width: number,
  height: number,
  wanted: Set<number>,
  onFrame: (index: number, rgb: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'];
    const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(signal ? { signal } : {}) });
    const frameBytes = width * height * 3;
    const frame = new Uint8Array(frameBytes);
    let filled = 0;
    let index = 0;
    let stderr = '';
    let failed: Error | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length && !failed) {
        const take = Math.min(frameBytes - filled, chunk.length - at);
        if (wanted.has(index)) frame.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === frameBytes) {
          try {
            if (wanted.has(index)) onFrame(index, frame);
          } catch (err) {
            failed = err as Error;
            child.kill();
          }
          index++;
          filled = 0;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.on('error', (err) => reject(signal?.aborted ? signal.reason : err));
    child.on('close', (code) => {
      if (signal?.aborted) reject(signal.reason);
      else if (failed) reject(failed);
      else if (code !== 0)
        reject(new ApiError('IO', `${file}: ffmpeg could not decode it (${stderrTail(stderr) || `exit code ${code}`})`, { file }));
      else resolve(index);
    });
  });
}
