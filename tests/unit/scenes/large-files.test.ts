import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document } from '@gltf-transform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSceneFile } from '../../../src/main/services/scenes/analyze';
import { fixtureIO } from '../../fixtures/scene-gltf';
import { GAUSSIAN_PLY_STRIDE, gaussianPlyHeader, writeGaussianRecord } from '../../fixtures/scene-ply';
import { sampleRoomSurfaces } from '../../fixtures/scene-room';
import { makeTempDir } from './helpers';

/**
 * Scans are big. These files are large enough that per-vertex objects or whole-file
 * copies would show (a million-splat PLY is 248 MB, too much for a unit test, so 200 000
 * splats = 50 MB stand in), and the limits are loose enough for a slow CI machine.
 */
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('dwm-scene-large-');
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function measure<T>(label: string, run: () => Promise<T>): Promise<{ result: T; ms: number; heapGrowthMb: number }> {
  const before = process.memoryUsage();
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  const heapGrowthMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
  const buffersMb = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
  console.log(`${label}: ${ms.toFixed(0)} ms, heap growth ${heapGrowthMb.toFixed(1)} MB, buffers ${buffersMb.toFixed(1)} MB`);
  return { result, ms, heapGrowthMb };
}

describe('large files', () => {
  it('analyses a 200 000-splat 3DGS PLY (50 MB) by streaming', async () => {
    const count = 200_000;
    const file = path.join(dir, 'big-gaussians.ply');
    const handle = await fs.open(file, 'w');
    try {
      await handle.write(gaussianPlyHeader(count));
      const samples = sampleRoomSurfaces(10_000, 5);
      const chunk = Buffer.alloc(samples.length * GAUSSIAN_PLY_STRIDE);
      samples.forEach((s, i) => {
        writeGaussianRecord(chunk, i * GAUSSIAN_PLY_STRIDE, s);
      });
      for (let written = 0; written < count; written += samples.length) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    expect((await fs.stat(file)).size).toBeGreaterThan(count * GAUSSIAN_PLY_STRIDE);
    const { result, ms, heapGrowthMb } = await measure('200k-splat PLY', () => analyzeSceneFile(file));
    expect(result.format).toBe('ply-gaussians');
    expect(result.stats.splats).toBe(count);
    expect(result.bounds.min[1]).toBe(0);
    expect(ms).toBeLessThan(20_000);
    // The body is read through one 4 MB buffer; nothing per splat is kept.
    expect(heapGrowthMb).toBeLessThan(64);
  }, 60_000);

  it('analyses a 500 000-triangle binary PLY mesh, walking every face record', async () => {
    const side = 501;
    const file = path.join(dir, 'big-mesh.ply');
    const vertices = Buffer.alloc(side * side * 12);
    for (let z = 0, at = 0; z < side; z++) {
      for (let x = 0; x < side; x++, at += 12) {
        vertices.writeFloatLE(x / 100, at);
        vertices.writeFloatLE(Math.sin(x / 50) * 0.1 + 0.1, at + 4);
        vertices.writeFloatLE(z / 100, at + 8);
      }
    }
    const quads = (side - 1) * (side - 1);
    const faces = Buffer.alloc(quads * 17);
    for (let z = 0, at = 0; z < side - 1; z++) {
      for (let x = 0; x < side - 1; x++, at += 17) {
        const i = z * side + x;
        faces.writeUInt8(4, at);
        [i, i + 1, i + side + 1, i + side].forEach((v, k) => {
          faces.writeInt32LE(v, at + 1 + k * 4);
        });
      }
    }
    const header = `ply\nformat binary_little_endian 1.0\nelement vertex ${side * side}\nproperty float x\nproperty float y\nproperty float z\nelement face ${quads}\nproperty list uchar int vertex_indices\nend_header\n`;
    await fs.writeFile(file, Buffer.concat([Buffer.from(header), vertices, faces]));
    const { result, ms } = await measure('500k-triangle PLY', () => analyzeSceneFile(file));
    expect(result.stats.triangles).toBe(quads * 2);
    expect(result.bounds.max[0]).toBeCloseTo(5, 5);
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it('analyses a 500 000-triangle GLB', async () => {
    const side = 501;
    const positions = new Float32Array(side * side * 3);
    for (let z = 0, i = 0; z < side; z++) {
      for (let x = 0; x < side; x++, i += 3) positions.set([x / 200, (x * z) % 7 === 0 ? 0.05 : 0, z / 200], i);
    }
    const indices = new Uint32Array((side - 1) * (side - 1) * 6);
    for (let z = 0, k = 0; z < side - 1; z++) {
      for (let x = 0; x < side - 1; x++, k += 6) {
        const i = z * side + x;
        indices.set([i, i + side, i + 1, i + 1, i + side, i + side + 1], k);
      }
    }
    const doc = new Document();
    const buffer = doc.createBuffer();
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
      .setIndices(doc.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer));
    doc.createScene().addChild(doc.createNode('Terrain').setMesh(doc.createMesh('Terrain').addPrimitive(prim)));
    const file = path.join(dir, 'big.glb');
    await fs.writeFile(file, await (await fixtureIO()).writeBinary(doc));
    const { result, ms } = await measure('500k-triangle GLB', () => analyzeSceneFile(file));
    expect(result.stats.triangles).toBe(indices.length / 3);
    expect(result.bounds).toEqual({ min: [0, 0, 0], max: [2.5, Math.fround(0.05), 2.5] });
    expect(ms).toBeLessThan(20_000);
  }, 60_000);
});
