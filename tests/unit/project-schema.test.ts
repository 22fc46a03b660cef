import { describe, expect, it, vi } from 'vitest';
import { formatIssuePath } from '../../src/shared/api/errors';
import { MigrationError, migrateProject } from '../../src/shared/project/migrations';
import { CURRENT_SCHEMA_VERSION, DEFAULT_SHOT, ProjectDocument, ProjectV2, ProjectV3 } from '../../src/shared/project/schema';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER_ID = '9b2e7c1a-5d4f-4e3b-8a6c-1f0e2d3c4b5a';
const SCENE_ID = '6a1f3c2e-8b7d-4c5e-9f0a-1b2c3d4e5f60';

/** A valid imported scene, so that documents with scenes can be tested too. */
function validScene(id = SCENE_ID): Record<string, unknown> {
  return {
    id,
    name: 'Kitchen',
    format: 'glb',
    file: `scenes/${id}/kitchen.glb`,
    files: [`scenes/${id}/kitchen.glb`],
    sizeBytes: 1024,
    stats: { triangles: 12, points: 0, splats: 0, meshes: 1, materials: 1, textures: 0 },
    bounds: { min: [-1, 0, -2], max: [1, 2.5, 2] },
    articulations: [],
    placement: { unitScale: 1, upAxis: 'y', recenter: false },
    visible: true,
    importedAt: '2025-01-02T03:04:05.000Z',
    source: '/home/me/scans/kitchen.glb',
  };
}

/** A complete, valid schema 2 document (the previous layout: no scenes). */
function validV2(): Record<string, unknown> {
  return {
    schemaVersion: 2,
    id: ID,
    name: 'Kitchen scan',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-01-02T03:04:05.000Z',
    appVersion: '0.1.0',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    notes: 'first take',
  };
}

/** A complete, valid current-version document; tests change one field at a time. */
function validDoc(): Record<string, unknown> {
  return { ...validV2(), schemaVersion: 3, scenes: [validScene()], activeSceneId: SCENE_ID };
}

/** The path of the first issue zod reports, as the UI would show it. */
function firstIssuePath(value: unknown): string {
  const parsed = ProjectDocument.safeParse(value);
  expect(parsed.success).toBe(false);
  return formatIssuePath(parsed.error?.issues[0]?.path ?? []);
}

function catchMigration(raw: unknown, ctx = { appVersion: '9.9.9', newId: () => OTHER_ID }): MigrationError {
  try {
    migrateProject(raw, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    return err as MigrationError;
  }
  throw new Error('migrateProject accepted a document it should have refused');
}

describe('the current schema', () => {
  it('is schema 3, and ProjectDocument is ProjectV3', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(3);
    expect(ProjectDocument).toBe(ProjectV3);
  });
});

describe('ProjectDocument (schema 3)', () => {
  it('accepts a valid document unchanged', () => {
    const doc = validDoc();
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('accepts a document with no scenes and no active scene', () => {
    const doc = { ...validDoc(), scenes: [], activeSceneId: null };
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('fills in empty notes when the field is absent (old files keep loading)', () => {
    const { notes: _notes, ...withoutNotes } = validDoc();
    expect(ProjectDocument.parse(withoutNotes).notes).toBe('');
  });

  it('fills in no scenes and no active scene when both fields are absent', () => {
    const { scenes: _scenes, activeSceneId: _active, ...without } = validDoc();
    const parsed = ProjectDocument.parse(without);
    expect(parsed.scenes).toEqual([]);
    expect(parsed.activeSceneId).toBeNull();
  });

  it('fills in the defaults of a scene (visible, no articulations)', () => {
    const { visible: _visible, articulations: _articulations, ...scene } = validScene();
    const parsed = ProjectDocument.parse({ ...validDoc(), scenes: [scene] });
    expect(parsed.scenes[0]?.visible).toBe(true);
    expect(parsed.scenes[0]?.articulations).toEqual([]);
  });

  it('accepts a date with a UTC offset', () => {
    expect(ProjectDocument.safeParse({ ...validDoc(), createdAt: '2025-01-02T03:04:05+02:00' }).success).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '   '],
  ])('rejects a %s name', (_label, name) => {
    expect(firstIssuePath({ ...validDoc(), name })).toBe('name');
  });

  it.each(['not-a-uuid', '', '3f2504e0-4f89-41d3-9a0c', 42])('rejects the id %j', (id) => {
    expect(firstIssuePath({ ...validDoc(), id })).toBe('id');
  });

  it.each(['yesterday', '2025-13-01T00:00:00Z', '2025-01-02', '', 1735787045000])('rejects the date %j', (date) => {
    expect(firstIssuePath({ ...validDoc(), createdAt: date })).toBe('createdAt');
    expect(firstIssuePath({ ...validDoc(), modifiedAt: date })).toBe('modifiedAt');
  });

  it.each([
    ['fps as a string', { fps: '8' }, 'shotDefaults.fps'],
    ['fractional frames', { frames: 1.5 }, 'shotDefaults.frames'],
    ['zero fps', { fps: 0 }, 'shotDefaults.fps'],
    ['width as a string', { width: '720' }, 'shotDefaults.width'],
    ['height below the minimum', { height: 2 }, 'shotDefaults.height'],
  ])('rejects shotDefaults with %s', (_label, change, path) => {
    const doc = validDoc();
    doc.shotDefaults = { ...(doc.shotDefaults as object), ...change };
    expect(firstIssuePath(doc)).toBe(path);
  });

  it('rejects shotDefaults that is not an object', () => {
    expect(firstIssuePath({ ...validDoc(), shotDefaults: [49, 8, 720, 480] })).toBe('shotDefaults');
  });

  it.each([1, 2, 4])('rejects a document of schema version %i', (schemaVersion) => {
    expect(firstIssuePath({ ...validDoc(), schemaVersion })).toBe('schemaVersion');
  });

  it('rejects a valid schema 2 document as it stands (it must be migrated)', () => {
    expect(firstIssuePath(validV2())).toBe('schemaVersion');
  });

  it.each([
    ['an unknown format', { format: 'fbx' }, 'scenes[0].format'],
    [
      'a negative triangle count',
      { stats: { triangles: -1, points: 0, splats: 0, meshes: 1, materials: 1, textures: 0 } },
      'scenes[0].stats.triangles',
    ],
    ['bounds with two coordinates', { bounds: { min: [0, 0], max: [1, 1, 1] } }, 'scenes[0].bounds.min'],
    ['a zero unit scale', { placement: { unitScale: 0, upAxis: 'y', recenter: false } }, 'scenes[0].placement.unitScale'],
    ['an id that is not a uuid', { id: 'kitchen' }, 'scenes[0].id'],
  ])('rejects a scene with %s, naming the path', (_label, change, path) => {
    const doc = { ...validDoc(), scenes: [{ ...validScene(), ...change }], activeSceneId: null };
    expect(firstIssuePath(doc)).toBe(path);
  });

  it('rejects two scenes with the same id at the second one', () => {
    const doc = { ...validDoc(), scenes: [validScene(), validScene()] };
    expect(firstIssuePath(doc)).toBe('scenes[1].id');
  });

  it('rejects an activeSceneId that names no scene', () => {
    expect(firstIssuePath({ ...validDoc(), activeSceneId: OTHER_ID })).toBe('activeSceneId');
    expect(firstIssuePath({ ...validDoc(), scenes: [], activeSceneId: SCENE_ID })).toBe('activeSceneId');
  });

  it('rejects an activeSceneId that is not a uuid', () => {
    expect(firstIssuePath({ ...validDoc(), activeSceneId: 'kitchen' })).toBe('activeSceneId');
  });
});

describe('ProjectV2 (kept so that migrations can read old files)', () => {
  it('still accepts a valid schema 2 document', () => {
    expect(ProjectV2.parse(validV2())).toEqual(validV2());
  });

  it('does not accept a schema 3 document', () => {
    expect(ProjectV2.safeParse(validDoc()).success).toBe(false);
  });
});

describe('migrateProject', () => {
  it('upgrades a v1 file through v2 to v3, mapping its fields and taking the app version and id from the context', () => {
    const newId = vi.fn(() => OTHER_ID);
    const v1 = { schemaVersion: 1, title: 'Old prototype', created: '2024-05-06T07:08:09Z' };
    const { document, fromVersion } = migrateProject(v1, { appVersion: '9.9.9', newId });

    expect(fromVersion).toBe(1);
    expect(newId).toHaveBeenCalledTimes(1);
    expect(document).toEqual({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      id: OTHER_ID,
      name: 'Old prototype',
      createdAt: '2024-05-06T07:08:09.000Z',
      modifiedAt: '2024-05-06T07:08:09.000Z',
      appVersion: '9.9.9',
      shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
      notes: '',
      scenes: [],
      activeSceneId: null,
    });
    expect(document.schemaVersion).toBe(3);
    // The migrated document must be a valid current document, not just look like one.
    expect(ProjectDocument.safeParse(document).success).toBe(true);
  });

  it('gives each migrated document its own copy of the shot defaults', () => {
    const { document } = migrateProject(
      { schemaVersion: 1, title: 'x', created: '2024-01-01T00:00:00Z' },
      { appVersion: '1', newId: () => ID },
    );
    document.shotDefaults.fps = 24;
    expect(DEFAULT_SHOT.fps).toBe(8);
  });

  it('names a v1 project with a blank title "Untitled project"', () => {
    const { document } = migrateProject(
      { schemaVersion: 1, title: '  ', created: '2024-01-01T00:00:00Z' },
      { appVersion: '1', newId: () => ID },
    );
    expect(document.name).toBe('Untitled project');
  });

  it('uses the epoch for a v1 creation date that cannot be read', () => {
    const { document } = migrateProject({ schemaVersion: 1, title: 'x', created: 'last tuesday' }, { appVersion: '1', newId: () => ID });
    expect(document.createdAt).toBe('1970-01-01T00:00:00.000Z');
  });

  it('upgrades a v2 file to v3 with fromVersion 2, keeping every v2 field and adding no scenes', () => {
    const newId = vi.fn(() => OTHER_ID);
    const v2 = validV2();
    const { document, fromVersion } = migrateProject(v2, { appVersion: '9.9.9', newId });

    expect(fromVersion).toBe(2);
    expect(document).toEqual({ ...v2, schemaVersion: 3, scenes: [], activeSceneId: null });
    // Not re-identified or re-stamped: the id, dates and app version are the file's own.
    expect(document.id).toBe(ID);
    expect(document.appVersion).toBe('0.1.0');
    expect(newId).not.toHaveBeenCalled();
    expect(ProjectDocument.safeParse(document).success).toBe(true);
  });

  it('fills in the empty notes of a v2 file without them', () => {
    const { notes: _notes, ...v2 } = validV2();
    expect(migrateProject(v2, { appVersion: '1', newId: () => ID }).document.notes).toBe('');
  });

  it('drops scene fields that a v2 file should not have (v2 has no scenes)', () => {
    const v2 = { ...validV2(), scenes: [validScene()], activeSceneId: SCENE_ID };
    const { document } = migrateProject(v2, { appVersion: '1', newId: () => ID });
    expect(document.scenes).toEqual([]);
    expect(document.activeSceneId).toBeNull();
  });

  it('does not change the v2 object it was given', () => {
    const v2 = validV2();
    migrateProject(v2, { appVersion: '1', newId: () => ID });
    expect(v2).toEqual(validV2());
  });

  it('passes a current document through unchanged, with fromVersion 3 and no new id', () => {
    const newId = vi.fn(() => OTHER_ID);
    const doc = validDoc();
    const result = migrateProject(doc, { appVersion: '9.9.9', newId });
    expect(result.fromVersion).toBe(3);
    expect(result.document).toEqual(doc);
    expect(newId).not.toHaveBeenCalled();
  });

  it('refuses a file from a newer studio, saying so', () => {
    const err = catchMigration({ ...validDoc(), schemaVersion: 4 });
    expect(err.message).toContain('newer');
    expect(err.message).toContain('schema 4');
    expect(err.field).toBe('schemaVersion');
  });

  it.each([
    ['missing', {}],
    ['a string', { schemaVersion: '2' }],
    ['zero', { schemaVersion: 0 }],
    ['fractional', { schemaVersion: 1.5 }],
  ])('refuses a schemaVersion that is %s', (_label, raw) => {
    const err = catchMigration(raw);
    expect(err.field).toBe('schemaVersion');
    expect(err.message).toContain('schemaVersion');
  });

  it.each([null, 'project', 42, []])('refuses a non-object file %j', (raw) => {
    expect(catchMigration(raw).field).toBe('schemaVersion');
  });

  it('reports the issues of an invalid v1 file, at version 1', () => {
    const err = catchMigration({ schemaVersion: 1, title: 5, created: '2024-01-01T00:00:00Z' });
    expect(err.atVersion).toBe(1);
    expect(err.issues?.length).toBeGreaterThan(0);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('title');
  });

  it('reports the issues of an invalid v2 file, at version 2', () => {
    const v2 = validV2();
    v2.shotDefaults = { frames: 49, fps: 'eight', width: 720, height: 480 };
    const err = catchMigration(v2);
    expect(err.atVersion).toBe(2);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('shotDefaults.fps');
  });

  it('reports the path of an invalid field in a current file', () => {
    const doc = validDoc();
    doc.shotDefaults = { frames: 49, fps: 'eight', width: 720, height: 480 };
    const err = catchMigration(doc);
    expect(err.atVersion).toBe(3);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('shotDefaults.fps');
  });

  it('reports the path of an invalid scene field in a current file', () => {
    const doc = { ...validDoc(), scenes: [{ ...validScene(), format: 'fbx' }] };
    const err = catchMigration(doc);
    expect(err.atVersion).toBe(3);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('scenes[0].format');
  });

  it('reports a dangling activeSceneId in a current file', () => {
    const err = catchMigration({ ...validDoc(), activeSceneId: OTHER_ID });
    expect(err.atVersion).toBe(3);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('activeSceneId');
  });
});

describe('formatIssuePath', () => {
  it.each([
    [['shots', 0, 'fps'], 'shots[0].fps'],
    [['shotDefaults', 'fps'], 'shotDefaults.fps'],
    [['name'], 'name'],
    [[0], '[0]'],
    [[0, 'a', 1, 2], '[0].a[1][2]'],
    [[], ''],
  ])('formats %j as %j', (path, expected) => {
    expect(formatIssuePath(path)).toBe(expected);
  });
});
