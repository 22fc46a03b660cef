import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../src/shared/animation/schema';
import { followJoint, jointFromWrist } from '../../../src/shared/shot/part-follow';
import { jitterTiming, planClip, seededRandom } from '../../../src/shared/synth/clip-plan';

const drawer = { type: 'prismatic' as const, axis: [0, 0, 1] as Vec3, limits: [0, 0.3] as const };
const door = { type: 'revolute' as const, axis: [0, 1, 0] as Vec3, origin: [0, 0, 0] as Vec3, limits: [0, Math.PI / 2] as const };

describe('part follows the grasping hand', () => {
  it('a drawer moves by the wrist displacement along its axis, ignoring sideways motion', () => {
    expect(jointFromWrist(drawer, [0, 1, 0.5], [0.07, 1.02, 0.62])).toBeCloseTo(0.12, 9);
  });

  it('a door turns by the signed angle of the wrist about the hinge', () => {
    // Rotating +x by +45 degrees about +y (right-handed) gives (cos, 0, -sin).
    const a = Math.PI / 4;
    expect(jointFromWrist(door, [1, 1, 0], [Math.cos(a), 1.3, -Math.sin(a)])).toBeCloseTo(a, 9);
    // The wrong way is clamped at the closed limit.
    expect(jointFromWrist(door, [1, 1, 0], [Math.cos(a), 1, Math.sin(a)])).toBe(0);
  });

  it('clamps to the joint limits', () => {
    expect(jointFromWrist(drawer, [0, 0, 0], [0, 0, 0.9])).toBe(0.3);
    expect(jointFromWrist(drawer, [0, 0, 0], [0, 0, -0.2])).toBe(0);
    expect(jointFromWrist(door, [1, 0, 0], [-1, 0, -0.001])).toBeCloseTo(Math.PI / 2, 9);
  });

  it('is at rest before the grasp, follows until the release and holds after it', () => {
    const wrists: Vec3[] = [0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.9].map((z) => [0, 1, 0.5 + z]);
    const joint = followJoint(drawer, wrists, { grasp: 2, release: 5 });
    expect(joint.slice(0, 2)).toEqual([0, 0]);
    expect(joint[2]).toBeCloseTo(0, 9);
    expect(joint[3]).toBeCloseTo(0.1, 9);
    expect(joint[4]).toBeCloseTo(0.15, 9);
    // Held at the last followed value, whatever the hand does after letting go.
    expect(joint.slice(5)).toEqual([joint[4], joint[4], joint[4]]);
  });
});

describe('clip plan', () => {
  it('is the same for the same seed and keeps the beats in order', () => {
    const target = {
      handle: [0, 0.8, 0.5] as Vec3,
      front: [0, 0, 1] as Vec3,
      motion: { type: 'prismatic' as const, axis: [0, 0, 1] as Vec3, distance: 0.3 },
    };
    const input = {
      clip: '00001_00',
      clipSeed: 42,
      frames: 49,
      fps: 8,
      sceneId: null,
      target,
      floor: { min: [-2, -2] as [number, number], max: [2, 2] as [number, number] },
    };
    const a = planClip(input);
    expect(planClip(input)).toEqual(a);
    expect(a.fovY).toBeGreaterThanOrEqual(55);
    expect(a.fovY).toBeLessThanOrEqual(75);
    expect(a.arriveAt).toBeGreaterThanOrEqual(6);
    expect(a.arriveAt).toBeLessThanOrEqual(12);
    const d = Math.hypot(a.from[0] - 0, a.from[2] - 0.5);
    expect(d).toBeGreaterThanOrEqual(1 - 1e-9);
    expect(d).toBeLessThanOrEqual(2.5 + 1e-9);
    for (let s = 0; s < 200; s++) {
      const t = jitterTiming(49, seededRandom(s));
      expect(
        0 <= t.reach && t.reach < t.preGrasp && t.preGrasp < t.grasp && t.grasp < t.pulled && t.pulled < t.release && t.release < 49,
      ).toBe(true);
    }
  });
});
