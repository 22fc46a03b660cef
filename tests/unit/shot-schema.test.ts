import { describe, expect, it } from 'vitest';
import { Shot, ShotConditioning, ShotV4 } from '../../src/shared/animation/schema';
import { formatIssuePath } from '../../src/shared/api/errors';
import { CURRENT_SCHEMA_VERSION, ProjectDocument, ProjectV4, ProjectV5 } from '../../src/shared/project/schema';
import { createShot, randomKeyId, type ShotStart } from '../../src/shared/shot/create-shot';

const PROJECT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const SCENE_ID = '6a1f3c2e-8b7d-4c5e-9f0a-1b2c3d4e5f60';
const SHOT_A = 'a1b2c3d4-1111-4222-8333-444455556666';
const SHOT_B = 'b1b2c3d4-7777-4888-9999-aaaabbbbcccc';
const OTHER_ID = '9b2e7c1a-5d4f-4e3b-8a6c-1f0e2d3c4b5a';

/** Key ids k1, k2, ... so that shots built twice are equal. */
function keyIds(): () => string {
  let n = 0;
  return () => `k${++n}`;
}

const START_CAMERA: NonNullable<ShotStart['camera']> = {
  position: [0.2, 1.6, 2.5],
  // A 90 degree turn about Y, normalised: a valid unit quaternion.
  rotation: [0, Math.SQRT1_2, 0, Math.SQRT1_2],
  fovY: 60,
};

function shotWithCamera(id = SHOT_A, sceneId: string | null = SCENE_ID): Shot {
  return createShot({ id, name: 'Open the fridge', frames: 49, fps: 8, sceneId, camera: START_CAMERA, newKeyId: keyIds() });
}

function shotWithoutCamera(id = SHOT_A, sceneId: string | null = null): Shot {
  return createShot({ id, name: 'Empty shot', frames: 49, fps: 8, sceneId, newKeyId: keyIds() });
}

function scene(id = SCENE_ID): Record<string, unknown> {
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

function project(
  shots: unknown[],
  activeShotId: string | null,
  scenes: unknown[] = [scene()],
  schemaVersion = CURRENT_SCHEMA_VERSION,
): Record<string, unknown> {
  return {
    schemaVersion,
    id: PROJECT_ID,
    name: 'Kitchen scan',
    createdAt: '2025-01-02T03:04:05.000Z',
    modifiedAt: '2025-01-02T03:04:05.000Z',
    appVersion: '0.1.0',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    notes: '',
    scenes,
    activeSceneId: null,
    shots,
    activeShotId,
  };
}

type Parser = { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } };

/** Every issue as "path: message", so a check can name the path and the reason. */
function issues(schema: Parser, value: unknown): { path: string; message: string }[] {
  const parsed = schema.safeParse(value);
  expect(parsed.success).toBe(false);
  return (parsed.error?.issues ?? []).map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
}

function issuePaths(schema: Parser, value: unknown): string[] {
  return issues(schema, value).map((i) => i.path);
}

function firstIssuePath(schema: Parser, value: unknown): string {
  return issuePaths(schema, value)[0] ?? '';
}

/** A mutable deep copy of a shot for tests that break one thing. */
function copy(shot: Shot): Shot {
  return structuredClone(shot);
}

describe('createShot', () => {
  it('builds a shot the Shot schema accepts unchanged, with a starting camera keyed at frame 0', () => {
    const shot = shotWithCamera();
    expect(Shot.parse(shot)).toEqual(shot);
    expect(shot.camera.position.keys).toEqual([
      { id: expect.any(String), frame: 0, value: START_CAMERA.position, interpolation: 'bezier' },
    ]);
    expect(shot.camera.rotation.keys[0]?.value).toEqual(START_CAMERA.rotation);
    expect(shot.camera.fovY.keys[0]?.value).toBe(60);
  });

  it('builds a shot the Shot schema accepts unchanged without a starting camera (no camera keys)', () => {
    const shot = shotWithoutCamera();
    expect(Shot.parse(shot)).toEqual(shot);
    expect(shot.camera).toEqual({ position: { keys: [] }, rotation: { keys: [] }, fovY: { keys: [] } });
  });

  it('starts both hands hidden, keyed once at frame 0, with no pose keys', () => {
    const shot = shotWithCamera();
    for (const hand of [shot.hands.left, shot.hands.right]) {
      expect(hand.visible.keys).toEqual([{ id: expect.any(String), frame: 0, value: false, interpolation: 'hold' }]);
      expect(hand.wristPosition.keys).toEqual([]);
      expect(hand.wristRotation.keys).toEqual([]);
      expect(hand.fingers.keys).toEqual([]);
    }
  });

  it('is accepted with the random key ids the app uses', () => {
    const shot = createShot({
      id: SHOT_A,
      name: 'Random ids',
      frames: 49,
      fps: 8,
      sceneId: null,
      camera: START_CAMERA,
      newKeyId: randomKeyId,
    });
    expect(Shot.safeParse(shot).success).toBe(true);
  });
});

describe('Shot', () => {
  it('fills in an empty prompt when it is absent', () => {
    const { prompt: _prompt, ...shot } = shotWithCamera();
    expect(Shot.parse(shot).prompt).toBe('');
  });

  it('accepts keys sorted by frame, one per frame, with distinct ids', () => {
    const shot = copy(shotWithCamera());
    shot.camera.fovY.keys = [
      { id: 'a', frame: 0, value: 60, interpolation: 'bezier' },
      { id: 'b', frame: 1, value: 50, interpolation: 'linear' },
      { id: 'c', frame: 48, value: 40, interpolation: 'hold' },
    ];
    expect(Shot.safeParse(shot).success).toBe(true);
  });

  it('rejects keys out of frame order, naming the channel', () => {
    const shot = copy(shotWithCamera());
    shot.camera.position.keys = [
      { id: 'a', frame: 10, value: [0, 1.6, 0], interpolation: 'bezier' },
      { id: 'b', frame: 0, value: [0, 1.6, 1], interpolation: 'bezier' },
    ];
    expect(issues(Shot, shot)).toEqual([{ path: 'camera.position.keys', message: 'keys must be sorted by frame, one key per frame' }]);
  });

  it('rejects two keys on one frame, naming the channel', () => {
    const shot = copy(shotWithCamera());
    shot.hands.right.visible.keys = [
      { id: 'a', frame: 5, value: false, interpolation: 'hold' },
      { id: 'b', frame: 5, value: true, interpolation: 'hold' },
    ];
    expect(issues(Shot, shot)).toEqual([{ path: 'hands.right.visible.keys', message: 'keys must be sorted by frame, one key per frame' }]);
  });

  it('rejects two keys with the same id in one channel, naming the channel', () => {
    const shot = copy(shotWithCamera());
    shot.camera.fovY.keys = [
      { id: 'same', frame: 0, value: 60, interpolation: 'bezier' },
      { id: 'same', frame: 24, value: 45, interpolation: 'bezier' },
    ];
    expect(issues(Shot, shot)).toEqual([{ path: 'camera.fovY.keys', message: 'key ids must be unique' }]);
  });

  it('allows the same key id in different channels (ids are unique per channel)', () => {
    const shot = createShot({ id: SHOT_A, name: 'Same ids', frames: 49, fps: 8, sceneId: null, camera: START_CAMERA, newKeyId: () => 'k' });
    expect(Shot.safeParse(shot).success).toBe(true);
  });

  it.each([
    ['too long', [0, 0, 0, 2]],
    ['zero', [0, 0, 0, 0]],
    ['slightly off', [0, 0, 0, 1.01]],
  ])('rejects a camera rotation that is not a unit quaternion (%s), naming the key value', (_label, value) => {
    const shot = copy(shotWithCamera());
    (shot.camera.rotation.keys[0] as { value: unknown }).value = value;
    expect(issues(Shot, shot)).toEqual([{ path: 'camera.rotation.keys[0].value', message: 'a rotation must be a unit quaternion' }]);
  });

  it('rejects a wrist rotation that is not a unit quaternion', () => {
    const shot = copy(shotWithCamera());
    shot.hands.left.wristRotation.keys = [{ id: 'r', frame: 3, value: [1, 1, 0, 0], interpolation: 'bezier' }];
    expect(firstIssuePath(Shot, shot)).toBe('hands.left.wristRotation.keys[0].value');
  });

  it('rejects a rotation with three components', () => {
    const shot = copy(shotWithCamera());
    (shot.camera.rotation.keys[0] as { value: unknown }).value = [0, 0, 1];
    expect(firstIssuePath(Shot, shot)).toBe('camera.rotation.keys[0].value');
  });

  it('accepts a finger pose of 45 values (15 joints x 3)', () => {
    const shot = copy(shotWithCamera());
    shot.hands.left.fingers.keys = [{ id: 'f', frame: 0, value: new Array(45).fill(0.1), interpolation: 'bezier' }];
    expect(Shot.safeParse(shot).success).toBe(true);
  });

  it.each([0, 44, 46, 48])('rejects a finger pose of %i values, naming the key value', (length) => {
    const shot = copy(shotWithCamera());
    shot.hands.left.fingers.keys = [{ id: 'f', frame: 0, value: new Array(length).fill(0), interpolation: 'bezier' }];
    expect(firstIssuePath(Shot, shot)).toBe('hands.left.fingers.keys[0].value');
  });

  it.each([1, 0, -49])('rejects a shot of %i frames', (frames) => {
    expect(firstIssuePath(Shot, { ...shotWithCamera(), frames })).toBe('frames');
  });

  it('accepts the shortest shot, 2 frames', () => {
    expect(Shot.safeParse({ ...shotWithCamera(), frames: 2 }).success).toBe(true);
  });

  it('rejects a fractional frame count', () => {
    expect(firstIssuePath(Shot, { ...shotWithCamera(), frames: 48.5 })).toBe('frames');
  });

  it('rejects a negative key frame, naming the key', () => {
    const shot = copy(shotWithCamera());
    (shot.camera.position.keys[0] as { frame: number }).frame = -1;
    expect(firstIssuePath(Shot, shot)).toBe('camera.position.keys[0].frame');

    const hidden = copy(shotWithCamera());
    (hidden.hands.left.visible.keys[0] as { frame: number }).frame = -5;
    expect(firstIssuePath(Shot, hidden)).toBe('hands.left.visible.keys[0].frame');
  });

  it('rejects a fractional key frame', () => {
    const shot = copy(shotWithCamera());
    (shot.camera.fovY.keys[0] as { frame: number }).frame = 0.5;
    expect(firstIssuePath(Shot, shot)).toBe('camera.fovY.keys[0].frame');
  });

  it.each([
    ['an id that is not a uuid', { id: 'shot-1' }, 'id'],
    ['an empty name', { name: '  ' }, 'name'],
    ['zero fps', { fps: 0 }, 'fps'],
    ['a sceneId that is not a uuid', { sceneId: 'kitchen' }, 'sceneId'],
  ])('rejects a shot with %s', (_label, change, path) => {
    expect(firstIssuePath(Shot, { ...shotWithCamera(), ...change })).toBe(path);
  });

  it('rejects an unknown interpolation', () => {
    const shot = copy(shotWithCamera());
    (shot.camera.fovY.keys[0] as { interpolation: string }).interpolation = 'cubic';
    expect(firstIssuePath(Shot, shot)).toBe('camera.fovY.keys[0].interpolation');
  });
});

describe('the current schema', () => {
  it('is schema 5, and ProjectDocument is ProjectV5', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(5);
    expect(ProjectDocument).toBe(ProjectV5);
    expect(ProjectV5.safeParse(project([shotWithCamera()], SHOT_A, [scene()])).success).toBe(true);
  });
});

/** Conditioning imported from a sample of the DWM reference layout. */
function fromFiles(over: Partial<ShotConditioning> = {}): ShotConditioning {
  return {
    source: 'files',
    staticVideo: 'samples/00017/static.mp4',
    handsVideo: 'samples/00017/hands.mp4',
    groundTruth: 'samples/00017/ground_truth.mp4',
    importedFrom: '/data/dwm/realworld',
    sampleId: '00017',
    ...over,
  };
}

describe('Shot.conditioning (schema 5)', () => {
  it('is absent on a new shot, and parsing does not add it', () => {
    const shot = shotWithoutCamera();
    expect('conditioning' in shot).toBe(false);
    expect('conditioning' in Shot.parse(shot)).toBe(false);
  });

  it('accepts conditioning from files, with or without ground truth, unchanged', () => {
    const withGt = { ...shotWithoutCamera(), conditioning: fromFiles() };
    expect(Shot.parse(withGt)).toEqual(withGt);
    const noGt = { ...shotWithoutCamera(), conditioning: fromFiles({ groundTruth: null }) };
    expect(Shot.parse(noGt)).toEqual(noGt);
  });

  it.each(['C:\\data\\dwm', 'D:/data', '\\\\server\\share\\dwm', '/'])('accepts the absolute source folder %s', (importedFrom) => {
    expect(ShotConditioning.safeParse(fromFiles({ importedFrom })).success).toBe(true);
  });

  it.each([
    ['staticVideo', '/abs/static.mp4'],
    ['staticVideo', '../outside/static.mp4'],
    ['handsVideo', 'samples/../../x/hands.mp4'],
    ['handsVideo', 'samples\\00017\\hands.mp4'],
    ['groundTruth', 'C:/gt.mp4'],
    ['staticVideo', ''],
  ] as const)('rejects %s %j: project paths are relative, /-separated and stay inside', (field, value) => {
    const shot = { ...shotWithoutCamera(), conditioning: fromFiles({ [field]: value }) };
    expect(issues(Shot, shot)[0]).toMatchObject({ path: `conditioning.${field}` });
  });

  it.each(['relative/dir', 'dwm', ''])('rejects the source folder %j (it must be absolute)', (importedFrom) => {
    expect(firstIssuePath(Shot, { ...shotWithoutCamera(), conditioning: fromFiles({ importedFrom }) })).toBe('conditioning.importedFrom');
  });

  it.each(['', '../x', 'a/b', '.hidden', 'a..b', 'x'.repeat(129)])('rejects the sample id %j', (sampleId) => {
    expect(firstIssuePath(Shot, { ...shotWithoutCamera(), conditioning: fromFiles({ sampleId }) })).toBe('conditioning.sampleId');
  });

  it('rejects another source and missing videos', () => {
    const other = { ...fromFiles(), source: 'render' };
    expect(firstIssuePath(Shot, { ...shotWithoutCamera(), conditioning: other })).toBe('conditioning.source');
    const { handsVideo: _h, ...noHands } = fromFiles();
    expect(firstIssuePath(Shot, { ...shotWithoutCamera(), conditioning: noHands })).toBe('conditioning.handsVideo');
  });

  it('is part of the current project document, which keeps it', () => {
    const doc = project([{ ...shotWithoutCamera(SHOT_A), conditioning: fromFiles() }], SHOT_A);
    expect(ProjectDocument.parse(doc)).toEqual(doc);
  });

  it('is not part of a schema 4 shot (the reason the schema moved to 5: a v4 reader would drop it)', () => {
    const parsed = ShotV4.parse({ ...shotWithoutCamera(), conditioning: fromFiles() });
    expect('conditioning' in parsed).toBe(false);
  });
});

// Schema 5 changed only Shot (optional conditioning); both layouts check their shots alike.
describe.each([
  ['ProjectV4', ProjectV4, 4],
  ['ProjectV5 (current)', ProjectV5, 5],
] as const)('%s shots', (_label, Schema, version) => {
  const projectAt = (shots: unknown[], activeShotId: string | null, scenes: unknown[] = [scene()]) =>
    project(shots, activeShotId, scenes, version);

  it('accepts two shots, one staged in a scene and one in none, with one of them active', () => {
    const doc = projectAt([shotWithCamera(SHOT_A, SCENE_ID), shotWithoutCamera(SHOT_B, null)], SHOT_B);
    expect(Schema.parse(doc)).toEqual(doc);
  });

  it('accepts a null activeShotId, with or without shots', () => {
    expect(Schema.safeParse(projectAt([shotWithCamera()], null)).success).toBe(true);
    expect(Schema.safeParse(projectAt([], null)).success).toBe(true);
  });

  it('fills in no shots and no active shot when both fields are absent', () => {
    const { shots: _s, activeShotId: _a, ...doc } = projectAt([], null);
    const parsed = Schema.parse(doc);
    expect(parsed.shots).toEqual([]);
    expect(parsed.activeShotId).toBeNull();
  });

  it('rejects a duplicate shot id at the later shot (shots[i].id)', () => {
    const doc = projectAt([shotWithCamera(SHOT_A), shotWithoutCamera(SHOT_B), shotWithoutCamera(SHOT_A)], SHOT_A);
    expect(issuePaths(Schema, doc)).toEqual(['shots[2].id']);
  });

  it('reports every repeat of a duplicated shot id', () => {
    const doc = projectAt([shotWithCamera(SHOT_A), shotWithCamera(SHOT_A), shotWithCamera(SHOT_A)], null);
    expect(issuePaths(Schema, doc)).toEqual(['shots[1].id', 'shots[2].id']);
  });

  it('rejects a shot whose sceneId names no scene of the project (shots[i].sceneId)', () => {
    const doc = projectAt([shotWithoutCamera(SHOT_A, null), shotWithCamera(SHOT_B, OTHER_ID)], null);
    expect(issues(Schema, doc)).toEqual([{ path: 'shots[1].sceneId', message: 'names no scene of this project' }]);
  });

  it('rejects a shot staged in a scene once that scene is gone from the project', () => {
    expect(issuePaths(Schema, projectAt([shotWithCamera(SHOT_A, SCENE_ID)], SHOT_A, []))).toEqual(['shots[0].sceneId']);
  });

  it('rejects an activeShotId that names no shot', () => {
    expect(issues(Schema, projectAt([shotWithCamera(SHOT_A)], SHOT_B))).toEqual([
      { path: 'activeShotId', message: 'names no shot of this project' },
    ]);
    expect(issuePaths(Schema, projectAt([], SHOT_A))).toEqual(['activeShotId']);
  });

  it('rejects an activeShotId that is not a uuid', () => {
    expect(firstIssuePath(Schema, projectAt([shotWithCamera()], 'shot-1'))).toBe('activeShotId');
  });

  it('names the path of an invalid shot field within the project', () => {
    const bad = copy(shotWithCamera(SHOT_B));
    (bad.camera.rotation.keys[0] as { value: unknown }).value = [0, 0, 0, 3];
    expect(firstIssuePath(Schema, projectAt([shotWithCamera(SHOT_A), bad], null))).toBe('shots[1].camera.rotation.keys[0].value');
  });

  it('rejects more than 1000 shots', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    expect(
      firstIssuePath(
        Schema,
        projectAt(
          ids.map((id) => shotWithoutCamera(id)),
          null,
        ),
      ),
    ).toBe('shots');
  });
});
