import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyzeSceneFile } from '../../../src/main/services/scenes/analyze';
import { importSceneFiles } from '../../../src/main/services/scenes/import-scene';
import { DEFAULT_PLACEMENT, SceneAsset } from '../../../src/shared/scene/schema';
import { encodePng } from '../../fixtures/png';
import { makeBadSceneFixtures, makeSceneFixtures, type SceneFixture } from '../../fixtures/scene-fixtures';
import { expectApiError, makeTempDir } from './helpers';

let root: string;
let fixtures: Record<string, SceneFixture>;
let bad: Record<string, string>;
let project: string;

beforeAll(async () => {
  root = await makeTempDir('dwm-scene-import-');
  fixtures = await makeSceneFixtures(path.join(root, 'fixtures'));
  bad = await makeBadSceneFixtures(path.join(root, 'bad'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  project = await fs.mkdtemp(path.join(root, 'project-'));
  await fs.mkdir(path.join(project, 'scenes'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex');
  }
  return out;
}

const sceneEntries = () => fs.readdir(path.join(project, 'scenes'));

describe('importSceneFiles copies a scene into scenes/<id>/', () => {
  it.each(['glb-draco-ktx2', 'glb-meshopt', 'gltf-separate', 'obj-mtl', 'ply-mesh', 'ply-points', 'ply-gaussians', 'splat', 'spz'])(
    '%s',
    async (name) => {
      const fixture = fixtures[name] as SceneFixture;
      const asset = await importSceneFiles(project, fixture.file, { now: new Date('2026-03-01T12:00:00Z') });
      expect(SceneAsset.safeParse(asset).success).toBe(true);
      expect(await sceneEntries()).toEqual([asset.id]);

      const base = path.basename(fixture.file);
      expect(asset.file).toBe(`scenes/${asset.id}/${base}`);
      expect(asset.files[0]).toBe(asset.file);
      const companions = fixture.expected.companions ?? [];
      expect(asset.files).toEqual([asset.file, ...companions.map((c) => `scenes/${asset.id}/${c}`)]);
      for (const f of asset.files) {
        expect(f).not.toMatch(/\\|^\/|\.\./);
      }
      // Inside the main file's folder the layout is kept, and nothing needs rewriting: exact copies.
      let size = 0;
      for (const f of asset.files) {
        const copy = path.join(project, ...f.split('/'));
        const original = path.join(path.dirname(fixture.file), ...f.split('/').slice(2));
        expect(await fs.readFile(copy)).toEqual(await fs.readFile(original));
        size += (await fs.stat(copy)).size;
      }
      expect(asset.sizeBytes).toBe(size);

      expect(asset).toMatchObject({
        name: path.basename(fixture.file, path.extname(fixture.file)),
        format: fixture.expected.format,
        placement: DEFAULT_PLACEMENT,
        visible: true,
        importedAt: '2026-03-01T12:00:00.000Z',
        source: fixture.file,
      });
      expect(asset.stats.triangles).toBe(fixture.expected.triangles);
      expect(asset.articulations.map((a) => a.node)).toEqual(fixture.expected.articulations ?? []);

      // The copy stands on its own: analysing it finds the same scene.
      const again = await analyzeSceneFile(path.join(project, ...asset.file.split('/')));
      expect(again.stats).toEqual(asset.stats);
    },
  );

  it('uses the given name, and refuses an empty one before writing anything', async () => {
    const asset = await importSceneFiles(project, fixtures.splat?.file as string, { name: '  Living room  ' });
    expect(asset.name).toBe('Living room');
    const err = await expectApiError(importSceneFiles(project, fixtures.splat?.file as string, { name: '   ' }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe('name');
    expect(await sceneEntries()).toEqual([asset.id]);
  });

  it('gives every import its own folder', async () => {
    const a = await importSceneFiles(project, fixtures.spz?.file as string);
    const b = await importSceneFiles(project, fixtures.spz?.file as string);
    expect(a.id).not.toBe(b.id);
    expect((await sceneEntries()).sort()).toEqual([a.id, b.id].sort());
  });
});

describe('companions outside the main file’s folder are copied flat and re-pointed in the copy only', () => {
  it('OBJ: rewrites mtllib in the .obj and the texture path in the .mtl', async () => {
    const fixture = fixtures['obj-outside-refs'] as SceneFixture;
    const sourceRoot = path.resolve(path.dirname(fixture.file), '..');
    const before = await hashTree(sourceRoot);
    const asset = await importSceneFiles(project, fixture.file);
    const id = asset.id;
    expect(asset.files).toEqual([`scenes/${id}/corner.obj`, `scenes/${id}/room.mtl`, `scenes/${id}/floor.png`]);
    const dir = path.join(project, 'scenes', id);
    const obj = await fs.readFile(path.join(dir, 'corner.obj'), 'utf8');
    expect(obj.split('\n')[0]).toBe('mtllib room.mtl');
    // Everything else in the .obj is byte-for-byte what the source had.
    expect(obj.split('\n').slice(1)).toEqual((await fs.readFile(fixture.file, 'utf8')).split('\n').slice(1));
    const mtl = await fs.readFile(path.join(dir, 'room.mtl'), 'utf8');
    expect(mtl).toContain('map_Kd -bm 1 floor.png\n');
    expect(await hashTree(sourceRoot)).toEqual(before);
    const again = await analyzeSceneFile(path.join(dir, 'corner.obj'));
    expect(again.companions.map((c) => c.relative)).toEqual(['room.mtl', 'floor.png']);
  });

  it('glTF: rewrites an absolute file:// buffer URI and a ../ image URI (percent-encoded)', async () => {
    const fixture = fixtures['gltf-outside-refs'] as SceneFixture;
    const sourceRoot = path.resolve(path.dirname(fixture.file), '..');
    const before = await hashTree(sourceRoot);
    const asset = await importSceneFiles(project, fixture.file);
    const id = asset.id;
    expect(asset.files).toEqual([`scenes/${id}/room.gltf`, `scenes/${id}/room data.bin`, `scenes/${id}/floor tile.png`]);
    const json = JSON.parse(await fs.readFile(path.join(project, 'scenes', id, 'room.gltf'), 'utf8'));
    expect(json.buffers[0].uri).toBe('room%20data.bin');
    expect(json.images[0].uri).toBe('floor%20tile.png');
    expect(await hashTree(sourceRoot)).toEqual(before);
    const again = await analyzeSceneFile(path.join(project, 'scenes', id, 'room.gltf'));
    expect(again.stats).toEqual(asset.stats);
    expect(again.companions.map((c) => c.relative)).toEqual(['room data.bin', 'floor tile.png']);
  });

  it('GLB: rewrites the JSON chunk and keeps the binary chunk as it was', async () => {
    const fixture = fixtures['glb-outside-refs'] as SceneFixture;
    const sourceRoot = path.resolve(path.dirname(fixture.file), '..');
    const before = await hashTree(sourceRoot);
    const asset = await importSceneFiles(project, fixture.file);
    const copyFile = path.join(project, 'scenes', asset.id, 'room-external.glb');
    const copy = await fs.readFile(copyFile);
    const source = await fs.readFile(fixture.file);
    expect(copy.readUInt32LE(8)).toBe(copy.length);
    const jsonLength = copy.readUInt32LE(12);
    expect(jsonLength % 4).toBe(0);
    const json = JSON.parse(copy.subarray(20, 20 + jsonLength).toString('utf8'));
    expect(json.images[0].uri).toBe('floor%20tile.png');
    expect(copy.subarray(20 + jsonLength)).toEqual(source.subarray(20 + source.readUInt32LE(12)));
    expect(await hashTree(sourceRoot)).toEqual(before);
    const again = await analyzeSceneFile(copyFile);
    expect(again.stats).toEqual(asset.stats);
    expect(again.bounds).toEqual(asset.bounds);
  });

  it('gives flattened companions with the same name distinct names', async () => {
    const dir = await fs.mkdtemp(path.join(root, 'clash-'));
    for (const sub of ['model', 'a', 'b']) await fs.mkdir(path.join(dir, sub));
    await fs.writeFile(path.join(dir, 'a', 'floor.png'), encodePng(1, 1, new Uint8Array([255, 0, 0, 255])));
    await fs.writeFile(path.join(dir, 'b', 'floor.png'), encodePng(1, 1, new Uint8Array([0, 0, 255, 255])));
    await fs.writeFile(path.join(dir, 'a', 'room.mtl'), 'newmtl a\nmap_Kd floor.png\nnewmtl b\nmap_Kd ../b/floor.png\n');
    const obj = path.join(dir, 'model', 'room.obj');
    await fs.writeFile(obj, 'mtllib ../a/room.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
    const asset = await importSceneFiles(project, obj);
    const id = asset.id;
    expect(asset.files).toEqual([`scenes/${id}/room.obj`, `scenes/${id}/room.mtl`, `scenes/${id}/floor.png`, `scenes/${id}/floor-2.png`]);
    const mtl = await fs.readFile(path.join(project, 'scenes', id, 'room.mtl'), 'utf8');
    expect(mtl).toBe('newmtl a\nmap_Kd floor.png\nnewmtl b\nmap_Kd floor-2.png\n');
    const blue = await fs.readFile(path.join(project, 'scenes', id, 'floor-2.png'));
    expect(blue).toEqual(await fs.readFile(path.join(dir, 'b', 'floor.png')));
  });
});

describe('a failed import leaves nothing behind', () => {
  it.each(['truncated-glb', 'not-a-model', 'unsupported-fbx', 'gltf-missing-bin', 'obj-nan', 'ply-empty', 'zero-size', 'unreadable'])(
    '%s',
    async (name) => {
      const err = await expectApiError(importSceneFiles(project, bad[name] as string));
      expect(['BAD_INPUT', 'NOT_FOUND']).toContain(err.code);
      expect(err.message).toContain(bad[name]);
      expect(await sceneEntries()).toEqual([]);
    },
  );

  it('removes the half-built folder when copying fails after analysis', async () => {
    const real = fs.copyFile;
    let calls = 0;
    vi.spyOn(fs, 'copyFile').mockImplementation(async (...args: Parameters<typeof fs.copyFile>) => {
      // Let the main file through, then fail as a full disk would.
      if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return real(...args);
    });
    const err = await expectApiError(importSceneFiles(project, fixtures['obj-mtl']?.file as string));
    expect(err.code).toBe('IO');
    expect(err.message).toContain('no space left on device');
    expect(calls).toBeGreaterThan(1);
    expect(await sceneEntries()).toEqual([]);
  });
});
