import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg, probeVideo, readVideoFramesRgba } from '../../../src/main/services/conditioning/ffmpeg';
import { FrameVideoEncoder } from '../../../src/main/services/conditioning/video-encoder';
import { ApiError } from '../../../src/shared/api/errors';
import { ffmpegRaw, squareFrame, tempDir } from './helpers';

const SLOW = 60_000;

describe('findFfmpeg', () => {
  it('finds ffmpeg and ffprobe on PATH', async () => {
    const tools = await findFfmpeg({ PATH: '/usr/local/bin:/usr/bin:/bin' });
    expect(path.basename(tools.ffmpeg)).toBe('ffmpeg');
    expect(path.basename(tools.ffprobe)).toBe('ffprobe');
  });

  it('says how to install ffmpeg when it is missing', async () => {
    const err = await findFfmpeg({ PATH: '/nonexistent-dir' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toBe(
      'ffmpeg was not found: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) or set DWM_FFMPEG',
    );
  });

  it('takes DWM_FFMPEG and DWM_FFPROBE over PATH, and names a wrong one', async () => {
    const tools = await findFfmpeg({ PATH: '/nonexistent-dir', DWM_FFMPEG: '/usr/bin/ffmpeg', DWM_FFPROBE: '/usr/bin/ffprobe' });
    expect(tools).toEqual({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' });
    // ffprobe is looked for beside a DWM_FFMPEG given by path.
    expect((await findFfmpeg({ PATH: '/nonexistent-dir', DWM_FFMPEG: '/usr/bin/ffmpeg' })).ffprobe).toBe('/usr/bin/ffprobe');
    await expect(findFfmpeg({ PATH: '/usr/bin', DWM_FFMPEG: '/no/such/ffmpeg' })).rejects.toThrow(
      /DWM_FFMPEG is set to \/no\/such\/ffmpeg, but no program can be run there/,
    );
  });
});

describe('probeVideo', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('probe');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a file that is not a video, naming it', async () => {
    const file = path.join(dir, 'notes.mp4');
    await fs.writeFile(file, 'this is text, not a video\n');
    const err = await probeVideo(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', file });
    expect((err as Error).message).toContain(`${file} is not a video ffmpeg can read`);
  });

  it('calls a PNG a still image and a missing file missing', async () => {
    const png = path.join(dir, 'still.png');
    ffmpegRaw(['-f', 'lavfi', '-i', 'color=c=red:s=32x32', '-frames:v', '1', '-y', png]);
    await expect(probeVideo(png)).rejects.toThrow(/is a still image/);
    await expect(probeVideo(path.join(dir, 'nothing.mp4'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it(
    'reads size, frame count, rate, codec and pixel format, and decodes frames',
    async () => {
      const file = path.join(dir, 'small.mp4');
      const enc = new FrameVideoEncoder();
      await enc.start({ file, width: 64, height: 48, fps: 12.5 });
      for (let i = 0; i < 3; i++) await enc.writeFrame(squareFrame(i, 64, 48));
      await enc.finish();
      expect(await probeVideo(file)).toEqual({
        width: 64,
        height: 48,
        frames: 3,
        fps: 12.5,
        codec: 'h264',
        pixFmt: 'yuv420p',
        durationS: 0.24,
      });
      const decoded = await readVideoFramesRgba(file);
      expect(decoded.frames).toHaveLength(3);
      expect(decoded.frames[0]).toHaveLength(64 * 48 * 4);
    },
    SLOW,
  );
});
