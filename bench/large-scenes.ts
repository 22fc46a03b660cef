import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';

/**
 * Large synthetic scenes for the viewport benchmark: a 1M-triangle GLB (a wavy, coloured
 * floor-and-walls surface, so it looks like a scanned room rather than one flat quad) and
 * a 1M-splat .splat file of Gaussians on the surfaces of a 4 x 3 x 2.5 m room.
 */
export async function writeMillionTriangleGlb(file: string, targetTriangles = 1_000_000): Promise<{ triangles: number; bytes: number }> {
  const side = Math.ceil(Math.sqrt(targetTriangles / 2));
  const verts = (side + 1) * (side + 1);
  const positions = new Float32Array(verts * 3);
  const colors = new Float32Array(verts * 3);
  for (let j = 0; j <= side; j++) {
    for (let i = 0; i <= side; i++) {
      const k = j * (side + 1) + i;
      const u = i / side;
      const v = j / side;
      // A 4 x 4 m sheet folded into a floor with a back wall, with a little scan-like noise.
      const x = (u - 0.5) * 4;
      const along = v * 6.5;
      const y = along < 4 ? 0.01 * Math.sin(u * 60) * Math.sin(v * 40) : along - 4;
      const z = along < 4 ? along - 2 : 2;
      positions.set([x, y, z], k * 3);
      colors.set([0.55 + 0.3 * u, 0.45 + 0.2 * Math.sin(v * 9), 0.35 + 0.3 * v], k * 3);
    }
  }
  const indices = new Uint32Array(side * side * 6);
  let p = 0;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const a = j * (side + 1) + i;
      const b = a + 1;
      const c = a + side + 1;
      const d = c + 1;
      indices.set([a, c, b, b, c, d], p);
      p += 6;
    }
  }
  const doc = new Document();
  const buffer = doc.createBuffer();
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setAttribute('COLOR_0', doc.createAccessor().setType('VEC3').setArray(colors).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer))
    .setMaterial(doc.createMaterial('scan').setRoughnessFactor(0.9).setMetallicFactor(0).setDoubleSided(true));
  const mesh = doc.createMesh('scan').addPrimitive(prim);
  doc.createScene('scene').addChild(doc.createNode('scan').setMesh(mesh));
  const bytes = await new NodeIO().writeBinary(doc);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return { triangles: indices.length / 3, bytes: bytes.byteLength };
}

/** antimatter15 .splat: 32 bytes a Gaussian (position f32x3, scale f32x3, RGBA u8x4, rotation u8x4). */
export async function writeMillionSplatFile(file: string, count = 1_000_000): Promise<{ splats: number; bytes: number }> {
  const out = Buffer.alloc(count * 32);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let n = 0; n < count; n++) {
    const at = n * 32;
    const surface = rand();
    let x: number;
    let y: number;
    let z: number;
    if (surface < 0.4) [x, y, z] = [(rand() - 0.5) * 4, 0, (rand() - 0.5) * 3];
    else if (surface < 0.7) [x, y, z] = [(rand() - 0.5) * 4, rand() * 2.5, -1.5];
    else [x, y, z] = [-2, rand() * 2.5, (rand() - 0.5) * 3];
    out.writeFloatLE(x, at);
    out.writeFloatLE(y, at + 4);
    out.writeFloatLE(z, at + 8);
    for (let k = 0; k < 3; k++) out.writeFloatLE(0.006 + rand() * 0.006, at + 12 + k * 4);
    const shade = 0.6 + 0.4 * rand();
    out.set([Math.round(200 * shade), Math.round((150 + y * 30) * shade), Math.round(110 * shade), 230], at + 24);
    out.set([255, 128, 128, 128], at + 28);
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, out);
  return { splats: count, bytes: out.length };
}
