import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderService } from '../../../src/main/services/conditioning/render-service';
import { ProjectService } from '../../../src/main/services/project-service';
import { SettingsStore } from '../../../src/main/services/settings-store';
import { sampleShot } from '../../../src/shared/animation/sample';
import { ApiError } from '../../../src/shared/api/errors';
import { type ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';

/**
 * The main-process side of a conditioning render, fed frames as the UI would: refusals
 * with clear messages, and nothing half-written left behind.
 */

let tmp: string;
let projects: ProjectService;
let renders: RenderService;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-render-service-'));
  const settings = new SettingsStore(path.join(tmp, 'home'));
  await settings.load();
  projects = new ProjectService({ settings, appVersion: 'test' });
  renders = new RenderService(projects);
});
afterEach(async () => {
  await renders.abortAll();
  await projects.close().catch(() => {});
  await fs.rm(tmp, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const listRenders = async (dir: string) => fs.readdir(path.join(dir, 'renders'), { recursive: true }).catch(() => [] as string[]);

describe('render service', () => {
  it('refuses a shot with no camera keys, naming it', async () => {
    const state = await projects.create(path.join(tmp, 'p'), 'P', { sampleRoom: true });
    const shot = state.document.shots[0];
    if (!shot) throw new Error('the demo shot is missing');
    const bare = {
      ...shot,
      id: '11111111-2222-4333-8444-555555555555',
      name: 'Bare',
      camera: { position: { keys: [] }, rotation: { keys: [] }, fovY: { keys: [] } },
    };
    await projects.update({ ...state.document, shots: [...state.document.shots, bare] }, state.revision);
    const err = await caught(renders.begin(bare.id, { pngs: false }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('"Bare" has no camera keys');
  });

  it('refuses a frame size the model does not take (odd width) before writing anything', async () => {
    const state = await projects.create(path.join(tmp, 'odd'), 'Odd', { sampleRoom: true });
    await projects.update({ ...state.document, shotDefaults: { ...state.document.shotDefaults, width: 721 } }, state.revision);
    const err = await caught(renders.begin(state.document.activeShotId as string, { pngs: false }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toMatch(/width.*even/);
    expect(await listRenders(state.dir)).toEqual([]);
  });

  it('refuses out-of-order and wrongly sized frames, and an abort leaves nothing', async () => {
    const state = await projects.create(path.join(tmp, 'q'), 'Q', { sampleRoom: true });
    const { renderId, spec } = await renders.begin(state.document.activeShotId as string, { pngs: false });
    const size = spec.width * spec.height * 4;
    expect((await caught(renders.frame(renderId, 1, new Uint8Array(2 * size)))).message).toContain('frame 1 arrived, frame 0 was expected');
    expect((await caught(renders.frame(renderId, 0, new Uint8Array(size)))).message).toContain(`must be ${2 * size} bytes`);
    expect(await renders.frame(renderId, 0, new Uint8Array(2 * size))).toEqual({ received: 1 });
    expect((await listRenders(state.dir)).some((f) => f.endsWith('.partial'))).toBe(true);
    expect(await renders.abort(renderId)).toBe(true);
    const left = await listRenders(state.dir);
    expect(left.filter((f) => f.includes('.partial') || f.endsWith('.mp4'))).toEqual([]);
    expect((await caught(renders.finish(renderId))).code).toBe('NOT_FOUND');
  });

  it('refuses to finish a render that is missing frames and removes it', async () => {
    const state = await projects.create(path.join(tmp, 'r'), 'R', { sampleRoom: true });
    const { renderId, spec } = await renders.begin(state.document.activeShotId as string, { pngs: false });
    await renders.frame(renderId, 0, new Uint8Array(2 * spec.width * spec.height * 4));
    const err = await caught(renders.finish(renderId));
    expect(err.message).toContain('only 1 of 49 conditioning frames were rendered');
    expect((await listRenders(state.dir)).filter((f) => f.endsWith('.mp4') || f.includes('.partial'))).toEqual([]);
    expect(await renders.latest(state.document.activeShotId as string)).toBeNull();
  });

  it("renders at the chosen model's size, length and rate, samples the shot by time, and finds renders by spec", async () => {
    // A model at half the shot's rate: its frame i is the shot's frame 2i.
    const tiny: ConditioningSpec = {
      ...DEFAULT_CONDITIONING_SPEC,
      width: 64,
      height: 48,
      frames: 9,
      fps: 4,
      handColours: { left: [1, 2, 3], right: [4, 5, 6] },
    };
    const asked: (string | undefined)[] = [];
    const byModel = new RenderService(projects, async (modelId) => {
      asked.push(modelId);
      return modelId === 'tiny' ? tiny : DEFAULT_CONDITIONING_SPEC;
    });
    const state = await projects.create(path.join(tmp, 's'), 'S', { sampleRoom: true });
    const shot = state.document.shots[0];
    if (!shot) throw new Error('the demo shot is missing');
    expect(shot).toMatchObject({ frames: 49, fps: 8 });
    const { renderId, spec } = await byModel.begin(shot.id, { pngs: false, modelId: 'tiny' });
    expect(asked).toEqual(['tiny']);
    expect(spec).toEqual(tiny);
    for (let i = 0; i < 9; i++) await byModel.frame(renderId, i, new Uint8Array(2 * 64 * 48 * 4));
    const done = await byModel.finish(renderId);
    const poses = JSON.parse(await fs.readFile(path.join(state.dir, done.poses), 'utf8'));
    expect(poses).toMatchObject({ spec: tiny, width: 64, height: 48, fps: 4, frame_count: 9 });
    for (const i of [0, 3, 8]) {
      const camera = sampleShot(shot, 2 * i).camera;
      const c2w = poses.frames[i].camera_to_world as number[][];
      expect(c2w.map((row) => row[3])).toEqual([...camera.position, 1].map((v) => expect.closeTo(v, 9)));
      expect(poses.frames[i].fov_y_deg).toBeCloseTo(camera.fovY, 9);
    }
    // Only a render made at the spec asked for counts: another model's must be rendered again.
    expect(await byModel.latest(shot.id, tiny)).toEqual(done);
    expect(await byModel.latest(shot.id, { ...tiny, handColours: { left: [1, 2, 3], right: [4, 5, 7] } })).toBeNull();
    expect(await byModel.latest(shot.id, DEFAULT_CONDITIONING_SPEC)).toBeNull();
    expect(await byModel.latest(shot.id)).toEqual(done);
  });
});
