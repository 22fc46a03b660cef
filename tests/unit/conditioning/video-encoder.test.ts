import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../../src/main/services/conditioning/ffmpeg';
import { type EncodedVideo, FrameVideoEncoder } from '../../../src/main/services/conditioning/video-encoder';
import { ApiError } from '../../../src/shared/api/errors';
import { decodeRgba, FRAMES, HEIGHT, SQUARE, squareAt, squareColour, squareFrame, tempDir, WIDTH } from './helpers';

const SLOW = 60_000;

describe('FrameVideoEncoder: 49 frames of a moving square', () => {
  let dir: string;
  let result: EncodedVideo;
  let encodeMs: number;

  beforeAll(async () => {
    dir = await tempDir('enc');
    const t0 = performance.now();
    const enc = new FrameVideoEncoder();
    await enc.start({
      file: path.join(dir, 'clip.mp4'),
      width: WIDTH,
      height: HEIGHT,
      fps: 8,
      pngDir: path.join(dir, 'png'),
      expectedFrames: FRAMES,
    });
    for (let i = 0; i < FRAMES; i++) await enc.writeFrame(squareFrame(i));
    result = await enc.finish();
    encodeMs = performance.now() - t0;
  }, SLOW);

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes an H.264 yuv420p MP4 of 49 frames, 720x480, 8 fps, and no partial file', async () => {
    console.log(`encoded ${FRAMES} frames of ${WIDTH}x${HEIGHT} with PNGs in ${encodeMs.toFixed(0)} ms`);
    const probe = await probeVideo(result.file);
    expect(probe).toMatchObject({ width: 720, height: 480, frames: 49, fps: 8, codec: 'h264', pixFmt: 'yuv420p' });
    expect(probe.durationS).toBeCloseTo(49 / 8, 2);
    expect(result.frames).toBe(49);
    expect((await fs.readdir(dir)).sort()).toEqual(['clip.mp4', 'png']);
  });

  it('decodes back to black within 2 and the square within 8 of what was drawn', { timeout: SLOW }, () => {
    const raw = decodeRgba(result.file);
    const frameBytes = WIDTH * HEIGHT * 4;
    expect(raw.length).toBe(frameBytes * FRAMES);
    let worstBlack = 0;
    let worstSquare = 0;
    let alphaWrong = 0;
    for (let i = 0; i < FRAMES; i++) {
      const frame = raw.subarray(i * frameBytes, (i + 1) * frameBytes);
      const { x: sx, y: sy } = squareAt(i);
      const colour = squareColour(i);
      // Pixels within 8 of the square's edge are left out: 4:2:0 chroma is shared by 2x2 pixels
      // and the codec's blocks and deblocking smear an edge over a few pixels.
      for (let y = 0; y < HEIGHT; y++) {
        for (let x = 0; x < WIDTH; x++) {
          const o = (y * WIDTH + x) * 4;
          const inside = x >= sx + 8 && x < sx + SQUARE - 8 && y >= sy + 8 && y < sy + SQUARE - 8;
          const near = x >= sx - 8 && x < sx + SQUARE + 8 && y >= sy - 8 && y < sy + SQUARE + 8;
          for (let c = 0; c < 3; c++) {
            const v = frame[o + c] as number;
            if (inside) worstSquare = Math.max(worstSquare, Math.abs(v - (colour[c] as number)));
            else if (!near) worstBlack = Math.max(worstBlack, v);
          }
          if (frame[o + 3] !== 255) alphaWrong++;
        }
      }
    }
    // Black is stored as limited-range Y=16, Cb=Cr=128 and decodes to exactly 0; the encoder's
    // quantisation may move Y by a step, and converting yuv420p back to 8-bit RGB rounds, so up
    // to 2 is allowed.
    console.log(`worst black channel ${worstBlack}, worst square channel error ${worstSquare}`);
    expect(alphaWrong).toBe(0);
    expect(worstBlack).toBeLessThanOrEqual(2);
    expect(worstSquare).toBeLessThanOrEqual(8);
  });

  it('writes one PNG per frame that decodes to exactly the bytes that were sent', { timeout: SLOW }, () => {
    expect(result.pngFiles.map((f) => path.basename(f))).toEqual(
      Array.from({ length: FRAMES }, (_, i) => `${String(i).padStart(3, '0')}.png`),
    );
    for (const i of [0, 1, 24, 48]) {
      const decoded = decodeRgba(result.pngFiles[i] as string);
      expect(Buffer.compare(decoded, Buffer.from(squareFrame(i)))).toBe(0);
    }
  });
});

describe('FrameVideoEncoder: refusals and failures', () => {
  let dir: string;
  const savedEnv = process.env.DWM_FFMPEG;

  beforeAll(async () => {
    dir = await tempDir('enc-fail');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.DWM_FFMPEG;
    else process.env.DWM_FFMPEG = savedEnv;
  });

  it(
    'refuses a frame of the wrong size with a clear message and keeps going',
    async () => {
      const file = path.join(dir, 'size.mp4');
      const enc = new FrameVideoEncoder();
      await enc.start({ file, width: 64, height: 48, fps: 8 });
      const err = await enc.writeFrame(new Uint8Array(64 * 48 * 3)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'BAD_INPUT' });
      expect((err as Error).message).toContain('frame 0 has 9216 bytes; a 64x48 RGBA frame has 12288 bytes');
      await enc.writeFrame(squareFrame(0, 64, 48));
      const done = await enc.finish();
      expect(done.frames).toBe(1);
      expect((await probeVideo(file)).frames).toBe(1);
    },
    SLOW,
  );

  it('refuses odd sizes up front (yuv420p needs even ones)', async () => {
    await expect(new FrameVideoEncoder().start({ file: path.join(dir, 'odd.mp4'), width: 63, height: 48, fps: 8 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      field: 'width',
    });
  });

  it(
    'abort kills ffmpeg and leaves neither the video, the partial file nor the PNGs',
    async () => {
      const file = path.join(dir, 'aborted.mp4');
      const pngDir = path.join(dir, 'aborted-png');
      const enc = new FrameVideoEncoder();
      await enc.start({ file, width: WIDTH, height: HEIGHT, fps: 8, pngDir });
      for (let i = 0; i < 5; i++) await enc.writeFrame(squareFrame(i));
      expect(await fs.readdir(dir)).toContain('aborted.partial.mp4');
      await enc.abort();
      const left = await fs.readdir(dir);
      expect(left).not.toContain('aborted.mp4');
      expect(left).not.toContain('aborted.partial.mp4');
      expect(await fs.readdir(pngDir)).toEqual([]);
      await expect(enc.writeFrame(squareFrame(5))).rejects.toThrow(/cancelled/);
      await expect(enc.finish()).rejects.toThrow(/cancelled/);
    },
    SLOW,
  );

  it(
    'a failing ffmpeg (DWM_FFMPEG=/bin/false) gives an IO ApiError naming the file, and no file',
    async () => {
      process.env.DWM_FFMPEG = '/bin/false';
      const file = path.join(dir, 'broken.mp4');
      const enc = new FrameVideoEncoder();
      const run = async () => {
        await enc.start({ file, width: 64, height: 48, fps: 8, pngDir: path.join(dir, 'broken-png') });
        for (let i = 0; i < 10; i++) await enc.writeFrame(squareFrame(i, 64, 48));
        await enc.finish();
      };
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'IO', file });
      expect((err as Error).message).toContain(file);
      expect((err as Error).message).toMatch(/ffmpeg failed \(exit code 1\)/);
      const left = await fs.readdir(dir);
      expect(left).not.toContain('broken.mp4');
      expect(left).not.toContain('broken.partial.mp4');
      expect(await fs.readdir(path.join(dir, 'broken-png'))).toEqual([]);
    },
    SLOW,
  );

  it.skipIf(process.platform === 'win32')(
    'a full disk during encoding is reported as such, with the file named, and nothing is left',
    async () => {
      // A stand-in ffmpeg that takes some input and then fails the way ffmpeg does when the disk fills up.
      const fake = path.join(dir, 'fake-ffmpeg.sh');
      await fs.writeFile(
        fake,
        '#!/bin/sh\nhead -c 20000 >/dev/null\necho "[mp4 @ 0x1] Error writing trailer: No space left on device" >&2\nexit 1\n',
        { mode: 0o755 },
      );
      process.env.DWM_FFMPEG = fake;
      const file = path.join(dir, 'full.mp4');
      const enc = new FrameVideoEncoder();
      await enc.start({ file, width: 64, height: 48, fps: 8 });
      let err: unknown;
      try {
        for (let i = 0; i < 20; i++) await enc.writeFrame(squareFrame(i, 64, 48));
        await enc.finish();
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'IO', file });
      expect((err as Error).message).toMatch(
        /full\.mp4: encoding stopped at frame \d+: the disk is full \(ffmpeg: .*No space left on device\)/,
      );
      expect((await fs.readdir(dir)).filter((f) => f.startsWith('full'))).toEqual([]);
    },
    SLOW,
  );

  it(
    'refuses to finish short of expectedFrames, and removes what it wrote',
    async () => {
      const file = path.join(dir, 'short.mp4');
      const enc = new FrameVideoEncoder();
      await enc.start({ file, width: 64, height: 48, fps: 8, expectedFrames: 3 });
      await enc.writeFrame(squareFrame(0, 64, 48));
      await expect(enc.finish()).rejects.toThrow('only 1 of 3 frames were written');
      expect(await fs.readdir(dir)).not.toContain('short.partial.mp4');
    },
    SLOW,
  );

  it(
    'refuses a second encoder on the same target while the first runs',
    async () => {
      const file = path.join(dir, 'twice.mp4');
      const first = new FrameVideoEncoder();
      await first.start({ file, width: 64, height: 48, fps: 8 });
      await expect(new FrameVideoEncoder().start({ file, width: 64, height: 48, fps: 8 })).rejects.toMatchObject({
        code: 'ALREADY_EXISTS',
      });
      await first.abort();
    },
    SLOW,
  );
});
