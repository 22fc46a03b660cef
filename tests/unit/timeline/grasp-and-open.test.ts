import { describe, expect, it } from 'vitest';
import { describeRoom } from '../../../src/main/services/scenes/room-generator';
import { SAMPLE_ROOM_SEED, sampleRoomDemoShot } from '../../../src/main/services/scenes/sample-room';
import { sampleShot } from '../../../src/shared/animation/sample';
import { Shot } from '../../../src/shared/animation/schema';
import { handKeypoints } from '../../../src/shared/hand/keypoints';
import { createShot } from '../../../src/shared/shot/create-shot';
import { defaultTiming, type GraspTarget, graspAndOpen } from '../../../src/shared/shot/grasp-and-open';

let n = 0;
const newId = () => `id${++n}`;
const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - (b[i] as number)));

function blankShot() {
  return createShot({ id: '11111111-1111-4111-8111-111111111111', name: 'S', frames: 49, fps: 8, sceneId: null, newKeyId: newId });
}

const drawer: GraspTarget = {
  handle: [0.45, 0.67, -1.26],
  front: [0, 0, 1],
  motion: { type: 'prismatic', axis: [0, 0, 1], distance: 0.3 },
};

describe('grasp-and-open helper', () => {
  it('writes reach, pre-grasp, grasp, pull and release keys that close the fingers on the handle', () => {
    const shot = Shot.parse(graspAndOpen(blankShot(), { side: 'right', target: drawer, newId }));
    const t = defaultTiming(49);
    expect(shot.hands.right.wristPosition.keys.map((k) => k.frame)).toEqual([t.reach, t.preGrasp, t.grasp, t.pulled, t.release]);
    const atGrasp = sampleShot(shot, t.grasp).hands.right;
    expect(atGrasp.visible).toBe(true);
    expect(sampleShot(shot, 0).hands.right.visible).toBe(false);
    // The curled fingertips of index and middle end up around the handle (within 5 cm).
    const keypoints = handKeypoints({ fingers: atGrasp.fingers }, 'right', {
      position: atGrasp.wristPosition,
      rotation: atGrasp.wristRotation,
    });
    const indexTip = keypoints[8] as number[];
    const middleTip = keypoints[12] as number[];
    expect(dist(indexTip, drawer.handle)).toBeLessThan(0.05);
    expect(dist(middleTip, drawer.handle)).toBeLessThan(0.05);
    // Opening moves the wrist by the pull distance along the axis, orientation unchanged.
    const atPulled = sampleShot(shot, t.pulled).hands.right;
    const moved = atPulled.wristPosition.map((v, i) => v - (atGrasp.wristPosition[i] as number));
    expect(moved[0]).toBeCloseTo(0, 9);
    expect(moved[1]).toBeCloseTo(0, 9);
    expect(moved[2]).toBeCloseTo(0.3, 9);
    // The fingers are open again after the release.
    expect(sampleShot(shot, t.release).hands.right.fingers).not.toEqual(atGrasp.fingers);
  });

  it('follows the arc of a door rather than its chord', () => {
    const door: GraspTarget = {
      handle: [1, 1, 0],
      front: [0, 0, 1],
      motion: { type: 'revolute', axis: [0, 1, 0], origin: [0.5, 0, 0], angle: -Math.PI / 2 },
    };
    const shot = graspAndOpen(blankShot(), { side: 'left', target: door, newId });
    const t = defaultTiming(49);
    const hinge = [0.5, 1.03];
    const radius = (f: number) => {
      const p = sampleShot(shot, f).hands.left.wristPosition;
      return Math.hypot(p[0] - (hinge[0] as number), p[2]);
    };
    const r0 = radius(t.grasp);
    for (const f of [t.grasp + 3, Math.round((t.grasp + t.pulled) / 2), t.pulled]) expect(radius(f)).toBeCloseTo(r0, 1);
  });

  it("gives every new project's demo shot a camera approach and a right hand on the sample room's top drawer", () => {
    const shot = Shot.parse(sampleRoomDemoShot('22222222-2222-4222-8222-222222222222', { frames: 49, fps: 8 }));
    const handle = describeRoom(SAMPLE_ROOM_SEED).parts.find((p) => p.node === 'dresser_drawer_top')?.handleWorld as number[];
    const t = defaultTiming(49);
    const hand = sampleShot(shot, t.grasp).hands.right;
    const tips = handKeypoints({ fingers: hand.fingers }, 'right', { position: hand.wristPosition, rotation: hand.wristRotation });
    expect(dist(tips[8] as number[], handle)).toBeLessThan(0.05);
    // The camera ends up near the dresser, looking at the handle (the handle is in front of it).
    const cam = sampleShot(shot, t.grasp).camera;
    expect(dist(cam.position, handle)).toBeLessThan(1.3);
    const [x, y, z, w] = cam.rotation;
    const forward = [-(2 * (x * z + w * y)), -(2 * (y * z - w * x)), -(1 - 2 * (x * x + y * y))];
    const toHandle = handle.map((v, i) => v - (cam.position[i] as number));
    const cos = forward.reduce((s, v, i) => s + v * (toHandle[i] as number), 0) / Math.hypot(...toHandle);
    expect(cos).toBeGreaterThan(0.95);
  });
});
