import { describe, expect, it } from 'vitest';
import { describeRoom, type RoomPartDescription } from '../../../src/main/services/scenes/room-generator';
import { sampleShotFrames } from '../../../src/shared/animation/sample';
import type { Vec3 } from '../../../src/shared/animation/schema';
import { handKeypoints } from '../../../src/shared/hand/keypoints';
import { partKindOf } from '../../../src/shared/scene/part-kind';
import { createShot } from '../../../src/shared/shot/create-shot';
import { defaultTiming, type GraspTarget, graspAndOpen, graspTargetOf, motionKind } from '../../../src/shared/shot/grasp-and-open';
import { followJoint } from '../../../src/shared/shot/part-follow';
import { clipBeatNames, clipTimingProblem } from '../../../src/shared/synth/clip-meta';
import { clipPrompt, clipTiming, planClip } from '../../../src/shared/synth/clip-plan';

/**
 * Lids and lifted objects from the procedural rooms, through the same chain the training-clip
 * renderer runs: the part's grasp target, the grasp-and-open keys, the sampled wrist, and the
 * joint value that follows it.
 */

const FRAMES = 49;
let n = 0;
const newId = () => `k${++n}`;
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - (b[i] as number)));

function rotateAbout(p: Vec3, axis: Vec3, origin: Vec3, angle: number): Vec3 {
  const v = sub(p, origin);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const k = axis;
  const kv = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  const x: Vec3 = [k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]];
  return [0, 1, 2].map(
    (i) => (origin[i] as number) + (v[i] as number) * c + (x[i] as number) * s + (k[i] as number) * kv * (1 - c),
  ) as Vec3;
}

/** A room seed whose generated room has a chest lid and something to lift. */
const SEED = (() => {
  for (let s = 1; s < 100; s++) {
    const d = describeRoom(s);
    if (d.parts.some((p) => p.node === 'chest_lid') && d.parts.some((p) => p.parent === null)) return s;
  }
  throw new Error('no room with a lid and a lift');
})();
const room = describeRoom(SEED);
const lid = room.parts.find((p) => p.node === 'chest_lid') as RoomPartDescription;
const lift = room.parts.find((p) => p.parent === null) as RoomPartDescription;

/** The part's grasp target from its world-space description (the renderer maps the joint from its parent space the same way). */
function targetOf(p: RoomPartDescription): GraspTarget {
  const id = (v: readonly number[]) => [...v] as Vec3;
  return graspTargetOf({ type: p.type, axis: p.axisWorld, origin: p.originWorld, limits: p.joint.limits, handle: p.handleWorld }, id, id);
}

function blankShot() {
  return createShot({ id: '11111111-1111-4111-8111-111111111111', name: 'S', frames: FRAMES, fps: 8, sceneId: null, newKeyId: newId });
}

describe('part kinds', () => {
  it('tells drawers, doors, lids and lifts apart by the joint axis', () => {
    expect(partKindOf('prismatic', [0, 0, 1])).toBe('drawer');
    expect(partKindOf('prismatic', [0, 1, 0])).toBe('lift');
    expect(partKindOf('revolute', [0, -1, 0])).toBe('door');
    expect(partKindOf('revolute', [-1, 0, 0])).toBe('lid');
    // A Z-up file: up is +Z in its own axes.
    expect(partKindOf('prismatic', [0, 0, 1], [0, 0, 1])).toBe('lift');
    expect(partKindOf('revolute', [0, 0, 1], [0, 0, 1])).toBe('door');
    expect(motionKind(targetOf(lid).motion)).toBe('lid');
    expect(motionKind(targetOf(lift).motion)).toBe('lift');
  });
});

describe('a chest lid lifted open by the hand', () => {
  const target = targetOf(lid);
  const motion = target.motion as Extract<GraspTarget['motion'], { type: 'revolute' }>;
  const shot = graspAndOpen(blankShot(), { side: 'right', target, newId });
  const t = defaultTiming(FRAMES, 'lid');
  const poses = sampleShotFrames(shot);
  const wrists = poses.map((p) => p.hands.right.wristPosition);
  const joint = followJoint({ type: 'revolute', axis: motion.axis, origin: motion.origin, limits: lid.joint.limits }, wrists, t);

  it('is grasped from the front of the chest and swings about its level hinge', () => {
    for (let i = 0; i < 3; i++) expect(target.front[i]).toBeCloseTo(lid.frontWorld[i] as number, 6);
    expect(target.front[1]).toBe(0);
    expect(Math.abs(motion.axis[1])).toBeLessThan(1e-9);
    expect(motion.angle).toBeCloseTo(lid.joint.limits[1], 9);
    expect(lid.joint.limits[1]).toBeGreaterThan(1.2);
  });

  it('stays shut until the grasp, then its angle rises with the wrist and holds after the release', () => {
    expect(joint.slice(0, t.grasp).every((v) => v === 0)).toBe(true);
    for (let f = t.grasp + 1; f <= t.pulled; f++) expect(joint[f] as number).toBeGreaterThanOrEqual((joint[f - 1] as number) - 1e-6);
    expect(joint[t.pulled]).toBeCloseTo(lid.joint.limits[1], 1);
    // Let go: the hand backs off along the open lid, which keeps (nearly) its angle.
    expect(Math.abs((joint[FRAMES - 1] as number) - (joint[t.pulled] as number))).toBeLessThan(0.08);
    expect(joint[FRAMES - 1]).toBeGreaterThan(1.2);
  });

  it("keeps the wrist on the lid's front edge while it opens", () => {
    const grasp = wrists[t.grasp] as Vec3;
    for (let f = t.grasp; f <= t.pulled; f++) {
      // Where the grasp pose goes when the lid turns by the followed angle: the wrist is there.
      const carried = rotateAbout(grasp, motion.axis, motion.origin, joint[f] as number);
      expect(dist(wrists[f] as Vec3, carried), `frame ${f}`).toBeLessThan(0.01);
      // The curled index fingertip is at the lid's handle, turned with the lid.
      const hand = poses[f]?.hands.right;
      if (!hand) throw new Error('no pose');
      const tips = handKeypoints({ fingers: hand.fingers }, 'right', { position: hand.wristPosition, rotation: hand.wristRotation });
      const handle = rotateAbout(target.handle, motion.axis, motion.origin, joint[f] as number);
      expect(dist(tips[8] as number[], handle), `frame ${f}`).toBeLessThan(0.06);
    }
    // The lid really rises: its handle ends well above where it started.
    const top = rotateAbout(target.handle, motion.axis, motion.origin, joint[t.pulled] as number);
    expect(top[1] - target.handle[1]).toBeGreaterThan(0.3);
  });
});

describe('a loose object lifted and set back down', () => {
  const target = targetOf(lift);
  const motion = target.motion as Extract<GraspTarget['motion'], { type: 'prismatic' }>;
  const shot = graspAndOpen(blankShot(), { side: 'left', target, newId });
  const t = defaultTiming(FRAMES, 'lift');
  const poses = sampleShotFrames(shot);
  const wrists = poses.map((p) => p.hands.left.wristPosition);
  const joint = followJoint({ type: 'prismatic', axis: motion.axis, limits: lift.joint.limits }, wrists, t);

  it('is taken by its side, facing the person, and goes straight up', () => {
    for (let i = 0; i < 3; i++) expect(target.front[i]).toBeCloseTo(lift.frontWorld[i] as number, 4);
    expect(motion.axis).toEqual([0, 1, 0]);
    expect(motion.distance).toBe(0.25);
    expect(t.setDown).toBeGreaterThan(t.pulled);
    expect(t.setDown).toBeLessThan(t.release);
  });

  it("rises and falls with the wrist's height, and rests again before the hand lets go", () => {
    const y0 = (wrists[t.grasp] as Vec3)[1];
    expect(joint.slice(0, t.grasp).every((v) => v === 0)).toBe(true);
    for (let f = t.grasp; f < t.release; f++) {
      const up = Math.min(0.25, Math.max(0, (wrists[f] as Vec3)[1] - y0));
      expect(joint[f], `frame ${f}`).toBeCloseTo(up, 9);
    }
    expect(joint[t.pulled]).toBeCloseTo(0.25, 6);
    expect(Math.max(...joint)).toBeLessThanOrEqual(0.25);
    expect(joint.slice(t.setDown).every((v) => Math.abs(v) < 1e-9)).toBe(true);
  });

  it('holds the object at the top: the fingertips are at the lifted grasp point', () => {
    const hand = poses[t.pulled]?.hands.left;
    if (!hand) throw new Error('no pose');
    const tips = handKeypoints({ fingers: hand.fingers }, 'left', { position: hand.wristPosition, rotation: hand.wristRotation });
    const lifted: Vec3 = [target.handle[0], target.handle[1] + (joint[t.pulled] as number), target.handle[2]];
    expect(dist(tips[8] as number[], lifted)).toBeLessThan(0.06);
    expect(dist(tips[12] as number[], lifted)).toBeLessThan(0.06);
    // Fingers open again once the object is down.
    expect(poses[t.release]?.hands.left.fingers).not.toEqual(hand.fingers);
  });
});

describe('clip plans for lids and lifts', () => {
  const floor = {
    min: [-room.size.width / 2, -room.size.depth / 2] as [number, number],
    max: [room.size.width / 2, room.size.depth / 2] as [number, number],
  };
  const plan = (p: RoomPartDescription, clipSeed: number) =>
    planClip({ clip: '00001_00', clipSeed, frames: FRAMES, fps: 8, sceneId: null, target: targetOf(p), floor });

  it('names the beats by what the hand does, in order, inside the clip', () => {
    expect(clipBeatNames('drawer')).toContain('pulled');
    for (let s = 0; s < 100; s++) {
      const l = plan(lid, s);
      expect(l.kind).toBe('lid');
      const lt = clipTiming('lid', l.timing);
      expect(lt).not.toHaveProperty('pulled');
      expect(lt.lifted).toBe(l.timing.pulled);
      expect(clipTimingProblem('lid', lt, FRAMES)).toBeNull();
      const o = plan(lift, s);
      expect(o.kind).toBe('lift');
      const ot = clipTiming('lift', o.timing);
      expect(Object.keys(ot)).toEqual(['reach', 'preGrasp', 'grasp', 'lifted', 'setDown', 'release']);
      expect(clipTimingProblem('lift', ot, FRAMES)).toBeNull();
      // The other kinds' names are refused for them.
      expect(clipTimingProblem('drawer', ot, FRAMES)).toMatch(/pulled/);
      expect(clipTimingProblem('lift', { ...ot, setDown: ot.release }, FRAMES)).toMatch(/must be/);
    }
  });

  it('opens the lid by half to all of its range, and writes prompts that say lift', () => {
    const angles = Array.from({ length: 40 }, (_, s) => plan(lid, s).amount * lid.joint.limits[1]);
    expect(Math.min(...angles)).toBeGreaterThanOrEqual(0.5 * lid.joint.limits[1] - 1e-9);
    expect(Math.max(...angles)).toBeLessThanOrEqual(lid.joint.limits[1] + 1e-9);
    expect(clipPrompt('right', 'lid', 'Toy box lid')).toBe(
      'The right hand reaches for the toy box lid, grasps its front edge and lifts it open.',
    );
    expect(clipPrompt('left', 'lift', 'Basket')).toBe('The left hand reaches for the basket, lifts it up and puts it back down.');
  });
});
