import { describe, expect, it } from 'vitest';
import { formatIssuePath } from '../../src/shared/api/errors';
import { CURRENT_SCHEMA_VERSION, ProjectDocument, ProjectV3 } from '../../src/shared/project/schema';
import { Articulation, DEFAULT_PLACEMENT, Placement, SceneAsset, SceneFormat } from '../../src/shared/scene/schema';

const PROJECT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const SCENE_A = '6a1f3c2e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const SCENE_B = 'c0ffee00-1234-4abc-8def-0123456789ab';

function validScene(id = SCENE_A): Record<string, unknown> {
  return {
    id,
    name: 'Kitchen',
    format: 'glb',
    file: `scenes/${id}/kitchen.glb`,
    files: [`scenes/${id}/kitchen.glb`, `scenes/${id}/albedo.png`],
    sizeBytes: 2048,
    stats: { triangles: 120, points: 0, splats: 0, meshes: 2, materials: 1, textures: 1 },
    bounds: { min: [-1.5, 0, -2], max: [1.5, 2.4, 2] },
    articulations: [validArticulation()],
    placement: { unitScale: 1, upAxis: 'y', recenter: false },
    visible: true,
    importedAt: '2025-01-02T03:04:05.000Z',
    source: '/home/me/scans/kitchen.glb',
  };
}

function validArticulation(): Record<string, unknown> {
  return {
    node: 'fridge_door',
    type: 'revolute',
    axis: [0, 1, 0],
    origin: [0.4, 0, 0.3],
    limits: [0, 1.9],
    handle: [0.35, 1.1, 0.32],
    label: 'Fridge door',
  };
}

/** A valid project of `schemaVersion` (3, or the current one, which adds an empty shot list). */
function validProject(schemaVersion: number, scenes: unknown[], activeSceneId: string | null): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    schemaVersion,
    id: PROJECT_ID,
    name: 'Kitchen scan',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-01-02T03:04:05.000Z',
    appVersion: '0.1.0',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    notes: '',
    scenes,
    activeSceneId,
  };
  return schemaVersion >= 4 ? { ...doc, shots: [], activeShotId: null } : doc;
}

/** Parse with `schema`, expect failure, and return the path of the first issue as the UI shows it. */
function firstIssuePath(
  schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
  value: unknown,
): string {
  const parsed = schema.safeParse(value);
  expect(parsed.success).toBe(false);
  return formatIssuePath(parsed.error?.issues[0]?.path ?? []);
}

/** All issue paths, for checks that a particular one is among them. */
function issuePaths(
  schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } },
  value: unknown,
): string[] {
  const parsed = schema.safeParse(value);
  expect(parsed.success).toBe(false);
  return (parsed.error?.issues ?? []).map((i) => formatIssuePath(i.path));
}

describe('SceneAsset', () => {
  it('accepts a valid asset unchanged', () => {
    const scene = validScene();
    expect(SceneAsset.parse(scene)).toEqual(scene);
  });

  it('fills in visible = true and no articulations when they are absent', () => {
    const { visible: _v, articulations: _a, ...scene } = validScene();
    const parsed = SceneAsset.parse(scene);
    expect(parsed.visible).toBe(true);
    expect(parsed.articulations).toEqual([]);
  });

  it.each(SceneFormat.options)('accepts the format %s', (format) => {
    expect(SceneAsset.safeParse({ ...validScene(), format }).success).toBe(true);
  });

  it.each(['fbx', 'GLB', 'ply', '', 3, null])('rejects the format %j', (format) => {
    expect(firstIssuePath(SceneAsset, { ...validScene(), format })).toBe('format');
  });

  it.each(['triangles', 'points', 'splats', 'meshes', 'materials', 'textures'])('rejects a negative %s count', (key) => {
    const scene = validScene();
    scene.stats = { ...(scene.stats as object), [key]: -1 };
    expect(firstIssuePath(SceneAsset, scene)).toBe(`stats.${key}`);
  });

  it.each(['triangles', 'points'])('rejects a fractional %s count', (key) => {
    const scene = validScene();
    scene.stats = { ...(scene.stats as object), [key]: 1.5 };
    expect(firstIssuePath(SceneAsset, scene)).toBe(`stats.${key}`);
  });

  it('rejects a negative or fractional size', () => {
    expect(firstIssuePath(SceneAsset, { ...validScene(), sizeBytes: -1 })).toBe('sizeBytes');
    expect(firstIssuePath(SceneAsset, { ...validScene(), sizeBytes: 1.5 })).toBe('sizeBytes');
  });

  it('accepts zero counts and a zero size', () => {
    const stats = { triangles: 0, points: 0, splats: 0, meshes: 0, materials: 0, textures: 0 };
    expect(SceneAsset.safeParse({ ...validScene(), stats, sizeBytes: 0 }).success).toBe(true);
  });

  it.each([
    ['two coordinates', { min: [0, 0], max: [1, 1, 1] }, 'bounds.min'],
    ['four coordinates', { min: [0, 0, 0], max: [1, 1, 1, 1] }, 'bounds.max'],
    ['an object instead of a tuple', { min: { x: 0, y: 0, z: 0 }, max: [1, 1, 1] }, 'bounds.min'],
    ['a string coordinate', { min: [0, '0', 0], max: [1, 1, 1] }, 'bounds.min[1]'],
    ['a missing max', { min: [0, 0, 0] }, 'bounds.max'],
  ])('rejects bounds with %s', (_label, bounds, path) => {
    expect(firstIssuePath(SceneAsset, { ...validScene(), bounds })).toBe(path);
  });

  it.each([
    ['not a uuid', { id: 'kitchen' }, 'id'],
    ['an empty name', { name: '' }, 'name'],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
    ['no files', { files: [] }, 'files'],
    ['a date without a time', { importedAt: '2025-01-02' }, 'importedAt'],
    ['no source', { source: undefined }, 'source'],
  ])('rejects an asset with %s', (_label, change, path) => {
    expect(firstIssuePath(SceneAsset, { ...validScene(), ...change })).toBe(path);
  });

  it.each([
    ['a zero unit scale', { unitScale: 0 }, 'placement.unitScale'],
    ['a negative unit scale', { unitScale: -1 }, 'placement.unitScale'],
    ['a unit scale over 1000', { unitScale: 1001 }, 'placement.unitScale'],
    ['x as the up axis', { upAxis: 'x' }, 'placement.upAxis'],
    ['recenter as a string', { recenter: 'yes' }, 'placement.recenter'],
  ])('rejects a placement with %s', (_label, change, path) => {
    const scene = validScene();
    scene.placement = { ...(scene.placement as object), ...change };
    expect(firstIssuePath(SceneAsset, scene)).toBe(path);
  });

  it('has an identity default placement that is itself valid', () => {
    expect(DEFAULT_PLACEMENT).toEqual({ unitScale: 1, upAxis: 'y', recenter: false });
    expect(Placement.safeParse(DEFAULT_PLACEMENT).success).toBe(true);
  });

  it('names the path of a bad articulation inside the asset', () => {
    const scene = { ...validScene(), articulations: [validArticulation(), { ...validArticulation(), type: 'ball' }] };
    expect(firstIssuePath(SceneAsset, scene)).toBe('articulations[1].type');
  });
});

describe('Articulation', () => {
  it('accepts a valid revolute joint unchanged', () => {
    const joint = validArticulation();
    expect(Articulation.parse(joint)).toEqual(joint);
  });

  it('accepts a prismatic joint without handle or label', () => {
    const { handle: _h, label: _l, ...joint } = validArticulation();
    const parsed = Articulation.parse({ ...joint, type: 'prismatic', limits: [0, 0.45] });
    expect(parsed.type).toBe('prismatic');
    expect(parsed.handle).toBeUndefined();
    expect(parsed.label).toBeUndefined();
  });

  it.each([
    ['an unknown type', { type: 'spherical' }, 'type'],
    ['a two-component axis', { axis: [0, 1] }, 'axis'],
    ['a string in the axis', { axis: [0, '1', 0] }, 'axis[1]'],
    ['an origin that is not a tuple', { origin: 'here' }, 'origin'],
    ['one limit', { limits: [0] }, 'limits'],
    ['three limits', { limits: [0, 1, 2] }, 'limits'],
    ['a string limit', { limits: [0, 'open'] }, 'limits[1]'],
    ['a handle with two components', { handle: [1, 1] }, 'handle'],
    ['a non-string node name', { node: 7 }, 'node'],
    ['a non-string label', { label: 7 }, 'label'],
  ])('rejects a joint with %s', (_label, change, path) => {
    expect(firstIssuePath(Articulation, { ...validArticulation(), ...change })).toBe(path);
  });

  it('rejects a joint without a node name', () => {
    const { node: _n, ...joint } = validArticulation();
    expect(firstIssuePath(Articulation, joint)).toBe('node');
  });
});

// Schema 3 introduced scenes; the current schema keeps the same rules for them.
describe.each([
  ['ProjectV3', ProjectV3, 3],
  ['ProjectDocument (current)', ProjectDocument, CURRENT_SCHEMA_VERSION],
] as const)('%s scenes', (_name, schema, version) => {
  const project = (scenes: unknown[], activeSceneId: string | null) => validProject(version, scenes, activeSceneId);

  it('accepts two distinct scenes with one of them active', () => {
    const doc = project([validScene(SCENE_A), validScene(SCENE_B)], SCENE_B);
    expect(schema.parse(doc)).toEqual(doc);
  });

  it('accepts a null activeSceneId, with or without scenes', () => {
    expect(schema.safeParse(project([validScene()], null)).success).toBe(true);
    expect(schema.safeParse(project([], null)).success).toBe(true);
  });

  it('rejects a duplicate scene id at the later scene (scenes[i].id)', () => {
    const doc = project([validScene(SCENE_A), validScene(SCENE_B), validScene(SCENE_A)], SCENE_A);
    expect(firstIssuePath(schema, doc)).toBe('scenes[2].id');
  });

  it('reports every repeat of a duplicated id', () => {
    const doc = project([validScene(SCENE_A), validScene(SCENE_A), validScene(SCENE_A)], null);
    expect(issuePaths(schema, doc)).toEqual(['scenes[1].id', 'scenes[2].id']);
  });

  it('rejects an activeSceneId that names no scene', () => {
    expect(firstIssuePath(schema, project([validScene(SCENE_A)], SCENE_B))).toBe('activeSceneId');
    expect(firstIssuePath(schema, project([], SCENE_A))).toBe('activeSceneId');
  });

  it('rejects an activeSceneId that is not a uuid', () => {
    expect(firstIssuePath(schema, project([validScene()], 'kitchen'))).toBe('activeSceneId');
  });

  it('names the path of an invalid scene within the project', () => {
    const bad = { ...validScene(SCENE_B), stats: { ...(validScene().stats as object), splats: -3 } };
    expect(firstIssuePath(schema, project([validScene(SCENE_A), bad], null))).toBe('scenes[1].stats.splats');
  });

  it('rejects more than 1000 scenes', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    const doc = project(
      ids.map((id) => validScene(id)),
      null,
    );
    expect(firstIssuePath(schema, doc)).toBe('scenes');
  });
});
