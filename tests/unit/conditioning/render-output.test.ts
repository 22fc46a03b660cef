import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../../src/main/services/conditioning/ffmpeg';
import { ConditioningSetWriter, renderStamp, writeConditioningSet } from '../../../src/main/services/conditioning/render-output';
import type { ConditioningPoses } from '../../../src/shared/conditioning/poses';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';
import type { CameraFrame, HandFrame } from '../../../src/shared/trajectory/types';
import { decodeRgba, squareFrame, tempDir } from './helpers';

const SLOW = 60_000;
const SHOT = '3f1c2a6e-8d5b-4c1e-9a2f-0b7d6e5c4a31';
const W = 64;
const H = 48;
const N = 5;
const SPEC: ConditioningSpec = { ...DEFAULT_CONDITIONING_SPEC, width: W, height: H, frames: N };

/** A camera 1.6 m up looking down -Z (three.js identity rotation), moving along +X. */
function camera(n = N): CameraFrame[] {
  return Array.from({ length: n }, (_, i) => ({ position: [0.1 * i, 1.6, 0], rotation: [0, 0, 0, 1], fovY: 60 }));
}

function hands(n = N): { left: HandFrame[]; right: HandFrame[] } {
  const hand = (x: number, visible: boolean): HandFrame[] =>
    Array.from({ length: n }, (_, i) => ({
      visible: visible || i > 2,
      wristPosition: [x, 1.2, -0.4 - 0.01 * i],
      wristRotation: [0, 0, 0, 1],
      fingers: new Array<number>(45).fill(0.1),
    }));
  return { left: hand(-0.2, true), right: hand(0.2, false) };
}

function frames(n = N): { static: Uint8Array; hands: Uint8Array }[] {
  return Array.from({ length: n }, (_, i) => ({ static: squareFrame(i, W, H), hands: squareFrame(n - i, W, H) }));
}

describe('writeConditioningSet', () => {
  let project: string;
  const savedEnv = process.env.DWM_FFMPEG;

  beforeAll(async () => {
    project = await tempDir('render');
  });
  afterAll(async () => {
    await fs.rm(project, { recursive: true, force: true });
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.DWM_FFMPEG;
    else process.env.DWM_FFMPEG = savedEnv;
  });

  it(
    'writes static.mp4, hands.mp4, poses.json and PNGs under renders/<shot>/<stamp>, with no partial folder left',
    async () => {
      const now = () => new Date('2026-01-31T14:25:01.123Z');
      const t0 = performance.now();
      const out = await writeConditioningSet(project, SHOT, { spec: SPEC, camera: camera(), hands: hands(), frames: frames(), now });
      console.log(`conditioning set of ${N} frames ${W}x${H} in ${(performance.now() - t0).toFixed(0)} ms`);
      expect(out.stamp).toBe('20260131-142501-123Z');
      expect(out.dir).toBe(path.join(project, 'renders', SHOT, out.stamp));
      expect(await fs.readdir(path.join(project, 'renders', SHOT))).toEqual([out.stamp]);
      expect((await fs.readdir(out.dir)).sort()).toEqual(['hands', 'hands.mp4', 'poses.json', 'static', 'static.mp4']);
      expect(await fs.readdir(path.join(out.dir, 'static'))).toEqual(['000.png', '001.png', '002.png', '003.png', '004.png']);
      expect(out.handsFrames.map((f) => path.relative(out.dir, f))).toEqual([0, 1, 2, 3, 4].map((i) => path.join('hands', `00${i}.png`)));
      for (const video of [out.staticVideo, out.handsVideo]) {
        expect(await probeVideo(video)).toMatchObject({ width: W, height: H, frames: N, fps: 8, codec: 'h264', pixFmt: 'yuv420p' });
      }
      // The hands PNG of frame 1 holds exactly what was sent as hands frame 1.
      expect(Buffer.compare(decodeRgba(out.handsFrames[1] as string), Buffer.from(squareFrame(N - 1, W, H)))).toBe(0);

      // A second render in the same millisecond gets its own folder.
      const again = await writeConditioningSet(project, SHOT, {
        spec: SPEC,
        camera: camera(),
        hands: hands(),
        frames: frames(),
        now,
        pngs: false,
      });
      expect(again.stamp).toBe('20260131-142501-123Z-2');
      expect((await fs.readdir(again.dir)).sort()).toEqual(['hands.mp4', 'poses.json', 'static.mp4']);
    },
    SLOW,
  );

  it(
    'poses.json says its convention and holds OpenCV camera_to_world, world_to_camera, intrinsics and both hands per frame',
    async () => {
      const out = await writeConditioningSet(project, SHOT, {
        spec: SPEC,
        camera: camera(),
        hands: hands(),
        frames: frames(),
        pngs: false,
      });
      const poses = JSON.parse(await fs.readFile(out.posesFile, 'utf8')) as ConditioningPoses;
      expect(poses.format).toBe('dwm-studio.conditioning-poses');
      expect(poses.convention.camera).toEqual({ axes: 'opencv', x: 'right', y: 'down', z: 'forward' });
      expect(poses.convention.world).toEqual({ handedness: 'right', up: '+y', units: 'metres' });
      expect(poses.spec).toEqual(SPEC);
      expect(poses.frames).toHaveLength(N);
      const f2 = poses.frames[2];
      // three.js identity camera (looks down -Z, y up) = OpenCV camera turned 180 degrees about x.
      expect(f2?.camera_to_world).toEqual([
        [1, 0, 0, 0.2],
        [0, -1, 0, 1.6],
        [0, 0, -1, 0],
        [0, 0, 0, 1],
      ]);
      expect(f2?.world_to_camera).toEqual([
        [1, 0, 0, -0.2],
        [0, -1, 0, 1.6],
        [0, 0, -1, 0],
        [0, 0, 0, 1],
      ]);
      expect(f2?.fov_y_deg).toBe(60);
      expect(f2?.intrinsics.fy).toBeCloseTo(H / 2 / Math.tan(Math.PI / 6), 10);
      expect(f2?.intrinsics).toMatchObject({ cx: W / 2, cy: H / 2 });
      expect(f2?.hands.left).toMatchObject({
        visible: true,
        wrist_position: [-0.2, 1.2, -0.4 - 0.01 * 2],
        wrist_rotation_xyzw: [0, 0, 0, 1],
      });
      expect(f2?.hands.right.visible).toBe(false);
      expect(poses.frames[3]?.hands.right.visible).toBe(true);
      expect(f2?.hands.left.hand_pose).toHaveLength(45);
    },
    SLOW,
  );

  it('refuses a track whose frame count differs from the spec before writing anything', async () => {
    const shot = 'count-mismatch';
    await expect(
      writeConditioningSet(project, shot, { spec: SPEC, camera: camera(N - 1), hands: hands(), frames: frames() }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('the shot has 4 camera frames; the conditioning videos need 5'),
    });
    await expect(fs.stat(path.join(project, 'renders', shot))).rejects.toThrow();
  });

  it('refuses a shot id that could leave the renders folder', async () => {
    await expect(
      writeConditioningSet(project, '../escape', { spec: SPEC, camera: camera(), hands: hands(), frames: frames() }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      field: 'shotId',
    });
  });

  it(
    'removes the partial folder when frames run short, when ffmpeg fails and on abort',
    async () => {
      const shot = 'failures';
      const shotDir = path.join(project, 'renders', shot);
      await expect(
        writeConditioningSet(project, shot, { spec: SPEC, camera: camera(), hands: hands(), frames: frames(N - 1) }),
      ).rejects.toThrow('only 4 of 5 conditioning frames were rendered');
      expect(await fs.readdir(shotDir)).toEqual([]);

      process.env.DWM_FFMPEG = '/bin/false';
      await expect(
        writeConditioningSet(project, shot, { spec: SPEC, camera: camera(), hands: hands(), frames: frames() }),
      ).rejects.toMatchObject({
        code: 'IO',
      });
      expect(await fs.readdir(shotDir)).toEqual([]);
      delete process.env.DWM_FFMPEG;

      const writer = await ConditioningSetWriter.open(project, shot, { spec: SPEC, camera: camera(), hands: hands() });
      await writer.writeFrame(squareFrame(0, W, H), squareFrame(1, W, H));
      // A wrong size is refused without spoiling the set.
      await expect(writer.writeFrame(new Uint8Array(3), squareFrame(1, W, H))).rejects.toThrow('static frame 1 has 3 bytes');
      expect(writer.framesWritten).toBe(1);
      expect((await fs.readdir(shotDir))[0]).toMatch(/\.partial$/);
      await writer.abort();
      expect(await fs.readdir(shotDir)).toEqual([]);
    },
    SLOW,
  );

  it('stamps sort by time', () => {
    expect(renderStamp(new Date('2026-01-31T09:05:07.004Z'))).toBe('20260131-090507-004Z');
    expect(renderStamp(new Date('2026-01-31T09:05:07.004Z')) < renderStamp(new Date('2026-01-31T10:00:00.000Z'))).toBe(true);
  });
});
