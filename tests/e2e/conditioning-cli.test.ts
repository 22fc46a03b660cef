import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document, NodeIO } from '@gltf-transform/core';
import { KHRMaterialsUnlit } from '@gltf-transform/extensions';
import * as THREE from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { clone as cloneSkinned } from 'three/examples/jsm/utils/SkeletonUtils.js';
import { describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/main/services/conditioning/ffmpeg';
import type { Shot } from '../../src/shared/animation/schema';
import { modelRootTransform, posedModelJoints } from '../../src/shared/hand/keypoints';
import { WEBXR_JOINTS } from '../../src/shared/hand/skeleton';
import { createShot } from '../../src/shared/shot/create-shot';
import { homeWithDefaultModel, ROOT, tempDir } from './harness';

/**
 * The conditioning renderer through the command line (`dwm-studio new` then `render`, a
 * headless system Chromium), checked geometrically: a known scene point and a known hand
 * pose must land where an independent three.js projection puts them, in both videos.
 */

const cli = (home: string, ...args: string[]) =>
  execFileSync(process.execPath, ['bin/dwm-studio.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, DWM_STUDIO_HOME: home },
    encoding: 'utf8',
  });

function decodePng(file: string): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 64 * 1024 * 1024 });
}

const W = 720;
const H = 480;

/** A 10 cm unlit magenta square facing +Z with its centre at `centre`. */
async function markerGlb(file: string, centre: [number, number, number]) {
  const doc = new Document();
  const unlit = doc.createExtension(KHRMaterialsUnlit);
  const buffer = doc.createBuffer();
  const s = 0.05;
  const [x, y, z] = centre;
  const positions = new Float32Array([x - s, y - s, z, x + s, y - s, z, x + s, y + s, z, x - s, y + s, z]);
  const material = doc.createMaterial('marker').setBaseColorFactor([1, 0, 1, 1]).setExtension('KHR_materials_unlit', unlit.createUnlit());
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setIndices(
      doc
        .createAccessor()
        .setType('SCALAR')
        .setArray(new Uint16Array([0, 1, 2, 0, 2, 3]))
        .setBuffer(buffer),
    )
    .setMaterial(material);
  doc.createScene().addChild(doc.createNode('marker').setMesh(doc.createMesh('marker').addPrimitive(prim)));
  await fs.writeFile(file, await new NodeIO().registerExtensions([KHRMaterialsUnlit]).writeBinary(doc));
}

function camera(shot: Shot): THREE.PerspectiveCamera {
  const key = (c: { keys: { value: unknown }[] }) => c.keys[0]?.value as number[];
  const cam = new THREE.PerspectiveCamera(key(shot.camera.fovY) as unknown as number, W / H, 0.01, 200);
  cam.position.fromArray(key(shot.camera.position));
  cam.quaternion.fromArray(key(shot.camera.rotation));
  cam.updateMatrixWorld(true);
  return cam;
}

function toPixel(p: THREE.Vector3, cam: THREE.Camera): [number, number] {
  const ndc = p.clone().project(cam);
  return [((ndc.x + 1) / 2) * W, ((1 - ndc.y) / 2) * H];
}

/** Bounding box (pixel edges) of the pixels a predicate selects. */
function pixelBox(rgba: Buffer, pick: (r: number, g: number, b: number) => boolean) {
  let minX = W;
  let minY = H;
  let maxX = -1;
  let maxY = -1;
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      if (!pick(rgba[i] as number, rgba[i + 1] as number, rgba[i + 2] as number)) continue;
      n++;
      sx += x + 0.5;
      sy += y + 0.5;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x + 1);
      maxY = Math.max(maxY, y + 1);
    }
  }
  return { n, minX, minY, maxX, maxY, cx: sx / n, cy: sy / n };
}

/** Where the posed right-hand mesh projects: its skinned vertices, computed here with three.js, not by the studio's renderer. */
async function projectedHandBox(shot: Shot, cam: THREE.Camera) {
  const bytes = await fs.readFile(path.join(ROOT, 'resources', 'hands', 'right.glb'));
  const gltf = await new GLTFLoader().parseAsync(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), '');
  const root = cloneSkinned(gltf.scene);
  const hand = shot.hands.right;
  const fingers = hand.fingers.keys[0]?.value as number[];
  posedModelJoints({ fingers }, 'right').forEach((j, i) => {
    const bone = root.getObjectByName(WEBXR_JOINTS[i] as string) as THREE.Object3D;
    bone.position.set(...j.position);
    bone.quaternion.set(...j.rotation);
  });
  const place = modelRootTransform('right', {
    position: hand.wristPosition.keys[0]?.value as [number, number, number],
    rotation: hand.wristRotation.keys[0]?.value as [number, number, number, number],
  });
  root.position.set(...place.position);
  root.quaternion.set(...place.rotation);
  root.updateMatrixWorld(true);
  let box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  root.traverse((node) => {
    const mesh = node as THREE.SkinnedMesh;
    if (!mesh.isSkinnedMesh) return;
    mesh.skeleton.update();
    const v = new THREE.Vector3();
    for (let i = 0; i < (mesh.geometry.attributes.position?.count ?? 0); i++) {
      mesh.getVertexPosition(i, v);
      const [px, py] = toPixel(v.applyMatrix4(mesh.matrixWorld), cam);
      box = { minX: Math.min(box.minX, px), minY: Math.min(box.minY, py), maxX: Math.max(box.maxX, px), maxY: Math.max(box.maxY, py) };
    }
  });
  return box;
}

describe('dwm-studio render (headless Chromium)', () => {
  it('renders the demo shot of a new project deterministically: same pixels twice', async () => {
    // The reference size (720x480): the overlay baseline's spec, whatever other model is installed.
    const home = await homeWithDefaultModel('dwm-baseline-overlay');
    const project = path.join(await tempDir('render'), 'p');
    cli(home, 'new', project);
    const out1 = path.join(project, '..', 'r1');
    const out2 = path.join(project, '..', 'r2');
    cli(home, 'render', project, '--shot', 'Open the top drawer', '--out', out1);
    cli(home, 'render', project, '--shot', 'Open the top drawer', '--out', out2);
    for (const name of ['static.mp4', 'hands.mp4']) {
      expect(await probeVideo(path.join(out1, name))).toMatchObject({ width: 720, height: 480, frames: 49, fps: 8 });
    }
    const digest = async (dir: string) => {
      const h = createHash('sha256');
      for (const pass of ['static', 'hands']) {
        for (const f of (await fs.readdir(path.join(dir, pass))).sort()) h.update(await fs.readFile(path.join(dir, pass, f)));
      }
      return h.digest('hex');
    };
    expect(await digest(out2)).toBe(await digest(out1));
  });

  it('puts a known scene point and a known hand pose where an independent projection says, in aligned videos', async () => {
    const home = await homeWithDefaultModel('dwm-baseline-overlay');
    const dir = await tempDir('proj');
    const project = path.join(dir, 'p');
    const marker: [number, number, number] = [0.12, 1.25, -1.2];
    cli(home, 'new', project, '--empty');
    await markerGlb(path.join(dir, 'marker.glb'), marker);
    cli(home, 'import', project, path.join(dir, 'marker.glb'));
    const file = path.join(project, 'project.json');
    const doc = JSON.parse(await fs.readFile(file, 'utf8'));
    let k = 0;
    const shot = createShot({
      id: '11111111-2222-4333-8444-555555555555',
      name: 'Projection',
      frames: 49,
      fps: 8,
      sceneId: doc.scenes[0].id,
      camera: { position: [0, 1.3, 0.5], rotation: [-0.05, 0.02, 0, 0.9986], fovY: 60 },
      newKeyId: () => `k${++k}`,
    });
    const q = Math.SQRT1_2;
    shot.hands.right = {
      wristPosition: { keys: [{ id: 'w1', frame: 0, value: [-0.1, 1.05, -0.6], interpolation: 'hold' }] },
      wristRotation: { keys: [{ id: 'w2', frame: 0, value: [q, 0, 0, q], interpolation: 'hold' }] },
      fingers: { keys: [{ id: 'w3', frame: 0, value: Array(45).fill(0), interpolation: 'hold' }] },
      visible: { keys: [{ id: 'w4', frame: 0, value: true, interpolation: 'hold' }] },
    };
    doc.shots = [shot];
    doc.activeShotId = shot.id;
    await fs.writeFile(file, JSON.stringify(doc));
    const out = path.join(dir, 'out');
    cli(home, 'render', project, '--shot', shot.id, '--out', out);

    const cam = camera(shot);
    // Scene pass: the magenta marker's centroid is the projection of its centre.
    const staticPng = decodePng(path.join(out, 'static', '000.png'));
    const magenta = pixelBox(staticPng, (r, g, b) => r > 200 && b > 200 && g < 60);
    expect(magenta.n).toBeGreaterThan(100);
    const [mx, my] = toPixel(new THREE.Vector3(...marker), cam);
    expect(Math.abs(magenta.cx - mx)).toBeLessThanOrEqual(2);
    expect(Math.abs(magenta.cy - my)).toBeLessThanOrEqual(2);
    // Hand pass, same camera: the hand's pixels span exactly the projected mesh (±2 px per edge).
    const handsPng = decodePng(path.join(out, 'hands', '000.png'));
    const red = pixelBox(handsPng, (r, g, b) => r > g + 20 && r > b + 20);
    const expected = await projectedHandBox(shot, cam);
    expect(red.n).toBeGreaterThan(500);
    expect(Math.abs(red.minX - expected.minX)).toBeLessThanOrEqual(2);
    expect(Math.abs(red.maxX - expected.maxX)).toBeLessThanOrEqual(2);
    expect(Math.abs(red.minY - expected.minY)).toBeLessThanOrEqual(2);
    expect(Math.abs(red.maxY - expected.maxY)).toBeLessThanOrEqual(2);
    // Background of the hand pass is exactly the spec's black outside the hand.
    expect([handsPng[0], handsPng[1], handsPng[2]]).toEqual([0, 0, 0]);
  });
});
