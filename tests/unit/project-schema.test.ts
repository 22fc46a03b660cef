import { describe, expect, it, vi } from 'vitest';
import { formatIssuePath } from '../../src/shared/api/errors';
import { MigrationError, migrateProject } from '../../src/shared/project/migrations';
import {
  CURRENT_SCHEMA_VERSION,
  DEFAULT_SHOT,
  ProjectDocument,
  ProjectV2,
  ProjectV3,
  ProjectV4,
  ProjectV5,
} from '../../src/shared/project/schema';
import { createShot } from '../../src/shared/shot/create-shot';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER_ID = '9b2e7c1a-5d4f-4e3b-8a6c-1f0e2d3c4b5a';
const SCENE_ID = '6a1f3c2e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const SHOT_ID = 'a1b2c3d4-1111-4222-8333-444455556666';

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

/** A valid shot staged in the scene above, with a starting camera, so that documents with shots can be tested too. */
function validShot(id = SHOT_ID, sceneId: string | null = SCENE_ID): Record<string, unknown> {
  let n = 0;
  return createShot({
    id,
    name: 'Open the fridge',
    frames: 49,
    fps: 8,
    sceneId,
    camera: { position: [0, 1.6, 2], rotation: [0, 0, 0, 1], fovY: 60 },
    newKeyId: () => `k${++n}`,
  });
}

/** A complete, valid schema 2 document (no scenes). */
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

/** A complete, valid schema 3 document (scenes, no shots). */
function validV3(): Record<string, unknown> {
  return { ...validV2(), schemaVersion: 3, scenes: [validScene()], activeSceneId: SCENE_ID };
}

/** A complete, valid schema 4 document (scenes and shots, no conditioning from files). */
function validV4(): Record<string, unknown> {
  return { ...validV3(), schemaVersion: 4, shots: [validShot()], activeShotId: SHOT_ID };
}

/** Conditioning imported from a reference sample (schema 5). */
function filesConditioning(): Record<string, unknown> {
  return {
    source: 'files',
    staticVideo: 'samples/00017/static.mp4',
    handsVideo: 'samples/00017/hands.mp4',
    groundTruth: 'samples/00017/ground_truth.mp4',
    importedFrom: '/data/dwm/realworld',
    sampleId: '00017',
  };
}

/** A complete, valid current-version document; tests change one field at a time. */
function validDoc(): Record<string, unknown> {
  return { ...validV3(), schemaVersion: CURRENT_SCHEMA_VERSION, shots: [validShot()], activeShotId: SHOT_ID };
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
  it('is schema 5, and ProjectDocument is ProjectV5', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(5);
    expect(ProjectDocument).toBe(ProjectV5);
  });
});

describe('ProjectDocument (the current schema)', () => {
  it('accepts a valid document unchanged', () => {
    const doc = validDoc();
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('accepts a document with no scenes and no active scene', () => {
    // The shot then is staged in no scene either.
    const doc = { ...validDoc(), scenes: [], activeSceneId: null, shots: [validShot(SHOT_ID, null)] };
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('accepts a document with no shots and no active shot', () => {
    const doc = { ...validDoc(), shots: [], activeShotId: null };
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('fills in empty notes when the field is absent (old files keep loading)', () => {
    const { notes: _notes, ...withoutNotes } = validDoc();
    expect(ProjectDocument.parse(withoutNotes).notes).toBe('');
  });

  it('fills in no scenes and no active scene when both fields are absent', () => {
    const doc: Record<string, unknown> = { ...validDoc(), shots: [validShot(SHOT_ID, null)] };
    const { scenes: _scenes, activeSceneId: _active, ...without } = doc;
    const parsed = ProjectDocument.parse(without);
    expect(parsed.scenes).toEqual([]);
    expect(parsed.activeSceneId).toBeNull();
  });

  it('fills in no shots and no active shot when both fields are absent', () => {
    const { shots: _shots, activeShotId: _active, ...without } = validDoc();
    const parsed = ProjectDocument.parse(without);
    expect(parsed.shots).toEqual([]);
    expect(parsed.activeShotId).toBeNull();
    expect(parsed.scenes).toHaveLength(1);
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

  // Every older version and the next one.
  it.each([...Array.from({ length: CURRENT_SCHEMA_VERSION - 1 }, (_, i) => i + 1), CURRENT_SCHEMA_VERSION + 1])(
    'rejects a document of schema version %i',
    (schemaVersion) => {
      expect(firstIssuePath({ ...validDoc(), schemaVersion })).toBe('schemaVersion');
    },
  );

  it('rejects a valid schema 2 document as it stands (it must be migrated)', () => {
    expect(firstIssuePath(validV2())).toBe('schemaVersion');
  });

  it('rejects a valid schema 3 document as it stands (it must be migrated)', () => {
    expect(firstIssuePath(validV3())).toBe('schemaVersion');
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
    const doc = { ...validDoc(), scenes: [{ ...validScene(), ...change }], activeSceneId: null, shots: [], activeShotId: null };
    expect(firstIssuePath(doc)).toBe(path);
  });

  it('rejects two scenes with the same id at the second one', () => {
    const doc = { ...validDoc(), scenes: [validScene(), validScene()] };
    expect(firstIssuePath(doc)).toBe('scenes[1].id');
  });

  it('rejects an activeSceneId that names no scene', () => {
    expect(firstIssuePath({ ...validDoc(), activeSceneId: OTHER_ID })).toBe('activeSceneId');
    expect(firstIssuePath({ ...validDoc(), scenes: [], activeSceneId: SCENE_ID, shots: [], activeShotId: null })).toBe('activeSceneId');
  });

  it('rejects an activeSceneId that is not a uuid', () => {
    expect(firstIssuePath({ ...validDoc(), activeSceneId: 'kitchen' })).toBe('activeSceneId');
  });

  it.each([
    ['a frame count below 2', { frames: 1 }, 'shots[0].frames'],
    ['an id that is not a uuid', { id: 'shot-1' }, 'shots[0].id'],
    ['an empty name', { name: '' }, 'shots[0].name'],
    ['a camera that is not an object', { camera: null }, 'shots[0].camera'],
  ])('rejects a shot with %s, naming the path', (_label, change, path) => {
    const doc = { ...validDoc(), shots: [{ ...validShot(), ...change }], activeShotId: null };
    expect(firstIssuePath(doc)).toBe(path);
  });

  it('rejects two shots with the same id at the second one', () => {
    expect(firstIssuePath({ ...validDoc(), shots: [validShot(), validShot()] })).toBe('shots[1].id');
  });

  it('rejects a shot staged in a scene the project does not have', () => {
    expect(firstIssuePath({ ...validDoc(), shots: [validShot(SHOT_ID, OTHER_ID)] })).toBe('shots[0].sceneId');
    expect(firstIssuePath({ ...validDoc(), scenes: [], activeSceneId: null })).toBe('shots[0].sceneId');
  });

  it('rejects an activeShotId that names no shot', () => {
    expect(firstIssuePath({ ...validDoc(), activeShotId: OTHER_ID })).toBe('activeShotId');
    expect(firstIssuePath({ ...validDoc(), shots: [], activeShotId: SHOT_ID })).toBe('activeShotId');
  });

  it('rejects an activeShotId that is not a uuid', () => {
    expect(firstIssuePath({ ...validDoc(), activeShotId: 'shot-1' })).toBe('activeShotId');
  });
});

describe('ProjectV2 (kept so that migrations can read old files)', () => {
  it('still accepts a valid schema 2 document', () => {
    expect(ProjectV2.parse(validV2())).toEqual(validV2());
  });

  it('does not accept a schema 3 or a current document', () => {
    expect(ProjectV2.safeParse(validV3()).success).toBe(false);
    expect(ProjectV2.safeParse(validDoc()).success).toBe(false);
  });
});

describe('ProjectV3 (kept so that migrations can read old files)', () => {
  it('still accepts a valid schema 3 document', () => {
    expect(ProjectV3.parse(validV3())).toEqual(validV3());
  });

  it('still checks its scenes (a dangling activeSceneId)', () => {
    const parsed = ProjectV3.safeParse({ ...validV3(), activeSceneId: OTHER_ID });
    expect(parsed.success).toBe(false);
    expect(formatIssuePath(parsed.error?.issues[0]?.path ?? [])).toBe('activeSceneId');
  });

  it('does not accept a schema 2 or a schema 4 document', () => {
    expect(ProjectV3.safeParse(validV2()).success).toBe(false);
    expect(ProjectV3.safeParse({ ...validDoc(), schemaVersion: 4 }).success).toBe(false);
  });
});

describe('ProjectV4 (kept so that migrations can read old files)', () => {
  it('still accepts a valid schema 4 document', () => {
    expect(ProjectV4.parse(validV4())).toEqual(validV4());
  });

  it('still checks its shots (a dangling activeShotId)', () => {
    const parsed = ProjectV4.safeParse({ ...validV4(), activeShotId: OTHER_ID });
    expect(parsed.success).toBe(false);
    expect(formatIssuePath(parsed.error?.issues[0]?.path ?? [])).toBe('activeShotId');
  });

  it('does not accept a schema 3 or a current document', () => {
    expect(ProjectV4.safeParse(validV3()).success).toBe(false);
    expect(ProjectV4.safeParse(validDoc()).success).toBe(false);
  });
});

describe('ProjectV5 shots with conditioning from files', () => {
  it('accepts a shot whose conditioning came from files, unchanged', () => {
    const doc = { ...validDoc(), shots: [{ ...validShot(), conditioning: filesConditioning() }] };
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('names the field of a conditioning path that leaves the project', () => {
    const doc = { ...validDoc(), shots: [{ ...validShot(), conditioning: { ...filesConditioning(), handsVideo: '../hands.mp4' } }] };
    expect(firstIssuePath(doc)).toBe('shots[0].conditioning.handsVideo');
  });
});

describe('migrateProject', () => {
  it('upgrades a v1 file through v2, v3 and v4 to v5, mapping its fields and taking the app version and id from the context', () => {
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
      shots: [],
      activeShotId: null,
    });
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

  it('upgrades a v2 file through v3 and v4 to the current version with fromVersion 2, keeping every v2 field and adding no scenes or shots', () => {
    const newId = vi.fn(() => OTHER_ID);
    const v2 = validV2();
    const { document, fromVersion } = migrateProject(v2, { appVersion: '9.9.9', newId });

    expect(fromVersion).toBe(2);
    expect(document).toEqual({
      ...v2,
      schemaVersion: CURRENT_SCHEMA_VERSION,
      scenes: [],
      activeSceneId: null,
      shots: [],
      activeShotId: null,
    });
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

  it('drops scene and shot fields that a v2 file should not have (v2 has no scenes)', () => {
    const v2 = { ...validV2(), scenes: [validScene()], activeSceneId: SCENE_ID, shots: [validShot()], activeShotId: SHOT_ID };
    const { document } = migrateProject(v2, { appVersion: '1', newId: () => ID });
    expect(document.scenes).toEqual([]);
    expect(document.activeSceneId).toBeNull();
    expect(document.shots).toEqual([]);
    expect(document.activeShotId).toBeNull();
  });

  it('does not change the v2 object it was given', () => {
    const v2 = validV2();
    migrateProject(v2, { appVersion: '1', newId: () => ID });
    expect(v2).toEqual(validV2());
  });

  it('upgrades a v3 file through v4 to the current version with fromVersion 3, keeping its scenes and activeSceneId and adding no shots', () => {
    const newId = vi.fn(() => OTHER_ID);
    const v3 = validV3();
    const { document, fromVersion } = migrateProject(v3, { appVersion: '9.9.9', newId });

    expect(fromVersion).toBe(3);
    expect(document).toEqual({ ...v3, schemaVersion: CURRENT_SCHEMA_VERSION, shots: [], activeShotId: null });
    expect(document.scenes).toEqual([validScene()]);
    expect(document.activeSceneId).toBe(SCENE_ID);
    // Not re-identified or re-stamped.
    expect(document.id).toBe(ID);
    expect(document.appVersion).toBe('0.1.0');
    expect(newId).not.toHaveBeenCalled();
    expect(ProjectDocument.safeParse(document).success).toBe(true);
  });

  it('fills in the scene defaults of a v3 file without them', () => {
    const { scenes: _scenes, activeSceneId: _active, ...v3 } = validV3();
    const { document } = migrateProject(v3, { appVersion: '1', newId: () => ID });
    expect(document.scenes).toEqual([]);
    expect(document.activeSceneId).toBeNull();
  });

  it('drops shot fields that a v3 file should not have (v3 has no shots)', () => {
    const v3 = { ...validV3(), shots: [validShot()], activeShotId: SHOT_ID };
    const { document } = migrateProject(v3, { appVersion: '1', newId: () => ID });
    expect(document.shots).toEqual([]);
    expect(document.activeShotId).toBeNull();
  });

  it('does not change the v3 object it was given', () => {
    const v3 = validV3();
    migrateProject(v3, { appVersion: '1', newId: () => ID });
    expect(v3).toEqual(validV3());
  });

  it('upgrades a v4 file to v5 with fromVersion 4, changing nothing but the version', () => {
    const newId = vi.fn(() => OTHER_ID);
    const v4 = validV4();
    const { document, fromVersion } = migrateProject(v4, { appVersion: '9.9.9', newId });

    expect(fromVersion).toBe(4);
    expect(document).toEqual({ ...v4, schemaVersion: 5 });
    expect(document.shots).toEqual([validShot()]);
    expect(document.shots[0]?.conditioning).toBeUndefined();
    expect(document.appVersion).toBe('0.1.0');
    expect(newId).not.toHaveBeenCalled();
    expect(ProjectV5.safeParse(document).success).toBe(true);
  });

  it('does not change the v4 object it was given', () => {
    const v4 = validV4();
    migrateProject(v4, { appVersion: '1', newId: () => ID });
    expect(v4).toEqual(validV4());
  });

  it('reports the issues of an invalid v4 file, at version 4', () => {
    const v4 = validV4();
    v4.activeShotId = OTHER_ID;
    const err = catchMigration(v4);
    expect(err.atVersion).toBe(4);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('activeShotId');
  });

  it('keeps the conditioning from files of a v5 shot', () => {
    const doc = validDoc();
    doc.shots = [{ ...validShot(), conditioning: filesConditioning() }];
    const { document } = migrateProject(doc, { appVersion: '1', newId: () => ID });
    expect(document.shots[0]?.conditioning).toEqual(filesConditioning());
    expect(document).toEqual(doc);
  });

  it('passes a current document through unchanged, with fromVersion the current version and no new id', () => {
    const newId = vi.fn(() => OTHER_ID);
    const doc = validDoc();
    const result = migrateProject(doc, { appVersion: '9.9.9', newId });
    expect(result.fromVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(result.document).toEqual(doc);
    expect(newId).not.toHaveBeenCalled();
  });

  it('refuses a file from a newer studio, saying so', () => {
    const newer = CURRENT_SCHEMA_VERSION + 1;
    const err = catchMigration({ ...validDoc(), schemaVersion: newer });
    expect(err.message).toContain('newer');
    expect(err.message).toContain(`schema ${newer}`);
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

  it('reports the issues of an invalid v3 file, at version 3', () => {
    const err = catchMigration({ ...validV3(), activeSceneId: OTHER_ID });
    expect(err.atVersion).toBe(3);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('activeSceneId');

    const badScene = catchMigration({ ...validV3(), scenes: [{ ...validScene(), format: 'fbx' }] });
    expect(badScene.atVersion).toBe(3);
    expect(formatIssuePath(badScene.issues?.[0]?.path ?? [])).toBe('scenes[0].format');
  });

  it('reports the path of an invalid field in a current file', () => {
    const doc = validDoc();
    doc.shotDefaults = { frames: 49, fps: 'eight', width: 720, height: 480 };
    const err = catchMigration(doc);
    expect(err.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('shotDefaults.fps');
  });

  it('reports the path of an invalid scene field in a current file', () => {
    const doc = { ...validDoc(), scenes: [{ ...validScene(), format: 'fbx' }] };
    const err = catchMigration(doc);
    expect(err.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('scenes[0].format');
  });

  it('reports a dangling activeSceneId in a current file', () => {
    const err = catchMigration({ ...validDoc(), activeSceneId: OTHER_ID });
    expect(err.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('activeSceneId');
  });

  it('reports the path of an invalid shot field in a current file', () => {
    const err = catchMigration({ ...validDoc(), shots: [{ ...validShot(), frames: 1 }] });
    expect(err.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('shots[0].frames');
  });

  it('reports a shot staged in no scene of the project, and a dangling activeShotId, in a current file', () => {
    const staged = catchMigration({ ...validDoc(), shots: [validShot(SHOT_ID, OTHER_ID)] });
    expect(staged.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(staged.issues?.[0]?.path ?? [])).toBe('shots[0].sceneId');

    const active = catchMigration({ ...validDoc(), activeShotId: OTHER_ID });
    expect(active.atVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(formatIssuePath(active.issues?.[0]?.path ?? [])).toBe('activeShotId');
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
