import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../src/main/studio';
import { AppInfo, type EventName, ProjectState, type ProjectStatus } from '../../src/shared/api/contract';
import type { Envelope } from '../../src/shared/api/errors';
import { CURRENT_SCHEMA_VERSION } from '../../src/shared/project/schema';
import { createShot } from '../../src/shared/shot/create-shot';

let tmp: string;
let studio: Studio;
let logged: string[];

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-dispatch-')));
  logged = [];
  studio = await createStudio({ userDataDir: path.join(tmp, 'user-data'), host: { transport: 'web' }, log: (m) => logged.push(m) });
  // Autosave off, so no timer writes into the folder while it is being removed.
  await studio.services.settings.update({ autosaveSeconds: 0 });
});

afterEach(async () => {
  await studio.shutdown();
  await fs.rm(tmp, { recursive: true, force: true });
});

function expectError(result: Envelope<unknown>): { code: string; message: string; field?: string; file?: string } {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected an error envelope');
  return result.error;
}

function expectOk(result: Envelope<unknown>): unknown {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('dispatch', () => {
  it.each(['nope', 'constructor', '__proto__', 'toString', 5, null])('answers NOT_FOUND for the unknown call %j', async (name) => {
    const error = expectError(await studio.dispatch(name, {}));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Unknown API call');
  });

  it('rejects a wrongly typed field as BAD_INPUT naming the field', async () => {
    const error = expectError(await studio.dispatch('project.create', { dir: 5 }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.field).toBe('dir');
    expect(error.message).toContain('project.create');
    expect(error.message).toContain('dir');
  });

  it('rejects a missing field', async () => {
    const error = expectError(await studio.dispatch('project.create', { dir: path.join(tmp, 'p') }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.field).toBe('name');
  });

  it('rejects a NUL byte in a path', async () => {
    const error = expectError(await studio.dispatch('project.open', { dir: '/tmp/a\u0000b' }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.field).toBe('dir');
  });

  it('rejects unknown extra keys (inputs are strict) and does nothing', async () => {
    const dir = path.join(tmp, 'p');
    const error = expectError(await studio.dispatch('project.create', { dir, name: 'P', extra: true }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('extra');
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });

    expect(expectError(await studio.dispatch('app.info', { verbose: true })).code).toBe('BAD_INPUT');
    expect(expectError(await studio.dispatch('settings.update', { recentProjects: [] })).code).toBe('BAD_INPUT');
  });

  it('treats a missing input as an empty object', async () => {
    expect(expectOk(await studio.dispatch('project.current', undefined))).toBeNull();
  });

  it('creates a project and answers with its state', async () => {
    const dir = path.join(tmp, 'kitchen');
    const value = expectOk(await studio.dispatch('project.create', { dir, name: '  Kitchen  ' }));
    const state = ProjectState.parse(value);
    expect(state.dir).toBe(dir);
    // The name is trimmed by the input schema.
    expect(state.document.name).toBe('Kitchen');
    expect(state.dirty).toBe(false);
    expect(state.document.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    // A project made through the API opens with the sample room and its demo shot, staged in it.
    expect(state.document.scenes.map((s) => s.name)).toEqual(['Sample room']);
    expect(state.document.shots.map((s) => s.name)).toEqual(['Open the top drawer']);
    expect(state.document.activeShotId).toBe(state.document.shots[0]?.id);
    expect(state.document.shots[0]?.sceneId).toBe(state.document.scenes[0]?.id);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
    expect(onDisk.id).toBe(state.document.id);
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);

    const current = ProjectState.parse(expectOk(await studio.dispatch('project.current', {})));
    expect(current.document.id).toBe(state.document.id);
  });

  it('validates the scenes of an updated document, naming the field under document', async () => {
    const dir = path.join(tmp, 'scenes');
    const state = ProjectState.parse(expectOk(await studio.dispatch('project.create', { dir, name: 'Scenes' })));
    const sceneId = randomUUID();
    const scene = {
      id: sceneId,
      name: 'Room',
      format: 'ply-points',
      file: `scenes/${sceneId}/room.ply`,
      files: [`scenes/${sceneId}/room.ply`],
      sizeBytes: 10,
      stats: { triangles: 0, points: 3, splats: 0, meshes: 0, materials: 0, textures: 0 },
      bounds: { min: [0, 0, 0], max: [1, 1, 1] },
      placement: { unitScale: 1, upAxis: 'z', recenter: true },
      importedAt: '2025-01-02T03:04:05.000Z',
      source: '/scans/room.ply',
    };
    const others = state.document.scenes;

    const dangling = expectError(
      await studio.dispatch('project.update', { document: { ...state.document, activeSceneId: randomUUID() }, baseRevision: 0 }),
    );
    expect(dangling.code).toBe('BAD_INPUT');
    expect(dangling.field).toBe('document.activeSceneId');

    const duplicate = expectError(
      await studio.dispatch('project.update', { document: { ...state.document, scenes: [...others, scene, scene] }, baseRevision: 0 }),
    );
    expect(duplicate.code).toBe('BAD_INPUT');
    expect(duplicate.field).toBe(`document.scenes[${others.length + 1}].id`);

    const updated = ProjectState.parse(
      expectOk(
        await studio.dispatch('project.update', {
          document: { ...state.document, scenes: [...others, scene], activeSceneId: sceneId },
          baseRevision: 0,
        }),
      ),
    );
    expect(updated.revision).toBe(1);
    expect(updated.document.activeSceneId).toBe(sceneId);
    expect(updated.document.scenes.at(-1)).toMatchObject({ id: sceneId, visible: true, articulations: [] });
  });

  it('validates the shots of an updated document, naming the field under document', async () => {
    const dir = path.join(tmp, 'shots');
    const state = ProjectState.parse(expectOk(await studio.dispatch('project.create', { dir, name: 'Shots' })));
    const shotId = randomUUID();
    const shot = createShot({ id: shotId, name: 'Reach', frames: 49, fps: 8, sceneId: null, newKeyId: randomUUID });

    const dangling = expectError(
      await studio.dispatch('project.update', { document: { ...state.document, activeShotId: randomUUID() }, baseRevision: 0 }),
    );
    expect(dangling.code).toBe('BAD_INPUT');
    expect(dangling.field).toBe('document.activeShotId');

    const unstaged = expectError(
      await studio.dispatch('project.update', {
        document: { ...state.document, shots: [{ ...shot, sceneId: randomUUID() }] },
        baseRevision: 0,
      }),
    );
    expect(unstaged.code).toBe('BAD_INPUT');
    expect(unstaged.field).toBe('document.shots[0].sceneId');

    const duplicate = expectError(
      await studio.dispatch('project.update', { document: { ...state.document, shots: [shot, shot] }, baseRevision: 0 }),
    );
    expect(duplicate.code).toBe('BAD_INPUT');
    expect(duplicate.field).toBe('document.shots[1].id');

    const short = expectError(
      await studio.dispatch('project.update', { document: { ...state.document, shots: [{ ...shot, frames: 1 }] }, baseRevision: 0 }),
    );
    expect(short.code).toBe('BAD_INPUT');
    expect(short.field).toBe('document.shots[0].frames');

    const updated = ProjectState.parse(
      expectOk(
        await studio.dispatch('project.update', { document: { ...state.document, shots: [shot], activeShotId: shotId }, baseRevision: 0 }),
      ),
    );
    expect(updated.revision).toBe(1);
    expect(updated.document.activeShotId).toBe(shotId);
    expect(updated.document.shots).toEqual([shot]);
  });

  it('passes service errors through with their code and file', async () => {
    const dir = path.join(tmp, 'busy');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'project.json'), '{}');
    const error = expectError(await studio.dispatch('project.create', { dir, name: 'Busy' }));
    expect(error.code).toBe('ALREADY_EXISTS');
    expect(error.file).toBe(path.join(dir, 'project.json'));
  });

  it('samples.import refuses a relative folder, naming the field, and answers NO_PROJECT with nothing open', async () => {
    const relative = expectError(await studio.dispatch('samples.import', { dir: 'dwm-samples/realworld' }));
    expect(relative.code).toBe('BAD_INPUT');
    expect(relative.field).toBe('dir');
    expect(expectError(await studio.dispatch('samples.import', { dir: tmp })).code).toBe('NO_PROJECT');
  });

  it('answers NO_PROJECT for a save with nothing open', async () => {
    expect(expectError(await studio.dispatch('project.save', {})).code).toBe('NO_PROJECT');
  });

  it('answers UNSUPPORTED for the folder dialog in the web host', async () => {
    const error = expectError(await studio.dispatch('dialog.pickFolder', { title: 'Pick', purpose: 'open' }));
    expect(error.code).toBe('UNSUPPORTED');
  });

  it('describes the web host in app.info, with the CPU backend available', async () => {
    const info = AppInfo.parse(expectOk(await studio.dispatch('app.info', {})));
    expect(info.transport).toBe('web');
    expect(info.nativeDialogs).toBe(false);
    expect(info.userDataDir).toBe(path.join(tmp, 'user-data'));
    expect(Array.isArray(info.inferenceBackends)).toBe(true);
    // onnxruntime-node is a dependency, so its CPU provider must be found.
    expect(info.inferenceBackends).toContainEqual({ name: 'cpu', available: true });
  });

  it('updates settings and reads them back', async () => {
    const updated = expectOk(await studio.dispatch('settings.update', { autosaveSeconds: 9 })) as { autosaveSeconds: number };
    expect(updated.autosaveSeconds).toBe(9);
    expect((expectOk(await studio.dispatch('settings.get', {})) as { autosaveSeconds: number }).autosaveSeconds).toBe(9);
    expect(expectError(await studio.dispatch('settings.update', { autosaveSeconds: -5 })).field).toBe('autosaveSeconds');
  });

  it('lists recent projects with whether they still exist', async () => {
    const dir = path.join(tmp, 'recent');
    expectOk(await studio.dispatch('project.create', { dir, name: 'Recent' }));
    expectOk(await studio.dispatch('project.close', {}));
    await fs.rm(dir, { recursive: true });
    const recent = expectOk(await studio.dispatch('project.recent', {})) as { dir: string; exists: boolean }[];
    expect(recent).toEqual([expect.objectContaining({ dir, exists: false })]);
  });
});

describe('events', () => {
  it('pushes project.status to subscribers after a create, and stops after unsubscribe', async () => {
    const received: { event: EventName; payload: unknown }[] = [];
    const unsubscribe = studio.subscribe((event, payload) => received.push({ event, payload }));
    const dir = path.join(tmp, 'evented');

    expectOk(await studio.dispatch('project.create', { dir, name: 'Evented' }));

    const statuses = received.filter((e) => e.event === 'project.status').map((e) => e.payload as ProjectStatus);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toMatchObject({ dir, dirty: false, saving: false, error: null });

    unsubscribe();
    const count = received.length;
    expectOk(await studio.dispatch('project.save', {}));
    expect(received.length).toBe(count);
  });

  it('drops an event that breaks the contract, logging it instead of sending it', () => {
    const received: unknown[] = [];
    studio.subscribe((_event, payload) => received.push(payload));
    studio.emit('project.status', { dir: null } as unknown as ProjectStatus);
    expect(received).toEqual([]);
    expect(logged.some((m) => m.includes('project.status'))).toBe(true);
  });
});
