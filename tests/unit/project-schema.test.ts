import { describe, expect, it, vi } from 'vitest';
import { formatIssuePath } from '../../src/shared/api/errors';
import { MigrationError, migrateProject } from '../../src/shared/project/migrations';
import { CURRENT_SCHEMA_VERSION, DEFAULT_SHOT, ProjectDocument } from '../../src/shared/project/schema';

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const OTHER_ID = '9b2e7c1a-5d4f-4e3b-8a6c-1f0e2d3c4b5a';

/** A complete, valid current-version document; tests change one field at a time. */
function validDoc(): Record<string, unknown> {
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

describe('ProjectDocument (schema 2)', () => {
  it('accepts a valid document unchanged', () => {
    const doc = validDoc();
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('fills in empty notes when the field is absent (old files keep loading)', () => {
    const { notes: _notes, ...withoutNotes } = validDoc();
    expect(ProjectDocument.parse(withoutNotes).notes).toBe('');
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

  it('rejects a document of another schema version', () => {
    expect(firstIssuePath({ ...validDoc(), schemaVersion: 1 })).toBe('schemaVersion');
  });
});

describe('migrateProject', () => {
  it('upgrades a v1 file, mapping its fields and taking the app version and id from the context', () => {
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

  it('passes a current document through unchanged, with fromVersion 2 and no new id', () => {
    const newId = vi.fn(() => OTHER_ID);
    const doc = validDoc();
    const result = migrateProject(doc, { appVersion: '9.9.9', newId });
    expect(result.fromVersion).toBe(2);
    expect(result.document).toEqual(doc);
    expect(newId).not.toHaveBeenCalled();
  });

  it('refuses a file from a newer studio, saying so', () => {
    const err = catchMigration({ ...validDoc(), schemaVersion: 3 });
    expect(err.message).toContain('newer');
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

  it('reports the path of an invalid field in a current file', () => {
    const doc = validDoc();
    doc.shotDefaults = { frames: 49, fps: 'eight', width: 720, height: 480 };
    const err = catchMigration(doc);
    expect(err.atVersion).toBe(2);
    expect(formatIssuePath(err.issues?.[0]?.path ?? [])).toBe('shotDefaults.fps');
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
