import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Document } from '@gltf-transform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSceneFile } from '../../../src/main/services/scenes/analyze';
import { parseMtlMapLine } from '../../../src/main/services/scenes/formats/mtl';
import { makeSceneFixtures, type SceneFixture } from '../../fixtures/scene-fixtures';
import { DRAWER_JOINT, fixtureIO } from '../../fixtures/scene-gltf';
import { sampleRoomSurfaces } from '../../fixtures/scene-room';
import { spzFile } from '../../fixtures/scene-splats';
import { expectApiError, makeTempDir } from './helpers';

let dir: string;
let fixtures: Record<string, SceneFixture>;

beforeAll(async () => {
  dir = await makeTempDir('dwm-scene-formats-');
  fixtures = await makeSceneFixtures(path.join(dir, 'fixtures'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const write = async (name: string, data: string | Uint8Array): Promise<string> => {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return file;
};

describe('format detection goes by content, not by name', () => {
  it.each([
    ['glb-draco-ktx2', 'renamed.bin', 'glb'],
    ['obj-mtl', 'obj-mtl/renamed.txt', 'obj'],
    ['ply-points', 'cloud.dat', 'ply-points'],
    ['spz', 'splats.gz', 'spz'],
    ['gltf-separate', 'gltf-separate/scene.json', 'gltf'],
  ])('%s saved as %s is read as %s', async (name, newName, format) => {
    const source = fixtures[name]?.file as string;
    // Keep companions beside the renamed copy.
    const target = path.join(path.dirname(source), path.basename(newName));
    await fs.copyFile(source, target);
    expect((await analyzeSceneFile(target)).format).toBe(format);
  });
});

describe('.spz', () => {
  const samples = sampleRoomSurfaces(64, 11);

  it('reads version 3 and SH degree 0 as well as the default version 2 / degree 1', async () => {
    const v3 = await write('v3.spz', spzFile(samples, { version: 3, shDegree: 0 }));
    const v2 = await write('v2-sh0.spz', spzFile(samples, { version: 2, shDegree: 0 }));
    for (const file of [v3, v2]) {
      const a = await analyzeSceneFile(file);
      expect(a.stats.splats).toBe(64);
      expect(a.format).toBe('spz');
    }
  });

  it('refuses versions other than 2 and 3, naming the version', async () => {
    const bytes = (await import('node:zlib')).gunzipSync(spzFile(samples));
    bytes.writeUInt32LE(7, 4);
    const file = await write('v7.spz', (await import('node:zlib')).gzipSync(bytes));
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/\.spz version 7; versions 2 and 3 are supported/);
  });

  it('notices a stream that decompresses cleanly but is shorter than the header says', async () => {
    const zlib = await import('node:zlib');
    const raw = zlib.gunzipSync(spzFile(samples));
    const file = await write('short.spz', zlib.gzipSync(raw.subarray(0, raw.length - 10)));
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/truncated.*declares 64 splats/);
  });
});

describe('PLY', () => {
  it('reads int16 positions, uint16-counted lists, CRLF headers and elements between vertex and face', async () => {
    const header = [
      'ply',
      'format binary_big_endian 1.0',
      'element vertex 4',
      'property short x',
      'property short y',
      'property short z',
      'element material 2',
      'property uchar r',
      'property float shininess',
      'element face 2',
      'property uchar flags',
      'property list ushort uint vertex_indices',
      'end_header',
      '',
    ].join('\r\n');
    const body = Buffer.alloc(4 * 6 + 2 * 5 + (1 + 2 + 4 * 4) + (1 + 2 + 3 * 4));
    let at = 0;
    for (const [x, y, z] of [
      [-2, 0, -3],
      [2, 0, -3],
      [2, 5, -3],
      [-2, 5, 4],
    ]) {
      at = body.writeInt16BE(x as number, at);
      at = body.writeInt16BE(y as number, at);
      at = body.writeInt16BE(z as number, at);
    }
    at += 10; // two material records, skipped
    at = body.writeUInt8(0, at);
    at = body.writeUInt16BE(4, at);
    for (const i of [0, 1, 2, 3]) at = body.writeUInt32BE(i, at);
    at = body.writeUInt8(0, at);
    at = body.writeUInt16BE(3, at);
    for (const i of [0, 2, 3]) at = body.writeUInt32BE(i, at);
    const file = await write('shorts.ply', Buffer.concat([Buffer.from(header, 'latin1'), body]));
    const a = await analyzeSceneFile(file);
    expect(a.format).toBe('ply-mesh');
    expect(a.stats.triangles).toBe(3); // a quad (2) and a triangle (1)
    expect(a.bounds).toEqual({ min: [-2, 0, -3], max: [2, 5, 4] });
  });

  it('counts NaN positions in binary PLY and names the first vertex', async () => {
    const header =
      'ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n';
    const body = Buffer.alloc(36);
    [0, 0, 0, 1, Number.NaN, 0, 1, 1, Number.POSITIVE_INFINITY].forEach((v, i) => {
      body.writeFloatLE(v, i * 4);
    });
    const file = await write('nan.ply', Buffer.concat([Buffer.from(header), body]));
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/2 positions are NaN or Infinity; first at vertex 1/);
  });

  it('refuses compressed (SuperSplat) PLY by name', async () => {
    const header =
      'ply\nformat binary_little_endian 1.0\nelement chunk 1\nproperty float min_x\nelement vertex 1\nproperty uint packed_position\nend_header\n';
    const file = await write('compressed.ply', Buffer.concat([Buffer.from(header), Buffer.alloc(8)]));
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/compressed \(SuperSplat\) PLY/);
  });

  it('refuses an ASCII body with fewer records than the header declares', async () => {
    const file = await write(
      'short-ascii.ply',
      'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 1 1\n',
    );
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/truncated.*3 vertex records but the file ends after 2/);
  });
});

describe('OBJ', () => {
  it('reads a file of bare vertices as a point cloud, and p statements as points', async () => {
    const bare = await write('bare.obj', 'v 0 0 0\nv 1 2 3\nv -1 0 1\n');
    expect((await analyzeSceneFile(bare)).stats).toMatchObject({ points: 3, triangles: 0 });
    const withP = await write('p.obj', 'v 0 0 0\nv 1 2 3\nv -1 0 1\np 1 2\np 3\nf 1 2 3\n');
    expect((await analyzeSceneFile(withP)).stats).toMatchObject({ points: 3, triangles: 1 });
  });

  it('joins lines continued with a backslash and fans n-gons', async () => {
    const file = await write('cont.obj', 'v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv -1 1 0\nv -1 0 1\nf 1 2 3 \\\n 4 5 6\n');
    expect((await analyzeSceneFile(file)).stats.triangles).toBe(4);
  });

  it('accepts an mtllib name with spaces when that file exists', async () => {
    await write('spaced/my room.mtl', 'newmtl a\nKd 1 0 0\n');
    const file = await write('spaced/room.obj', 'mtllib my room.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
    expect((await analyzeSceneFile(file)).companions.map((c) => c.relative)).toEqual(['my room.mtl']);
  });

  it('names a texture missing from an .mtl, from the .mtl', async () => {
    const mtl = await write('missing-tex/room.mtl', 'newmtl a\nmap_Kd -s 2 2 tex/gone.png\n');
    const file = await write('missing-tex/room.obj', 'mtllib room.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toBe(
      `${mtl}: references tex/gone.png, which is missing (expected at ${path.join(dir, 'missing-tex', 'tex', 'gone.png')}); ${mtl} is needed by ${file}`,
    );
    expect(err.file).toBe(mtl);
  });
});

describe('parseMtlMapLine', () => {
  it.each([
    ['map_Kd wood.png', 'wood.png', []],
    ['  map_Kd -o 0.5 0.5 1 -bm 1 tex/wood floor.png', 'tex/wood floor.png', ['-o', '0.5', '0.5', '1', '-bm', '1']],
    ['bump -bm 0.3 normal.png', 'normal.png', ['-bm', '0.3']],
    ['map_Bump -s 2 2 -clamp on bump.jpg', 'bump.jpg', ['-s', '2', '2', '-clamp', 'on']],
    ['norm textures\\n.png # a comment', 'textures\\n.png', []],
    ['MAP_KD -o 1 x.png', 'x.png', ['-o', '1']],
  ])('%s', (line, file, options) => {
    const s = parseMtlMapLine(line);
    expect(s?.path).toBe(file);
    expect(s?.options).toEqual(options);
  });

  it('ignores statements that are not texture maps, and maps with no file', () => {
    expect(parseMtlMapLine('Kd 1 1 1')).toBeNull();
    expect(parseMtlMapLine('map_Kd')).toBeNull();
    expect(parseMtlMapLine('# map_Kd x.png')).toBeNull();
  });
});

describe('glTF joints and references', () => {
  /** A GLB with one triangle per node; `extras` per node name. */
  async function glbWithJoints(name: string, nodes: { name: string; extras?: unknown }[]): Promise<string> {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const scene = doc.createScene();
    for (const n of nodes) {
      const prim = doc.createPrimitive().setAttribute(
        'POSITION',
        doc
          .createAccessor()
          .setType('VEC3')
          .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]))
          .setBuffer(buffer),
      );
      const node = doc.createNode(n.name).setMesh(doc.createMesh().addPrimitive(prim));
      if (n.extras !== undefined) node.setExtras(n.extras as Record<string, unknown>);
      scene.addChild(node);
    }
    return write(name, await (await fixtureIO()).writeBinary(doc));
  }

  it('reads several joints and ignores dwm extras without a joint', async () => {
    const file = await glbWithJoints('joints-ok.glb', [
      { name: 'Door', extras: { dwm: { joint: { ...DRAWER_JOINT, type: 'revolute', axis: [0, 1, 0], limits: [0, 1.5] } } } },
      { name: 'Plain', extras: { dwm: { note: 'no joint here' } } },
    ]);
    const a = await analyzeSceneFile(file);
    expect(a.articulations).toHaveLength(1);
    expect(a.articulations[0]).toMatchObject({ node: 'Door', type: 'revolute', axis: [0, 1, 0], limits: [0, 1.5] });
  });

  it.each([
    [
      'zero axis',
      [{ name: 'A', extras: { dwm: { joint: { ...DRAWER_JOINT, axis: [0, 0, 0] } } } }],
      /node "A".*joint\.axis: the axis must be a unit vector/,
    ],
    [
      'non-unit axis',
      [{ name: 'A', extras: { dwm: { joint: { ...DRAWER_JOINT, axis: [0, 2, 0] } } } }],
      /joint\.axis: the axis must be a unit vector/,
    ],
    [
      'reversed limits',
      [{ name: 'A', extras: { dwm: { joint: { ...DRAWER_JOINT, limits: [1, 0] } } } }],
      /joint\.limits: limits must be \[lower, upper\]/,
    ],
    ['a joint that is not an object', [{ name: 'A', extras: { dwm: { joint: 'prismatic' } } }], /joint must be an object/],
    ['missing origin', [{ name: 'A', extras: { dwm: { joint: { ...DRAWER_JOINT, origin: undefined } } } }], /extras\.dwm\.joint\.origin/],
    ['bad handle', [{ name: 'A', extras: { dwm: { joint: { ...DRAWER_JOINT, handle: [1, 2] } } } }], /extras\.dwm\.joint\.handle/],
    ['no name', [{ name: '', extras: { dwm: { joint: DRAWER_JOINT } } }], /node 0 has a joint but no name/],
    [
      'duplicate names',
      [
        { name: 'A', extras: { dwm: { joint: DRAWER_JOINT } } },
        { name: 'A', extras: { dwm: { joint: DRAWER_JOINT } } },
      ],
      /both named "A"/,
    ],
  ])('refuses a joint with %s', async (label, nodes, phrase) => {
    const file = await glbWithJoints(`joint-${label.replace(/ /g, '-')}.glb`, nodes);
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.message).toMatch(phrase);
  });

  it('refuses remote URIs instead of fetching them', async () => {
    const file = await write(
      'remote.gltf',
      JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: 'https://example.com/a.bin', byteLength: 4 }] }),
    );
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/remote resource/);
  });

  it('counts NaN positions in glTF and says which mesh', async () => {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, Number.NaN, 0]);
    const prim = doc.createPrimitive().setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer));
    doc.createScene().addChild(doc.createNode('n').setMesh(doc.createMesh('Broken').addPrimitive(prim)));
    const file = await write('nan.glb', await (await fixtureIO()).writeBinary(doc));
    const err = await expectApiError(analyzeSceneFile(file));
    expect(err.message).toMatch(/1 position is NaN or Infinity; first at vertex 2 of mesh "Broken" primitive 0/);
  });
});

describe('the files Spark and three.js will load', () => {
  it("Spark's own decoder reads the .spz, .splat and 3DGS PLY fixtures", async () => {
    const probe = path.resolve(__dirname, '../../fixtures/spark-probe.mjs');
    const args = [
      ['spz', fixtures.spz?.file],
      ['splat', fixtures.splat?.file],
      ['ply', fixtures['ply-gaussians']?.file],
    ].flat() as string[];
    const { stdout } = await promisify(execFile)(process.execPath, [probe, ...args], { timeout: 60_000 });
    const results = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(results).toEqual([
      { file: fixtures.spz?.file, ok: true, numSplats: 500, maxShDegree: 1 },
      { file: fixtures.splat?.file, ok: true, numSplats: 500, maxShDegree: 0 },
      { file: fixtures['ply-gaussians']?.file, ok: true, numSplats: 500, maxShDegree: 3 },
    ]);
  }, 60_000);

  it("three's KTX2Loader reads the fixture's KTX2 texture as RGBA8 sRGB without a transcoder", async () => {
    const { KTX2Loader } = await import('three/examples/jsm/loaders/KTX2Loader.js');
    const { SRGBColorSpace, RGBAFormat, UnsignedByteType } = await import('three');
    const doc = await (await fixtureIO()).read(fixtures['glb-draco-ktx2']?.file as string);
    const texture = doc.getRoot().listTextures()[0];
    expect(texture?.getMimeType()).toBe('image/ktx2');
    const image = texture?.getImage() as Uint8Array;
    // _createTexture is the path parse() takes; for uncompressed formats it needs no worker or renderer.
    const loader = new KTX2Loader() as unknown as { _createTexture(buffer: ArrayBuffer): Promise<import('three').DataTexture> };
    const t = await loader._createTexture(image.slice().buffer);
    expect([t.image.width, t.image.height]).toEqual([16, 16]);
    expect(t.colorSpace).toBe(SRGBColorSpace);
    expect(t.format).toBe(RGBAFormat);
    expect(t.type).toBe(UnsignedByteType);
  });
});
