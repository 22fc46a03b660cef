import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeIO } from '@gltf-transform/core';
import { describe, expect, it } from 'vitest';
import { REST_SKELETON_DATA, REST_SKELETON_SOURCE } from '../../../src/shared/hand/rest-skeleton';
import { REST_SKELETONS, WEBXR_JOINTS, WEBXR_PARENTS } from '../../../src/shared/hand/skeleton';
import { expectNear } from './helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HANDS = path.join(ROOT, 'resources', 'hands');

describe('shipped hand meshes', () => {
  it('are small, licensed and documented', () => {
    for (const side of ['left', 'right'] as const) {
      const size = statSync(path.join(HANDS, `${side}.glb`)).size;
      expect(size).toBeGreaterThan(50_000);
      expect(size).toBeLessThan(300_000);
    }
    expect(readFileSync(path.join(HANDS, 'LICENSE-webxr-input-profiles-assets.txt'), 'utf8')).toMatch(/MIT License/);
    const readme = readFileSync(path.join(HANDS, 'README.md'), 'utf8');
    expect(readme).toContain(REST_SKELETON_SOURCE.package);
    expect(readme).toContain(`version ${REST_SKELETON_SOURCE.version}`);
  });

  it('match the sha256 recorded in the generated skeleton', () => {
    for (const side of ['left', 'right'] as const) {
      const hash = createHash('sha256')
        .update(readFileSync(path.join(HANDS, `${side}.glb`)))
        .digest('hex');
      expect(hash, side).toBe(REST_SKELETON_SOURCE.sha256[side]);
    }
  });

  it('hold the 25 WebXR joints with the rest transforms of rest-skeleton.ts', async () => {
    const io = new NodeIO();
    for (const side of ['left', 'right'] as const) {
      const doc = await io.read(path.join(HANDS, `${side}.glb`));
      const skins = doc.getRoot().listSkins();
      expect(skins).toHaveLength(1);
      const joints = new Map(skins[0]?.listJoints().map((n) => [n.getName(), n]));
      expect([...joints.keys()].sort()).toEqual([...WEBXR_JOINTS].sort());
      const data = REST_SKELETON_DATA[side];
      for (const name of WEBXR_JOINTS) {
        const node = joints.get(name);
        if (!node) throw new Error(`${side}: no ${name}`);
        // Flat skeleton: each bone hangs off the root, whose transform is the identity.
        const parent = node.getParentNode();
        expect(parent?.getTranslation()).toEqual([0, 0, 0]);
        expect(parent?.getRotation()).toEqual([0, 0, 0, 1]);
        expectNear(data.joints[name].position, node.getTranslation(), 1e-7, `${side} ${name} position`);
        expectNear(data.joints[name].rotation, node.getRotation(), 1e-7, `${side} ${name} rotation`);
      }
      const mesh = doc
        .getRoot()
        .listNodes()
        .find((n) => n.getSkin());
      expect(mesh?.getName()).toBe(data.meshNode);
    }
  });

  it('have bone frames that follow the WebXR convention (-Z along the bone, +Y out of the back of the hand)', () => {
    for (const side of ['left', 'right'] as const) {
      const rest = REST_SKELETONS[side];
      rest.joints.forEach((j, i) => {
        if (j.name === 'wrist') return;
        const child = rest.joints.findIndex((c) => c.parent === i);
        if (child < 0) return;
        const to = rest.joints[child]?.local.position as [number, number, number];
        const len = Math.hypot(...to);
        // The child sits along the bone's -Z, within 6 degrees.
        expect(-to[2] / len, `${side} ${j.name}`).toBeGreaterThan(Math.cos((6 * Math.PI) / 180));
      });
      // Kinematic chain: metacarpals hang off the wrist, the rest off their predecessor.
      expect(WEBXR_PARENTS[0]).toBe(-1);
      expect(WEBXR_PARENTS[WEBXR_JOINTS.indexOf('pinky-finger-metacarpal')]).toBe(0);
      expect(WEBXR_PARENTS[WEBXR_JOINTS.indexOf('pinky-finger-tip')]).toBe(WEBXR_JOINTS.indexOf('pinky-finger-phalanx-distal'));
    }
  });
});
