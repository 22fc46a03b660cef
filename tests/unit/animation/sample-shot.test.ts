import { describe, expect, it } from 'vitest';
import { sampleQuat, sampleShot, sampleShotFrames, sampleVec3 } from '../../../src/shared/animation/sample';
import { type Quat, Shot, type Vec3 } from '../../../src/shared/animation/schema';
import { channelOf, deepFreeze, emptyShot, expectClose, mulberry32, quatAxisAngle, randomUnitQuat } from './helpers';

/** A busy but ordinary shot: every channel keyed, bezier motion, a few keys per channel. */
function typicalShot(seed = 41): Shot {
  const rand = mulberry32(seed);
  const frames = [0, 10, 20, 30, 40, 48];
  const vec = (): Vec3 => [rand() * 2 - 1, 1 + rand(), rand() * 2 - 1];
  const pose = () => Array.from({ length: 45 }, () => (rand() - 0.5) * 0.8);
  const hand = () => ({
    wristPosition: channelOf(frames.map((f) => [f, vec()] as [number, Vec3])),
    wristRotation: channelOf(frames.map((f) => [f, randomUnitQuat(rand)] as [number, Quat])),
    fingers: channelOf(frames.map((f) => [f, pose()] as [number, number[]])),
    visible: channelOf<boolean>(
      [
        [0, true],
        [30, false],
      ],
      'hold',
    ),
  });
  const shot: Shot = {
    ...emptyShot(49),
    camera: {
      position: channelOf(frames.map((f) => [f, vec()] as [number, Vec3])),
      rotation: channelOf(frames.map((f) => [f, quatAxisAngle([rand() - 0.5, 1, rand() - 0.5], rand() * 2)] as [number, Quat])),
      fovY: channelOf([
        [0, 60],
        [48, 45],
      ]),
    },
    hands: { left: hand(), right: hand() },
  };
  return deepFreeze(Shot.parse(shot));
}

describe('sampleShot', () => {
  it('fills empty channels with defaults: camera at eye height looking down -Z, hands hidden at rest', () => {
    const pose = sampleShot(deepFreeze(emptyShot()), 12.5);
    expect(pose.camera).toEqual({ position: [0, 1.6, 2], rotation: [0, 0, 0, 1], fovY: 60 });
    for (const hand of [pose.hands.left, pose.hands.right]) {
      expect(hand.visible).toBe(false);
      expect(hand.fingers).toEqual(new Array(45).fill(0));
      expect(hand.wristPosition).toEqual([0, 0, 0]);
      expect(hand.wristRotation).toEqual([0, 0, 0, 1]);
    }
    // Defaults are fresh objects each time.
    pose.camera.position[0] = 5;
    expect(sampleShot(emptyShot(), 0).camera.position).toEqual([0, 1.6, 2]);
  });

  it('samples every channel, at fractional frames too, agreeing with the channel samplers', () => {
    const shot = typicalShot();
    const pose = sampleShot(shot, 12.5);
    expectClose(pose.camera.position, sampleVec3(shot.camera.position, 12.5) as Vec3, 12);
    expectClose(pose.camera.rotation, sampleQuat(shot.camera.rotation, 12.5) as Quat, 12);
    expect(pose.camera.fovY).toBeGreaterThan(45);
    expect(pose.camera.fovY).toBeLessThan(60);
    expect(pose.hands.left.visible).toBe(true);
    expect(sampleShot(shot, 30).hands.right.visible).toBe(false);
    expect(pose.hands.right.fingers).toHaveLength(45);
  });

  it('sampleShotFrames gives one pose per integer frame, equal to sampleShot at that frame', () => {
    const shot = typicalShot();
    const poses = sampleShotFrames(shot);
    expect(poses).toHaveLength(shot.frames);
    for (const f of [0, 1, 17, 29, 48]) expect(poses[f]).toEqual(sampleShot(shot, f));
    expect(sampleShotFrames(deepFreeze(emptyShot(2)))).toHaveLength(2);
  });

  it('samples all tracks of a 49-frame shot, the same every time', () => {
    // Its speed (about 0.3 ms per shot) is a benchmark figure, printed by `npm run bench -- timeline`,
    // not asserted here: a timed unit test fails on a loaded machine without anything being wrong.
    const shot = typicalShot();
    const first = sampleShotFrames(shot);
    expect(first.length).toBe(49);
    for (let i = 0; i < 20; i++) expect(sampleShotFrames(shot)).toEqual(first);
  });
});
