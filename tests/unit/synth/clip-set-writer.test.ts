import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeVideo } from '../../../src/main/services/conditioning/ffmpeg';
import { ClipSetWriter, TRAINING_CLIPS_DIR } from '../../../src/main/services/training-clips/clip-set-writer';
import { mergeClipSet } from '../../../src/main/services/training-clips/merge-clip-set';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';
import type { ClipMetaInput } from '../../../src/shared/synth/clip-meta';

const SLOW = 60_000;
const SPEC: ConditioningSpec = { ...DEFAULT_CONDITIONING_SPEC, width: 32, height: 16, frames: 12, fps: 8 };
const FRAME = 4 * SPEC.width * SPEC.height * 4;

function meta(clip = '00001_00'): ClipMetaInput {
  const n = SPEC.frames;
  return {
    clip,
    roomSeed: 1,
    clipSeed: 7,
    part: { node: 'dresser_drawer_top', label: 'Top drawer', kind: 'drawer', type: 'prismatic' },
    side: 'right',
    fovY: 60,
    timing: { reach: 2, preGrasp: 4, grasp: 6, pulled: 8, release: 10 },
    joint: Array.from({ length: n }, (_, i) => (i < 6 ? 0 : 0.02 * (i - 5))),
    lights: { hemisphereIntensity: 1, sunIntensity: 1.2, sunDirection: [0, 1, 0] },
    camera: Array.from({ length: n }, () => ({
      position: [0, 1.5, 1] as [number, number, number],
      rotation: [0, 0, 0, 1] as [number, number, number, number],
      fovY: 60,
    })),
    prompt: 'The right hand reaches for the top drawer, grasps its handle and pulls it open.',
  };
}

const frame = (i: number) => new Uint8Array(FRAME).fill((i * 20) % 255);

describe('ClipSetWriter', () => {
  let project: string;
  beforeEach(async () => {
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'clip-set-'));
  });
  afterEach(async () => {
    await fs.rm(project, { recursive: true, force: true });
  });

  it(
    'writes the reference layout and moves the set into place only when finished',
    async () => {
      const writer = await ClipSetWriter.open(project, SPEC);
      await writer.beginClip(meta());
      for (let i = 0; i < SPEC.frames; i++) await writer.writeFrame(i, frame(i));
      await writer.finishClip();
      expect((await fs.readdir(path.join(project, TRAINING_CLIPS_DIR)))[0]).toMatch(/\.partial$/);
      const { dir } = await writer.finish();
      for (const folder of ['videos', 'videos_static', 'videos_hands', 'videos_mask']) {
        const probe = await probeVideo(path.join(dir, folder, '00001_00.mp4'));
        expect(probe).toMatchObject({ width: 32, height: 16, frames: 12 });
      }
      expect(await fs.readFile(path.join(dir, 'prompts_rewrite', '00001_00.txt'), 'utf8')).toContain('top drawer');
      const written = JSON.parse(await fs.readFile(path.join(dir, 'meta', '00001_00.json'), 'utf8'));
      expect(written.spec.handColours).toEqual(DEFAULT_CONDITIONING_SPEC.handColours);
      expect(written.prompt).toBeUndefined();
      const index = JSON.parse(await fs.readFile(path.join(dir, 'clips.json'), 'utf8'));
      expect(index).toMatchObject({ version: 1, clips: [{ clip: '00001_00', roomSeed: 1, partKind: 'drawer', side: 'right' }] });

      const out = path.join(project, 'merged');
      await mergeClipSet(dir, out);
      const again = await mergeClipSet(dir, out);
      expect(again.total).toBe(1);
      expect(await fs.readdir(path.join(out, 'videos_mask'))).toEqual(['00001_00.mp4']);
    },
    SLOW,
  );

  it(
    'refuses a frame of the wrong size with a clear message, and an abort leaves nothing',
    async () => {
      const writer = await ClipSetWriter.open(project, SPEC);
      await writer.beginClip(meta());
      await expect(writer.writeFrame(0, new Uint8Array(FRAME - 4))).rejects.toThrow(
        /a frame must be 8192 bytes \(interaction, static, hands and mask 32x16 RGBA images\), got 8188/,
      );
      // The refusal put nothing into the videos: the right frame is still frame 0.
      await writer.writeFrame(0, frame(0));
      await writer.abort();
      expect(await fs.readdir(path.join(project, TRAINING_CLIPS_DIR))).toEqual([]);
    },
    SLOW,
  );

  it('refuses meta whose per-frame arrays do not match the spec', async () => {
    const writer = await ClipSetWriter.open(project, SPEC);
    await expect(writer.beginClip({ ...meta(), joint: [0, 1] })).rejects.toThrow(/one value per frame \(12\)/);
    await expect(writer.beginClip({ ...meta(), clip: 'x' })).rejects.toThrow(/clip meta: clip/);
    await expect(writer.beginClip({ ...meta(), timing: { ...meta().timing, pulled: 11 } })).rejects.toThrow(
      /timing must be reach < preGrasp < grasp < pulled < release < 12/,
    );
    // A lifted object's beats say lifted and setDown; a drawer's pulled is refused for it.
    const lift = {
      ...meta(),
      part: { node: 'box', label: 'Box', kind: 'lift', type: 'prismatic' },
      prompt: 'The right hand reaches for the box, lifts it up and puts it back down.',
    };
    await expect(writer.beginClip(lift)).rejects.toThrow(
      /a lift's timing has the beats reach, preGrasp, grasp, lifted, setDown, release, not pulled/,
    );
    await writer.abort();
  });

  it(
    'records a lid and a lift with their kinds and beats in meta and clips.json',
    async () => {
      const writer = await ClipSetWriter.open(project, SPEC);
      const { pulled: _, ...start } = meta().timing;
      const clips = [
        {
          clip: '00001_00',
          part: { node: 'chest_lid', label: 'Toy box lid', kind: 'lid', type: 'revolute' },
          timing: { ...start, lifted: 8 },
        },
        {
          clip: '00001_01',
          part: { node: 'box', label: 'Box', kind: 'lift', type: 'prismatic' },
          timing: { ...start, lifted: 7, setDown: 9 },
        },
      ] as const;
      for (const c of clips) {
        await writer.beginClip({ ...meta(c.clip), part: c.part, timing: c.timing });
        for (let i = 0; i < SPEC.frames; i++) await writer.writeFrame(i, frame(i));
        await writer.finishClip();
      }
      const { dir } = await writer.finish();
      const index = JSON.parse(await fs.readFile(path.join(dir, 'clips.json'), 'utf8'));
      expect(index.clips.map((c: { partKind: string }) => c.partKind)).toEqual(['lid', 'lift']);
      const lift = JSON.parse(await fs.readFile(path.join(dir, 'meta', '00001_01.json'), 'utf8'));
      expect(lift.timing).toEqual({ reach: 2, preGrasp: 4, grasp: 6, lifted: 7, setDown: 9, release: 10 });
      expect(lift.part.kind).toBe('lift');
    },
    SLOW,
  );

  it(
    'a set whose clip was never finished is discarded at finish',
    async () => {
      const writer = await ClipSetWriter.open(project, SPEC);
      await writer.beginClip(meta());
      await writer.writeFrame(0, frame(0));
      await expect(writer.finish()).rejects.toThrow(/never finished/);
      expect(await fs.readdir(path.join(project, TRAINING_CLIPS_DIR))).toEqual([]);
    },
    SLOW,
  );
});
