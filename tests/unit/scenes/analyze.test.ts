import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSceneFile } from '../../../src/main/services/scenes/analyze';
import { makeSceneFixtures, type SceneFixture } from '../../fixtures/scene-fixtures';
import { DRAWER_JOINT } from '../../fixtures/scene-gltf';
import { expectBoundsClose, makeTempDir } from './helpers';

let dir: string;
let fixtures: Record<string, SceneFixture>;

beforeAll(async () => {
  dir = await makeTempDir('dwm-scene-analyze-');
  fixtures = await makeSceneFixtures(dir);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/**
 * Bounds tolerance per fixture. Files that store float32 positions as written are compared
 * to 1e-4 (the expected values are the same float32s, so this only absorbs the 1e-16 noise
 * of applying node rotations in double precision). Draco and meshopt quantize positions to
 * 14 bits over each mesh's extent: 3 m / 16383 ≈ 1.8e-4 per step, so a corner can move by
 * about 1e-4 (9e-5 is seen here); 1e-3 leaves room without hiding a wrong transform (those
 * are off by metres).
 */
const TOLERANCE: Record<string, number> = { 'glb-draco-ktx2': 1e-3, 'glb-meshopt': 1e-3 };

const NAMES = [
  'glb-draco-ktx2',
  'glb-meshopt',
  'gltf-separate',
  'obj-mtl',
  'ply-mesh',
  'ply-mesh-ascii',
  'ply-points',
  'ply-points-big-endian',
  'ply-gaussians',
  'splat',
  'spz',
  'obj-outside-refs',
  'gltf-outside-refs',
  'glb-outside-refs',
];

describe('analyzeSceneFile on every good fixture', () => {
  it('covers every fixture the generator makes', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s: format, counts, bounds and companions', async (name) => {
    const fixture = fixtures[name] as SceneFixture;
    const a = await analyzeSceneFile(fixture.file);
    const e = fixture.expected;
    expect(a.format).toBe(e.format);
    expect(a.stats.triangles).toBe(e.triangles);
    expect(a.stats.points).toBe(e.points);
    expect(a.stats.splats).toBe(e.splats);
    expectBoundsClose(a.bounds, e.bounds, TOLERANCE[name] ?? 1e-4);
    const base = path.dirname(fixture.file);
    expect(a.companions.map((c) => c.relative)).toEqual(e.companions ?? []);
    for (const c of a.companions) {
      expect(path.isAbsolute(c.absolute)).toBe(true);
      expect(c.absolute).toBe(path.resolve(base, decodeURIComponent(c.relative)));
      await expect(fs.stat(c.absolute)).resolves.toBeTruthy();
    }
    expect(a.articulations.map((j) => j.node)).toEqual(e.articulations ?? []);
  });
});

describe('glTF details', () => {
  it('reads the drawer joint from node extras, with the schema fields', async () => {
    const a = await analyzeSceneFile(fixtures['glb-draco-ktx2']?.file as string);
    expect(a.articulations).toEqual([{ node: 'Drawer', ...DRAWER_JOINT }]);
  });

  it('counts meshes, materials and textures (the KTX2 texture through KHR_texture_basisu)', async () => {
    for (const name of ['glb-draco-ktx2', 'glb-meshopt', 'gltf-separate']) {
      const a = await analyzeSceneFile(fixtures[name]?.file as string);
      expect(a.stats, name).toMatchObject({ meshes: 5, materials: 5, textures: 1 });
    }
  });

  it('uses the extensions the fixtures claim (Draco + KTX2, meshopt)', async () => {
    const json = async (file: string) => {
      const bytes = await fs.readFile(file);
      return JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8'));
    };
    expect((await json(fixtures['glb-draco-ktx2']?.file as string)).extensionsRequired).toEqual(
      expect.arrayContaining(['KHR_draco_mesh_compression', 'KHR_texture_basisu']),
    );
    expect((await json(fixtures['glb-meshopt']?.file as string)).extensionsUsed).toEqual(
      expect.arrayContaining(['EXT_meshopt_compression']),
    );
  });
});

describe('OBJ and PLY details', () => {
  it('counts OBJ materials and texture maps from the .mtl', async () => {
    const a = await analyzeSceneFile(fixtures['obj-mtl']?.file as string);
    expect(a.stats).toMatchObject({ materials: 5, textures: 2 });
  });

  it('reads ASCII and binary PLY meshes alike', async () => {
    const binary = await analyzeSceneFile(fixtures['ply-mesh']?.file as string);
    const ascii = await analyzeSceneFile(fixtures['ply-mesh-ascii']?.file as string);
    expect(ascii.stats).toEqual(binary.stats);
    expect(ascii.bounds).toEqual(binary.bounds);
  });
});
