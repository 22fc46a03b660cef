import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTakes } from '../../../src/main/export/export-takes';
import { selectTakes } from '../../../src/main/export/select-takes';
import { exportId } from '../../../src/main/export/take-episode';
import { TakeStore } from '../../../src/main/generation/take-store';
import { ProjectService } from '../../../src/main/services/project-service';
import { SettingsStore } from '../../../src/main/services/settings-store';
import { ACTION_NAMES, poseVectors, STATE_NAMES } from '../../../src/shared/export/pose-vectors';
import { handKeypoints } from '../../../src/shared/hand/keypoints';
import type { TakeRecord } from '../../../src/shared/model/take';
import { probe, tempDir } from '../pipeline/helpers';
import { SMALL, smallPoses, writeDoneTake } from './take-fixtures';

let root: string;
let project: string;
let posed: TakeRecord;
let unposed: TakeRecord;

beforeAll(async () => {
  root = await tempDir('export');
  project = path.join(root, 'project');
  posed = await writeDoneTake(project, { name: 'Open drawer take 1', prompt: 'open the drawer', withPoses: true, rating: 4 });
  unposed = await writeDoneTake(project, { name: 'Sample take 1', prompt: '', withPoses: false, rating: 2 });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function chosen(ids: string[]) {
  return selectTakes(new TakeStore(project), [], { takeIds: ids });
}

describe('pose vectors for observation.state and action', () => {
  it('names every dimension, shifts the action by one frame, and places the wrist keypoint on the wrist', () => {
    const poses = smallPoses();
    const { state, action } = poseVectors(poses.frames);
    expect(STATE_NAMES).toHaveLength(8 + 2 * (1 + 3 + 3 + 45 + 10 + 63));
    expect(ACTION_NAMES).toHaveLength(8 + 2 * (1 + 3 + 3 + 45 + 10));
    expect(new Set(STATE_NAMES).size).toBe(STATE_NAMES.length);
    for (const v of state) expect(v).toHaveLength(STATE_NAMES.length);
    for (const v of action) expect(v).toHaveLength(ACTION_NAMES.length);
    const at = (names: readonly string[], n: string) => names.indexOf(n);
    // action[i] is frame i+1's target; the last frame holds.
    expect(action[0]?.[at(ACTION_NAMES, 'camera.z')]).toBeCloseTo(state[1]?.[at(STATE_NAMES, 'camera.z')] as number, 12);
    expect(action[8]?.[at(ACTION_NAMES, 'right.transl.x')]).toBeCloseTo(state[8]?.[at(STATE_NAMES, 'right.transl.x')] as number, 12);
    expect(state[0]?.[at(STATE_NAMES, 'left.visible')]).toBe(0);
    expect(state[5]?.[at(STATE_NAMES, 'left.visible')]).toBe(1);
    const f = poses.frames[3];
    if (!f) throw new Error('no frame');
    const kp = handKeypoints({ fingers: f.hands.right.hand_pose }, 'right', {
      position: f.hands.right.wrist_position,
      rotation: f.hands.right.wrist_rotation_xyzw,
    });
    expect(state[3]?.[at(STATE_NAMES, 'right.keypoint.wrist.x')]).toBeCloseTo(kp[0]?.[0] as number, 9);
    expect(kp[0]?.[0]).toBeCloseTo(f.hands.right.wrist_position[0], 6);
  });
});

describe('reference layout export', () => {
  it('writes two takes that the studio imports back byte for byte, with their prompts', async () => {
    const out = path.join(root, 'dwm');
    const result = await exportTakes({ format: 'dwm', outDir: out, takes: await chosen([posed.id, unposed.id]) });
    expect(result.takes).toBe(2);
    const settings = new SettingsStore(path.join(root, 'user'));
    await settings.load();
    const projects = new ProjectService({ settings, appVersion: 'test' });
    await projects.create(path.join(root, 'reimport'), 'reimport', { sampleRoom: false });
    const state = await projects.importSamples(out, { spec: SMALL });
    await projects.close();
    for (const take of [posed, unposed]) {
      const id = exportId(take);
      const shot = state.document.shots.find((s) => s.conditioning?.sampleId === id);
      if (!shot?.conditioning?.groundTruth) throw new Error(`sample ${id} not imported with its video`);
      const same = async (a: string, b: string) => Buffer.compare(await fs.readFile(a), await fs.readFile(b)) === 0;
      const takeDir = path.join(project, 'takes', take.id);
      expect(await same(path.join(state.dir, shot.conditioning.staticVideo), path.join(takeDir, 'static.mp4'))).toBe(true);
      expect(await same(path.join(state.dir, shot.conditioning.handsVideo), path.join(takeDir, 'hands.mp4'))).toBe(true);
      expect(await same(path.join(state.dir, shot.conditioning.groundTruth), path.join(takeDir, 'generated.mp4'))).toBe(true);
      expect(shot.prompt).toBe(take.params.prompt || take.name);
    }
  });
});

describe('plain export', () => {
  it('writes an MP4 and a JSON with the convention, intrinsics, camera poses and hands per take', async () => {
    const out = path.join(root, 'plain');
    await exportTakes({ format: 'plain', outDir: out, takes: await chosen([posed.id, unposed.id]) });
    const id = exportId(posed);
    expect(probe(path.join(out, `${id}.mp4`))).toMatchObject({ frames: 9, width: 64, height: 48, codec: 'h264' });
    const doc = JSON.parse(await fs.readFile(path.join(out, `${id}.json`), 'utf8'));
    expect(doc.convention.camera).toEqual({ axes: 'opencv', x: 'right', y: 'down', z: 'forward' });
    expect(doc.frames).toHaveLength(9);
    expect(doc.frames[0].intrinsics.cx).toBe(32);
    expect(doc.frames[0].hands.right.keypoints).toHaveLength(21);
    expect(doc.frames[0].hands.right.global_orient).toHaveLength(3);
    const bare = JSON.parse(await fs.readFile(path.join(out, `${exportId(unposed)}.json`), 'utf8'));
    expect(bare.frames).toBeNull();
    expect(bare.poses_note).toMatch(/not known/);
  });

  it('refuses a non-empty folder and a take whose video is missing, and leaves nothing behind', async () => {
    const busy = path.join(root, 'busy');
    await fs.mkdir(busy, { recursive: true });
    await fs.writeFile(path.join(busy, 'keep.txt'), 'mine');
    await expect(exportTakes({ format: 'plain', outDir: busy, takes: await chosen([posed.id]) })).rejects.toThrow(/busy is not empty/);
    expect(await fs.readdir(busy)).toEqual(['keep.txt']);

    const broken = await writeDoneTake(project, { name: 'Broken', prompt: 'x', withPoses: false });
    await fs.rm(path.join(project, 'takes', broken.id, 'generated.mp4'));
    const out = path.join(root, 'never');
    await expect(exportTakes({ format: 'plain', outDir: out, takes: await chosen([broken.id]) })).rejects.toThrow(
      /generated\.mp4: missing, so Broken cannot be exported/,
    );
    await expect(fs.stat(out)).rejects.toThrow();
    expect((await fs.readdir(root)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('selects by filter: finished takes rated at least N', async () => {
    const picked = await selectTakes(new TakeStore(project), [], { filter: { minRating: 3 } });
    expect(picked.map((t) => t.take.id)).toEqual([posed.id]);
  });
});

describe('LeRobot export through the export service', () => {
  it('writes a dataset, appends to it (episode numbers continue), and refuses what does not fit', async () => {
    const out = path.join(root, 'lerobot');
    await exportTakes({ format: 'lerobot', outDir: out, takes: await chosen([posed.id]) });
    const info1 = JSON.parse(await fs.readFile(path.join(out, 'meta', 'info.json'), 'utf8'));
    expect(info1).toMatchObject({ codebase_version: 'v3.0', total_episodes: 1, total_frames: 9, fps: 8 });
    expect(info1.features['observation.state'].names).toHaveLength(STATE_NAMES.length);

    const second = await writeDoneTake(project, { name: 'Open drawer take 2', prompt: 'open the drawer', withPoses: true });
    await exportTakes({ format: 'lerobot', outDir: out, takes: await chosen([second.id]), append: true });
    const info2 = JSON.parse(await fs.readFile(path.join(out, 'meta', 'info.json'), 'utf8'));
    expect(info2).toMatchObject({ total_episodes: 2, total_frames: 18, total_tasks: 1 });

    // Takes without poses have no observation.state: they cannot join a dataset that has it.
    await expect(exportTakes({ format: 'lerobot', outDir: out, takes: await chosen([unposed.id]), append: true })).rejects.toThrow(
      /observation\.state|features/,
    );
    expect(JSON.parse(await fs.readFile(path.join(out, 'meta', 'info.json'), 'utf8')).total_episodes).toBe(2);
    // Without append, an existing dataset is not overwritten.
    await expect(exportTakes({ format: 'lerobot', outDir: out, takes: await chosen([second.id]) })).rejects.toThrow(/or append/);
    // Appending needs a dataset.
    const plainDir = path.join(root, 'plain');
    await expect(exportTakes({ format: 'lerobot', outDir: plainDir, takes: await chosen([second.id]), append: true })).rejects.toThrow(
      /is not a LeRobot dataset/,
    );
    expect((await fs.readdir(root)).filter((n) => n.includes('.partial-'))).toEqual([]);
  }, 60_000);
});
