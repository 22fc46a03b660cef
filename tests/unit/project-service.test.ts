import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectService } from '../../src/main/services/project-service';
import { SettingsStore } from '../../src/main/services/settings-store';
import type { ProjectStatus } from '../../src/shared/api/contract';
import { ApiError } from '../../src/shared/api/errors';
import { CURRENT_SCHEMA_VERSION, PROJECT_BACKUP_FILE, PROJECT_FILE, ProjectDocument } from '../../src/shared/project/schema';
import { createShot } from '../../src/shared/shot/create-shot';

const APP_VERSION = '0.1.0-test';
const SCENE_ID = '6a1f3c2e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const SHOT_ID = 'a1b2c3d4-1111-4222-8333-444455556666';

let tmp: string;
let settings: SettingsStore;
let service: ProjectService;
let statuses: ProjectStatus[];

/** A fresh service over fresh user settings; autosave is off unless a test turns it on. */
async function makeService(autosaveSeconds = 0): Promise<ProjectService> {
  settings = new SettingsStore(path.join(tmp, 'user-data'));
  await settings.load();
  await settings.update({ autosaveSeconds });
  statuses = [];
  service = new ProjectService({ settings, appVersion: APP_VERSION, onStatus: (s) => statuses.push(s) });
  return service;
}

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-project-')));
  await makeService();
});

afterEach(async () => {
  // Close first (it may save), so nothing writes into the folder while it is removed.
  await service.close().catch(() => {});
  await fs.rm(tmp, { recursive: true, force: true });
});

async function readProjectJson(dir: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(dir, PROJECT_FILE), 'utf8'));
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError');
}

/** Create a project, then close it, leaving a valid project.json on disk. */
async function createClosedProject(name = 'Kitchen'): Promise<string> {
  const dir = path.join(tmp, 'proj');
  await service.create(dir, name);
  await service.close();
  return dir;
}

/** Create a project and save one edit, so project.json.bak holds the first version. */
async function createWithBackup(): Promise<string> {
  const dir = path.join(tmp, 'proj');
  const state = await service.create(dir, 'First');
  await service.update({ ...state.document, name: 'Second' }, state.revision);
  await service.save();
  await service.close();
  return dir;
}

async function corruptFilesIn(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => n.startsWith(`${PROJECT_FILE}.corrupt-`));
}

/** A valid imported scene (its files are not needed to open the project). */
const scene = {
  id: SCENE_ID,
  name: 'Kitchen',
  format: 'glb' as const,
  file: `scenes/${SCENE_ID}/kitchen.glb`,
  files: [`scenes/${SCENE_ID}/kitchen.glb`],
  sizeBytes: 1024,
  stats: { triangles: 12, points: 0, splats: 0, meshes: 1, materials: 1, textures: 0 },
  bounds: { min: [-1, 0, -2] as [number, number, number], max: [1, 2.5, 2] as [number, number, number] },
  articulations: [],
  placement: { unitScale: 1, upAxis: 'y' as const, recenter: false },
  visible: true,
  importedAt: '2025-01-02T03:04:05.000Z',
  source: '/home/me/scans/kitchen.glb',
};

/** A valid shot with a starting camera, staged in `sceneId`. */
function validShot(sceneId: string | null) {
  let n = 0;
  return createShot({
    id: SHOT_ID,
    name: 'Open the fridge',
    frames: 49,
    fps: 8,
    sceneId,
    camera: { position: [0, 1.6, 2], rotation: [0, 0, 0, 1], fovY: 60 },
    newKeyId: () => `k${++n}`,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('create', () => {
  it('makes a new folder with a valid project.json and the scenes/ and takes/ folders', async () => {
    const dir = path.join(tmp, 'new', 'kitchen');
    const state = await service.create(dir, 'Kitchen');

    expect(state.dir).toBe(dir);
    expect(state.dirty).toBe(false);
    expect(state.revision).toBe(0);
    expect(state.document.name).toBe('Kitchen');
    expect(state.document.appVersion).toBe(APP_VERSION);
    // Written in the current layout. A new project may come with a sample scene, so the scene list is not checked here.
    expect(state.document.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(ProjectDocument.safeParse(state.document).success).toBe(true);
    // A new project has no shots yet.
    expect(state.document.shots).toEqual([]);
    expect(state.document.activeShotId).toBeNull();

    const raw = await readProjectJson(dir);
    expect((raw as { schemaVersion: unknown }).schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    // The shot fields are written out, not left for the defaults to fill in.
    expect(raw).toMatchObject({ shots: [], activeShotId: null });
    const onDisk = ProjectDocument.parse(raw);
    expect(onDisk).toEqual(state.document);
    expect((await fs.readdir(dir)).sort()).toEqual([PROJECT_FILE, 'scenes', 'takes']);
    expect((await fs.stat(path.join(dir, 'scenes'))).isDirectory()).toBe(true);
    expect((await fs.stat(path.join(dir, 'takes'))).isDirectory()).toBe(true);
  });

  it('accepts an existing empty folder', async () => {
    const dir = path.join(tmp, 'empty');
    await fs.mkdir(dir);
    await service.create(dir, 'Empty');
    expect(ProjectDocument.safeParse(await readProjectJson(dir)).success).toBe(true);
  });

  it('remembers the project in the recent list', async () => {
    const dir = path.join(tmp, 'proj');
    await service.create(dir, 'Kitchen');
    expect(settings.get().recentProjects[0]).toMatchObject({ dir, name: 'Kitchen' });
  });

  it('refuses a folder that is not empty and leaves it alone', async () => {
    const dir = path.join(tmp, 'busy');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'holiday.jpg'), 'photo');
    const err = await caught(service.create(dir, 'Busy'));
    expect(err.code).toBe('BAD_INPUT');
    expect(await fs.readdir(dir)).toEqual(['holiday.jpg']);
    expect(service.current()).toBeNull();
  });

  it('refuses a folder that already holds a project, without touching its project.json', async () => {
    const dir = await createClosedProject();
    const before = await fs.readFile(path.join(dir, PROJECT_FILE));
    const err = await caught(service.create(dir, 'Again'));
    expect(err.code).toBe('ALREADY_EXISTS');
    expect(err.file).toBe(path.join(dir, PROJECT_FILE));
    expect(Buffer.compare(await fs.readFile(path.join(dir, PROJECT_FILE)), before)).toBe(0);
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(tmp, 'a-file');
    await fs.writeFile(file, 'x');
    expect((await caught(service.create(file, 'X'))).code).toBe('BAD_INPUT');
  });
});

describe('open', () => {
  it('reads back what create wrote', async () => {
    const dir = path.join(tmp, 'proj');
    const created = await service.create(dir, 'Kitchen');
    await service.close();
    expect(service.current()).toBeNull();

    const opened = await service.open(dir);
    expect(opened.document).toEqual(created.document);
    expect(opened).toMatchObject({ dir, dirty: false, revision: 0, openedFromBackup: false, migratedFrom: null });
  });

  it('keeps unsaved edits when the open project is opened again', async () => {
    // Opening the same folder (e.g. from the recent list) saves the pending edit on close;
    // what is then open must be that edit, not the file as it was before the save.
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'unsaved edit' }, 0);

    const reopened = await service.open(state.dir);

    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: 'unsaved edit' });
    expect(reopened.document.notes).toBe('unsaved edit');
  });

  it('answers NOT_FOUND for a folder without project.json, and for a missing folder', async () => {
    const plain = path.join(tmp, 'plain');
    await fs.mkdir(plain);
    expect((await caught(service.open(plain))).code).toBe('NOT_FOUND');
    expect((await caught(service.open(path.join(tmp, 'nowhere')))).code).toBe('NOT_FOUND');
  });
});

describe('update', () => {
  it('increments the revision, marks the project dirty and stamps modifiedAt', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const next = await service.update({ ...state.document, notes: 'hello' }, state.revision);
    expect(next.revision).toBe(1);
    expect(next.dirty).toBe(true);
    expect(next.document.notes).toBe('hello');
    expect(Date.parse(next.document.modifiedAt)).toBeGreaterThanOrEqual(Date.parse(state.document.modifiedAt));
    // Not written yet: autosave is off in these tests.
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: '' });
  });

  it('rejects an edit based on an old revision (BAD_INPUT) and keeps the newer one', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'first' }, 0);
    const err = await caught(service.update({ ...state.document, notes: 'stale' }, 0));
    expect(err.code).toBe('BAD_INPUT');
    expect(service.current()?.document.notes).toBe('first');
    expect(service.current()?.revision).toBe(1);
  });

  it('rejects a document that belongs to another project', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const err = await caught(service.update({ ...state.document, id: '9b2e7c1a-5d4f-4e3b-8a6c-1f0e2d3c4b5a' }, 0));
    expect(err.code).toBe('BAD_INPUT');
    expect(service.current()?.revision).toBe(0);
    expect(service.current()?.dirty).toBe(false);
  });

  it('answers NO_PROJECT when nothing is open', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.close();
    expect((await caught(service.update(state.document, 0))).code).toBe('NO_PROJECT');
    expect((await caught(service.save())).code).toBe('NO_PROJECT');
  });
});

describe('save', () => {
  it('writes the document and keeps the previous version as project.json.bak', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'First');
    const firstOnDisk = await readProjectJson(state.dir);
    await service.update({ ...state.document, name: 'Second' }, 0);

    const saved = await service.save();

    expect(saved.dirty).toBe(false);
    expect(saved.savedAt).not.toBeNull();
    expect((await readProjectJson(state.dir)) as { name: string }).toMatchObject({ name: 'Second' });
    const backup = JSON.parse(await fs.readFile(path.join(state.dir, PROJECT_BACKUP_FILE), 'utf8'));
    expect(backup).toEqual(firstOnDisk);
    expect(backup.name).toBe('First');
  });

  it('reports a failed save in the status, keeps the edit dirty, and clears the error after a good save', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'pending' }, 0);
    // A non-empty folder where the backup goes makes the write fail, even as root.
    const bak = path.join(state.dir, PROJECT_BACKUP_FILE);
    await fs.mkdir(bak);
    await fs.writeFile(path.join(bak, 'x'), 'x');

    const err = await caught(service.save());
    expect(err.code).toBe('IO');
    expect(err.file).toBe(path.join(state.dir, PROJECT_FILE));
    expect(service.status()).toMatchObject({ dirty: true, saving: false });
    expect(service.status().error).toContain(PROJECT_FILE);
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: '' });

    await fs.rm(bak, { recursive: true });
    await service.save();
    expect(service.status()).toMatchObject({ dirty: false, error: null });
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: 'pending' });
  });

  it('serialises concurrent saves and ends with the newest document on disk', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'one' }, 0);
    const first = service.save();
    await service.update({ ...state.document, notes: 'two' }, 1);
    const second = service.save();
    await Promise.all([first, second]);
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: 'two' });
    expect(service.current()?.dirty).toBe(false);
  });
});

describe('a project.json that cannot be used', () => {
  it('is refused as PROJECT_INVALID with the file and line when it is not JSON, and left byte for byte', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    // Cut off mid-file, as after a crash or a bad merge.
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.indexOf('"appVersion"')));
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/line \d+, column \d+/);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    expect(service.current()).toBeNull();
    expect(await corruptFilesIn(dir)).toEqual([]);
  });

  it('names the line of a stray word in the middle of the file', async () => {
    // A typical hand-edit mistake: an unquoted value on line 3.
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, `{\n  "schemaVersion": ${CURRENT_SCHEMA_VERSION},\n  "name": Kitchen\n}\n`);
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/line 3, column \d+/);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
  });

  it('names the bad field when the JSON is valid but a field has the wrong type', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as { shotDefaults: Record<string, unknown> };
    doc.shotDefaults.fps = 'eight';
    await fs.writeFile(file, JSON.stringify(doc, null, 2));
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('shotDefaults.fps');
    expect(err.message).toContain('shotDefaults.fps');
    expect(err.message).toContain(file);
    // A current file's version is not repeated in the message.
    expect(err.message).not.toContain('(schema');
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    expect(service.current()).toBeNull();
  });

  it('names the scene field of a current file that is wrong', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...doc, scenes: [{ id: SCENE_ID }], activeSceneId: null }, null, 2));
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toMatch(/^scenes\[0\]\./);
    expect(err.message).toContain(file);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
  });

  it('names activeSceneId when it points at no scene of the project', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...doc, scenes: [], activeSceneId: SCENE_ID }, null, 2));

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('activeSceneId');
    expect(err.message).toContain('activeSceneId');
  });

  it('names the shot field of a current file that is wrong', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    const shot = { ...validShot(null), frames: 1 };
    await fs.writeFile(file, JSON.stringify({ ...doc, shots: [shot], activeShotId: null }, null, 2));
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('shots[0].frames');
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('(schema');
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
  });

  it('names the sceneId of a shot staged in no scene of the project', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...doc, scenes: [], activeSceneId: null, shots: [validShot(SCENE_ID)], activeShotId: null }));

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('shots[0].sceneId');
    expect(err.message).toContain('shots[0].sceneId');
  });

  it('names activeShotId when it points at no shot of the project', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...doc, shots: [], activeShotId: SHOT_ID }, null, 2));

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('activeShotId');
    expect(err.message).toContain('activeShotId');
  });

  it('is refused when written by a newer studio', async () => {
    const dir = await createClosedProject();
    const file = path.join(dir, PROJECT_FILE);
    const doc = (await readProjectJson(dir)) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify({ ...doc, schemaVersion: CURRENT_SCHEMA_VERSION + 1 }));
    const err = await caught(service.open(dir));
    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('schemaVersion');
    expect(err.message).toContain('newer');
  });

  it('does not close the project that was open when opening another one fails', async () => {
    const broken = await createClosedProject();
    await fs.writeFile(path.join(broken, PROJECT_FILE), '{');
    const good = await service.create(path.join(tmp, 'good'), 'Good');
    await caught(service.open(broken));
    expect(service.current()?.dir).toBe(good.dir);
  });

  it('can be recovered from project.json.bak; the next save moves the bad file aside and writes a good one', async () => {
    const dir = await createWithBackup();
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, `{ "schemaVersion": ${CURRENT_SCHEMA_VERSION}, "name": "half-written`);
    const corruptBytes = await fs.readFile(file);
    expect((await caught(service.open(dir))).code).toBe('PROJECT_INVALID');

    const recovered = await service.open(dir, true);
    expect(recovered.openedFromBackup).toBe(true);
    expect(recovered.dirty).toBe(true);
    expect(recovered.document.name).toBe('First');
    // Opening alone changes nothing on disk.
    expect(Buffer.compare(await fs.readFile(file), corruptBytes)).toBe(0);

    const saved = await service.save();
    expect(saved.openedFromBackup).toBe(false);
    expect(saved.dirty).toBe(false);

    const kept = await corruptFilesIn(dir);
    expect(kept).toHaveLength(1);
    expect(Buffer.compare(await fs.readFile(path.join(dir, kept[0] as string)), corruptBytes)).toBe(0);
    expect(ProjectDocument.parse(await readProjectJson(dir)).name).toBe('First');
  });

  it('answers NOT_FOUND when asked for a backup that does not exist', async () => {
    const dir = await createClosedProject();
    expect((await caught(service.open(dir, true))).code).toBe('NOT_FOUND');
  });
});

describe('a schema 1 project', () => {
  it('opens migrated and dirty, and the old file stays as it is until the project is saved', async () => {
    const dir = path.join(tmp, 'old');
    await fs.mkdir(dir);
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, JSON.stringify({ schemaVersion: 1, title: 'Prototype', created: '2024-03-04T05:06:07Z' }));
    const before = await fs.readFile(file);

    const state = await service.open(dir);

    expect(state.migratedFrom).toBe(1);
    expect(state.dirty).toBe(true);
    expect(state.document).toMatchObject({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      name: 'Prototype',
      createdAt: '2024-03-04T05:06:07.000Z',
      appVersion: APP_VERSION,
      scenes: [],
      activeSceneId: null,
      shots: [],
      activeShotId: null,
    });
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);

    await service.save();
    const upgraded = ProjectDocument.parse(await readProjectJson(dir));
    expect(upgraded.id).toBe(state.document.id);
    expect(upgraded.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });
});

describe('a schema 2 project', () => {
  const v2 = {
    schemaVersion: 2,
    id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    name: 'Living room',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-02-03T04:05:06.000Z',
    appVersion: '0.0.9',
    shotDefaults: { frames: 25, fps: 12, width: 640, height: 360 },
    notes: 'from the old build',
  };

  async function writeV2(doc: unknown = v2): Promise<{ dir: string; file: string }> {
    const dir = path.join(tmp, 'v2');
    await fs.mkdir(dir);
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, JSON.stringify(doc, null, 2));
    return { dir, file };
  }

  it('opens migrated from 2 and dirty, keeping every field, with no scenes or shots; the file is rewritten in the current schema on save', async () => {
    const { dir, file } = await writeV2();
    const before = await fs.readFile(file);

    const state = await service.open(dir);

    expect(state.migratedFrom).toBe(2);
    expect(state.dirty).toBe(true);
    const added = { scenes: [], activeSceneId: null, shots: [], activeShotId: null };
    expect(state.document).toEqual({ ...v2, schemaVersion: CURRENT_SCHEMA_VERSION, ...added });
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);

    await service.save();
    const upgraded = (await readProjectJson(dir)) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ ...v2, schemaVersion: CURRENT_SCHEMA_VERSION, ...added, modifiedAt: v2.modifiedAt });
    expect(ProjectDocument.safeParse(upgraded).success).toBe(true);
    // The backup is the file as it was before the upgrade.
    expect(JSON.parse(await fs.readFile(path.join(dir, PROJECT_BACKUP_FILE), 'utf8'))).toEqual(v2);

    await service.close();
    const reopened = await service.open(dir);
    expect(reopened.migratedFrom).toBeNull();
    expect(reopened.dirty).toBe(false);
  });

  it('is refused naming the field and schema 2 when the v2 file is invalid, and left byte for byte', async () => {
    const { dir, file } = await writeV2({ ...v2, shotDefaults: { ...v2.shotDefaults, fps: 'twelve' } });
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('shotDefaults.fps');
    expect(err.message).toContain('(schema 2)');
    expect(err.message).toContain(file);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    expect(service.current()).toBeNull();
  });
});

describe('a schema 3 project', () => {
  const v3 = {
    schemaVersion: 3,
    id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    name: 'Kitchen',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-02-03T04:05:06.000Z',
    appVersion: '0.0.10',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    notes: 'scanned on Sunday',
    scenes: [scene],
    activeSceneId: SCENE_ID,
  };

  async function writeV3(doc: unknown = v3): Promise<{ dir: string; file: string }> {
    const dir = path.join(tmp, 'v3');
    await fs.mkdir(dir);
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, JSON.stringify(doc, null, 2));
    return { dir, file };
  }

  it('opens migrated from 3 and dirty, keeping its scenes and active scene, with no shots; rewritten in the current schema on save', async () => {
    const { dir, file } = await writeV3();
    const before = await fs.readFile(file);

    const state = await service.open(dir);

    expect(state.migratedFrom).toBe(3);
    expect(state.dirty).toBe(true);
    expect(state.document).toEqual({ ...v3, schemaVersion: CURRENT_SCHEMA_VERSION, shots: [], activeShotId: null });
    expect(state.document.scenes).toEqual([scene]);
    expect(state.document.activeSceneId).toBe(SCENE_ID);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);

    await service.save();
    const upgraded = (await readProjectJson(dir)) as Record<string, unknown>;
    expect(upgraded).toMatchObject({ ...v3, schemaVersion: CURRENT_SCHEMA_VERSION, shots: [], activeShotId: null });
    expect(ProjectDocument.safeParse(upgraded).success).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(dir, PROJECT_BACKUP_FILE), 'utf8'))).toEqual(v3);

    await service.close();
    const reopened = await service.open(dir);
    expect(reopened.migratedFrom).toBeNull();
    expect(reopened.dirty).toBe(false);
    expect(reopened.document.scenes).toEqual([scene]);
  });

  it('is refused naming the field and schema 3 when the v3 file is invalid, and left byte for byte', async () => {
    const { dir, file } = await writeV3({ ...v3, activeSceneId: SHOT_ID });
    const before = await fs.readFile(file);

    const err = await caught(service.open(dir));

    expect(err.code).toBe('PROJECT_INVALID');
    expect(err.field).toBe('activeSceneId');
    expect(err.message).toContain('(schema 3)');
    expect(err.message).toContain(file);
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);
    expect(service.current()).toBeNull();
  });
});

describe('a schema 4 project', () => {
  const v4 = {
    schemaVersion: 4,
    id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    name: 'Kitchen',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-02-03T04:05:06.000Z',
    appVersion: '0.0.11',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    notes: '',
    scenes: [scene],
    activeSceneId: SCENE_ID,
    shots: [validShot(SCENE_ID)],
    activeShotId: SHOT_ID,
  };

  it('opens migrated from 4 and dirty with its shots unchanged; rewritten as schema 5 on save, the v4 file kept as the backup', async () => {
    const dir = path.join(tmp, 'v4');
    await fs.mkdir(dir);
    const file = path.join(dir, PROJECT_FILE);
    await fs.writeFile(file, JSON.stringify(v4, null, 2));
    const before = await fs.readFile(file);

    const state = await service.open(dir);

    expect(state.migratedFrom).toBe(4);
    expect(state.dirty).toBe(true);
    expect(state.document).toEqual({ ...v4, schemaVersion: 5 });
    expect(Buffer.compare(await fs.readFile(file), before)).toBe(0);

    await service.save();
    expect(await readProjectJson(dir)).toMatchObject({ ...v4, schemaVersion: 5 });
    expect(JSON.parse(await fs.readFile(path.join(dir, PROJECT_BACKUP_FILE), 'utf8'))).toEqual(v4);
  });
});

describe('shots', () => {
  it('keeps conditioning imported from files through update, save and reopen', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const shot = {
      ...validShot(null),
      conditioning: {
        source: 'files' as const,
        staticVideo: 'samples/00017/static.mp4',
        handsVideo: 'samples/00017/hands.mp4',
        groundTruth: null,
        importedFrom: '/data/dwm/realworld',
        sampleId: '00017',
      },
    };
    await service.update({ ...state.document, shots: [shot], activeShotId: SHOT_ID }, 0);
    await service.save();
    await service.close();
    const reopened = await service.open(state.dir);
    expect(reopened.migratedFrom).toBeNull();
    expect(reopened.document.shots).toEqual([shot]);
  });

  it('rejects conditioning whose video path leaves the project, naming the field', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const conditioning = {
      source: 'files' as const,
      staticVideo: '../elsewhere/static.mp4',
      handsVideo: 'samples/00017/hands.mp4',
      groundTruth: null,
      importedFrom: '/data',
      sampleId: '00017',
    };
    const err = await caught(service.update({ ...state.document, shots: [{ ...validShot(null), conditioning }], activeShotId: null }, 0));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe('shots[0].conditioning.staticVideo');
  });

  it('keeps a shot staged in a scene through update, save and reopen', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const shot = validShot(SCENE_ID);
    const updated = await service.update(
      { ...state.document, scenes: [scene], activeSceneId: SCENE_ID, shots: [shot], activeShotId: SHOT_ID },
      0,
    );
    expect(updated.document.shots).toEqual([shot]);
    await service.save();
    await service.close();

    const reopened = await service.open(state.dir);
    expect(reopened.migratedFrom).toBeNull();
    expect(reopened.document.shots).toEqual([shot]);
    expect(reopened.document.activeShotId).toBe(SHOT_ID);
  });

  it('rejects an edit that leaves a shot staged in a scene the project does not have, naming the field', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const err = await caught(
      service.update({ ...state.document, scenes: [], activeSceneId: null, shots: [validShot(SCENE_ID)], activeShotId: null }, 0),
    );
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe('shots[0].sceneId');
    expect(service.current()?.revision).toBe(0);
  });

  it('rejects an edit whose activeShotId names no shot', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const err = await caught(service.update({ ...state.document, activeShotId: SHOT_ID }, 0));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe('activeShotId');
  });
});

describe('importSamples', () => {
  it('answers NO_PROJECT when nothing is open', async () => {
    expect((await caught(service.importSamples(tmp))).code).toBe('NO_PROJECT');
  });

  it('refuses a folder that is not in the reference layout and changes nothing', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const notLayout = path.join(tmp, 'holiday-photos');
    await fs.mkdir(notLayout);
    const err = await caught(service.importSamples(notLayout));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toContain('videos_static/');
    expect(service.current()?.revision).toBe(state.revision);
    expect(service.current()?.dirty).toBe(false);
    expect(await fs.readdir(state.dir)).not.toContain('samples');
  });

  it('answers NOT_FOUND for a missing folder', async () => {
    await service.create(path.join(tmp, 'proj'), 'Kitchen');
    expect((await caught(service.importSamples(path.join(tmp, 'nowhere')))).code).toBe('NOT_FOUND');
  });
});

describe('autosave', () => {
  it('writes an edit to disk after the configured delay', async () => {
    await makeService(1);
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'autosaved' }, 0);
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: '' });

    // Poll rather than sleep a fixed time, so the test is as fast as the save (about 1 s).
    const deadline = Date.now() + 2500;
    let notes = '';
    while (Date.now() < deadline) {
      notes = ((await readProjectJson(state.dir)) as { notes: string }).notes;
      if (notes === 'autosaved') break;
      await sleep(50);
    }
    expect(notes).toBe('autosaved');
    // Wait for save() to finish updating the in-memory state after its write.
    await sleep(50);
    expect(service.current()?.dirty).toBe(false);
  });

  it('writes nothing when autosave is off', async () => {
    await makeService(0);
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    const before = await fs.readFile(path.join(state.dir, PROJECT_FILE));
    await service.update({ ...state.document, notes: 'not yet' }, 0);
    await sleep(1200);
    expect(Buffer.compare(await fs.readFile(path.join(state.dir, PROJECT_FILE)), before)).toBe(0);
    expect(service.current()?.dirty).toBe(true);
  });
});

describe('status and close', () => {
  it('reports dirty after an edit and clean after the save', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    statuses.length = 0;
    await service.update({ ...state.document, notes: 'x' }, 0);
    await service.save();

    const dirtyAt = statuses.findIndex((s) => s.dirty);
    const cleanAt = statuses.findIndex((s, i) => i > dirtyAt && !s.dirty);
    expect(dirtyAt).toBeGreaterThanOrEqual(0);
    expect(cleanAt).toBeGreaterThan(dirtyAt);
    expect(statuses.some((s) => s.saving)).toBe(true);
    const last = statuses.at(-1);
    expect(last).toMatchObject({ dir: state.dir, dirty: false, saving: false, revision: 1, error: null });
  });

  it('saves pending edits when the project is closed', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await service.update({ ...state.document, notes: 'keep me' }, 0);
    expect(await service.close()).toBe(true);
    expect(service.current()).toBeNull();
    expect(statuses.at(-1)).toMatchObject({ dir: null, dirty: false });
    expect((await readProjectJson(state.dir)) as { notes: string }).toMatchObject({ notes: 'keep me' });
  });

  it('close answers false when nothing is open', async () => {
    expect(await service.close()).toBe(false);
  });
});

describe('resolveMedia', () => {
  it('resolves a file inside the project and refuses paths that leave it', async () => {
    const state = await service.create(path.join(tmp, 'proj'), 'Kitchen');
    await fs.mkdir(path.join(state.dir, 'media'));
    await fs.writeFile(path.join(state.dir, 'media', 'a.txt'), 'a');
    await fs.writeFile(path.join(tmp, 'outside.txt'), 'secret');
    await fs.symlink(path.join(tmp, 'outside.txt'), path.join(state.dir, 'media', 'link.txt'));

    expect(await service.resolveMedia('media/a.txt')).toBe(path.join(state.dir, 'media', 'a.txt'));
    expect((await caught(service.resolveMedia('../outside.txt'))).code).toBe('FORBIDDEN');
    expect((await caught(service.resolveMedia(path.join(tmp, 'outside.txt')))).code).toBe('FORBIDDEN');
    expect((await caught(service.resolveMedia('media/link.txt'))).code).toBe('FORBIDDEN');
    expect((await caught(service.resolveMedia('media/none.txt'))).code).toBe('NOT_FOUND');
  });

  it('answers NO_PROJECT when nothing is open', async () => {
    expect((await caught(service.resolveMedia('a.txt'))).code).toBe('NO_PROJECT');
  });
});

describe('saved state after opening', () => {
  it('reports the project as saved at the file time when it opens unchanged, and as unsaved when migrated', async () => {
    const dir = await createClosedProject('Saved state');
    const when = new Date('2026-03-04T05:06:07.000Z');
    await fs.utimes(path.join(dir, PROJECT_FILE), when, when);
    const state = await service.open(dir);
    expect(state.dirty).toBe(false);
    expect(state.savedAt).toBe(when.toISOString());

    const old = path.join(tmp, 'old');
    await fs.mkdir(old);
    await fs.writeFile(path.join(old, PROJECT_FILE), JSON.stringify({ schemaVersion: 1, title: 'Old', created: '2025-01-01' }));
    const migrated = await service.open(old);
    expect(migrated.dirty).toBe(true);
    expect(migrated.savedAt).toBeNull();
  });
});
