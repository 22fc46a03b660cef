import { describe, expect, it } from 'vitest';
import { exportCameraJson } from '../../../src/shared/trajectory/camera-json';
import { invertRigid, quatAngleBetween } from '../../../src/shared/trajectory/math';
import { exportRealEstate10K, importRealEstate10K } from '../../../src/shared/trajectory/realestate10k';
import type { CameraFrame, Mat4 } from '../../../src/shared/trajectory/types';
import { maxAbsDiff, randomCameraFrames, trajectoryError } from './helpers';

const OPTS = { width: 1280, height: 720, fps: 8 };
const SIZE = { width: 1280, height: 720 };

function lines(text: string): string[] {
  return text.trimEnd().split('\n');
}

/** A file whose frame line `n` (1-based among frame lines) has column `c` (0-based) replaced. */
function withColumn(n: number, c: number, value: string): string {
  const l = lines(exportRealEstate10K(randomCameraFrames(21, 5), OPTS));
  const cols = (l[n] as string).split(' ');
  cols[c] = value;
  l[n] = cols.join(' ');
  return l.join('\n');
}

describe('RealEstate10K export', () => {
  it('writes a source line, then timestamp, normalised fx fy cx cy, 0 0 and the 3x4 world-to-camera matrix', () => {
    const text = exportRealEstate10K([{ position: [1, 2, 3], rotation: [0, 0, 0, 1], fovY: 60 }, ...randomCameraFrames(1, 2)], OPTS);
    const l = lines(text);
    expect(l[0]).toBe('dwm-studio');
    expect(l).toHaveLength(4);
    const v = (l[1] as string).split(' ').map(Number);
    expect(v).toHaveLength(19);
    const f = 360 / Math.tan(Math.PI / 6);
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(f / 1280, 14);
    expect(v[2]).toBeCloseTo(f / 720, 14);
    expect(v.slice(3, 7)).toEqual([0.5, 0.5, 0, 0]);
    // Identity three.js camera at (1, 2, 3): OpenCV R = diag(1, -1, -1), t = -R^T C = (-1, 2, 3).
    expect(v.slice(7)).toEqual([1, 0, 0, -1, 0, -1, 0, 2, 0, 0, -1, 3]);
    expect(Number((l[2] as string).split(' ')[0])).toBe(125000);
    expect(Number((l[3] as string).split(' ')[0])).toBe(250000);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('takes a source line of its own, on one line', () => {
    const text = exportRealEstate10K(randomCameraFrames(1, 1), { ...OPTS, source: 'https://example.com/a\nb' });
    expect(lines(text)[0]).toBe('https://example.com/a b');
  });

  it('reads like CameraCtrl reads it: w2c = entry[7:], c2w = inv(w2c), fx * W, fy * H', () => {
    const frames = randomCameraFrames(7, 5);
    const re10k = lines(exportRealEstate10K(frames, OPTS)).slice(1);
    const json = JSON.parse(exportCameraJson(frames, { ...OPTS }));
    re10k.forEach((line, i) => {
      const entry = line.split(' ').map(Number);
      const p = entry.slice(7);
      const w2c = [p.slice(0, 4), p.slice(4, 8), p.slice(8, 12), [0, 0, 0, 1]] as Mat4;
      const c2w = invertRigid(w2c);
      expect(maxAbsDiff(c2w.flat(), json.frames[i].camera_to_world.flat())).toBeLessThan(1e-12);
      expect((entry[1] as number) * 1280).toBeCloseTo(json.frames[i].fx, 9);
      expect((entry[2] as number) * 720).toBeCloseTo(json.frames[i].fy, 9);
    });
  });

  it('refuses frames it cannot describe', () => {
    const err = trajectoryError(() => exportRealEstate10K([{ position: [0, 0, 0], rotation: [0, 0, 0, 2], fovY: 60 }], OPTS));
    expect(err.message).toMatch(/frame 0: camera rotation \[0, 0, 0, 2\] is not a unit quaternion/);
  });
});

describe('RealEstate10K round trip', () => {
  it('reads its own output back (rotation < 1e-9 rad, position < 1e-9 m, fov within 1e-9 relative)', () => {
    for (const [seed, width, height] of [
      [1, 1280, 720],
      [2, 720, 480],
      [3, 512, 512],
      [4, 480, 832],
    ] as const) {
      const frames = randomCameraFrames(seed, 49);
      const back = importRealEstate10K(exportRealEstate10K(frames, { width, height, fps: 8 }), { width, height, frames: 49 });
      expect(back.source).toBe('dwm-studio');
      expect(back.fps).toBe(8);
      expect(back.timestampsUs[48]).toBe(6_000_000);
      back.frames.forEach((f, i) => {
        const orig = frames[i] as CameraFrame;
        expect(quatAngleBetween(f.rotation, orig.rotation)).toBeLessThan(1e-9);
        expect(maxAbsDiff(f.position, orig.position)).toBeLessThan(1e-9);
        expect(Math.abs(f.fovY - orig.fovY) / orig.fovY).toBeLessThan(1e-9);
      });
    }
  });

  it('estimates fps from the timestamps', () => {
    const back = importRealEstate10K(exportRealEstate10K(randomCameraFrames(3, 31), { ...OPTS, fps: 30 }), SIZE);
    expect(back.fps).toBe(30);
    expect(importRealEstate10K(exportRealEstate10K(randomCameraFrames(3, 1), OPTS), SIZE).fps).toBeNull();
  });

  it('reads a file written with 6 decimals, CRLF line endings and a trailing blank line', () => {
    const frames = randomCameraFrames(5, 10);
    const text = lines(exportRealEstate10K(frames, OPTS))
      .map((l, i) =>
        i === 0
          ? 'https://www.youtube.com/watch?v=abc'
          : l
              .split(' ')
              .map((t, c) => (c === 0 ? t : Number(t).toFixed(6)))
              .join(' '),
      )
      .join('\r\n');
    const back = importRealEstate10K(`${text}\r\n\r\n`, SIZE);
    expect(back.source).toBe('https://www.youtube.com/watch?v=abc');
    expect(back.frames).toHaveLength(10);
    expect(quatAngleBetween(back.frames[3]?.rotation ?? [0, 0, 0, 1], frames[3]?.rotation ?? [0, 0, 0, 1])).toBeLessThan(1e-5);
  });

  it('reads a file without the source line', () => {
    const text = lines(exportRealEstate10K(randomCameraFrames(5, 3), OPTS))
      .slice(1)
      .join('\n');
    const back = importRealEstate10K(text, SIZE);
    expect(back.source).toBe('');
    expect(back.frames).toHaveLength(3);
  });

  it('reads intrinsics back for the size it is given: the same fov at a different size with the same aspect', () => {
    const frames = randomCameraFrames(8, 3);
    const back = importRealEstate10K(exportRealEstate10K(frames, OPTS), { width: 640, height: 360 });
    expect(Math.abs((back.frames[1]?.fovY ?? 0) - (frames[1]?.fovY ?? 1))).toBeLessThan(1e-9);
  });
});

describe('RealEstate10K bad input', () => {
  it('a wrong column count names the line', () => {
    const l = lines(exportRealEstate10K(randomCameraFrames(21, 5), OPTS));
    l[3] = (l[3] as string).split(' ').slice(0, 18).join(' ');
    let err = trajectoryError(() => importRealEstate10K(l.join('\n'), SIZE));
    expect(err.message).toMatch(
      /^line 4 has 18 columns; a RealEstate10K frame line has 19 \(timestamp, fx fy cx cy, 0 0, then the 12 numbers/,
    );
    expect(err.line).toBe(4);
    const cols = (l[2] as string).split(' ');
    cols.splice(5, 2);
    l[2] = cols.join(' ');
    err = trajectoryError(() => importRealEstate10K(l.join('\n'), SIZE));
    expect(err.message).toMatch(/^line 3 has 17 columns; .*the two unused 0 columns after the intrinsics seem to be missing/);
  });

  it('a value that is not a number names the line and column', () => {
    let err = trajectoryError(() => importRealEstate10K(withColumn(2, 9, 'abc'), SIZE));
    expect(err.message).toBe('line 3, column 10 (p02) is "abc", which is not a number');
    expect(err.line).toBe(3);
    err = trajectoryError(() => importRealEstate10K(withColumn(1, 2, '0x10'), SIZE));
    expect(err.message).toBe('line 2, column 3 (fy) is "0x10", which is not a number');
  });

  it('NaN and infinity', () => {
    let err = trajectoryError(() => importRealEstate10K(withColumn(4, 10, 'nan'), SIZE));
    expect(err.message).toBe('line 5, column 11 (p03) is NaN (not a number)');
    err = trajectoryError(() => importRealEstate10K(withColumn(4, 10, '-inf'), SIZE));
    expect(err.message).toBe('line 5, column 11 (p03) is infinite');
    err = trajectoryError(() => importRealEstate10K(withColumn(4, 10, '1e999'), SIZE));
    expect(err.message).toBe('line 5, column 11 (p03) is 1e999, too large to be a finite number');
  });

  it('a matrix that is not a rotation, or a mirror', () => {
    let err = trajectoryError(() => importRealEstate10K(withColumn(3, 7, '3'), SIZE));
    expect(err.message).toMatch(
      /^line 4: the world-to-camera matrix \(columns 8-19\): its rotation part is not a rotation \(not orthonormal/,
    );
    expect(err.line).toBe(4);
    expect(err.frame).toBe(2);
    const l = lines(exportRealEstate10K([{ position: [0, 0, 0], rotation: [0, 0, 0, 1], fovY: 60 }], OPTS));
    l[1] = (l[1] as string).replace(/ 1 0 0 0 0 -1 0 0 0 0 -1 0$/, ' 1 0 0 0 0 1 0 0 0 0 -1 0');
    err = trajectoryError(() => importRealEstate10K(l.join('\n'), SIZE));
    expect(err.message).toMatch(
      /^line 2: the world-to-camera matrix \(columns 8-19\): its rotation part has determinant -1: a mirror image/,
    );
  });

  it('wrong frame count against the shot', () => {
    const err = trajectoryError(() => importRealEstate10K(exportRealEstate10K(randomCameraFrames(1, 30), OPTS), { ...SIZE, frames: 49 }));
    expect(err.message).toMatch(/^has 30 frames, the shot has 49/);
  });

  it('a file with no frame lines', () => {
    const err = trajectoryError(() => importRealEstate10K('https://www.youtube.com/watch?v=abc\n', SIZE));
    expect(err.message).toMatch(/^has no frame lines/);
    expect(trajectoryError(() => importRealEstate10K('', SIZE)).message).toMatch(/^has no frame lines/);
  });

  it('an image size whose aspect does not fit the intrinsics', () => {
    const err = trajectoryError(() =>
      importRealEstate10K(exportRealEstate10K(randomCameraFrames(1, 3), OPTS), { width: 512, height: 512 }),
    );
    expect(err.message).toMatch(
      /^line 2: fx [\d.]+ x width 512 = [\d.]+ px but fy [\d.]+ x height 512 = [\d.]+ px; the file's intrinsics are for images 1\.7778 times as wide as tall/,
    );
    expect(err.field).toBe('fx');
  });

  it('an off-centre principal point, a zero focal length, timestamps that go back', () => {
    let err = trajectoryError(() => importRealEstate10K(withColumn(2, 3, '0.4'), SIZE));
    expect(err.message).toMatch(/^line 3: principal point cx 0.4, cy 0.5 is not the image centre/);
    err = trajectoryError(() => importRealEstate10K(withColumn(2, 1, '0'), SIZE));
    expect(err.message).toMatch(/^line 3: focal lengths fx 0, fy [\d.]+ must be above 0$/);
    expect(err.field).toBe('fx');
    err = trajectoryError(() => importRealEstate10K(withColumn(3, 0, '100'), SIZE));
    expect(err.message).toBe("line 4: timestamp 100 does not come after the previous line's (125000)");
  });

  it('an image size that is not a size', () => {
    const err = trajectoryError(() => importRealEstate10K('x', { width: 0, height: 720 }));
    expect(err.message).toMatch(/image width must be a whole number of pixels above 0, not 0/);
  });
});
