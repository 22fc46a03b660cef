import { describe, expect, it } from 'vitest';
import { namedKeypoints } from '../../../src/shared/hand/keypoints';
import { fingerJoints, getJoint, JOINT_LIMITS, MANO_POSE_LENGTH, manoJointIndex, withJoint, zeroPose } from '../../../src/shared/hand/mano';
import {
  blendPose,
  FINGER_CURL_PROFILE,
  fingerCurl,
  graspPose,
  HAND_PRESETS,
  PRESET_NAMES,
  presetPose,
} from '../../../src/shared/hand/presets';
import { quatAngleBetween, quatFromAxisAngle, type Vec3 } from '../../../src/shared/hand/quat';
import { dist, expectNear, mulberry32, randomPose } from './helpers';

const q = (v: Vec3) => quatFromAxisAngle(v);

describe('presets', () => {
  it('has the named presets, each a 45-value pose within the joint limits', () => {
    expect([...PRESET_NAMES]).toEqual(['open', 'relaxed', 'fist', 'power', 'pinch', 'point', 'hook']);
    for (const name of PRESET_NAMES) {
      const pose = HAND_PRESETS[name];
      expect(pose.fingers, name).toHaveLength(MANO_POSE_LENGTH);
      JOINT_LIMITS.forEach((lim, j) => {
        for (let c = 0; c < 3; c++) {
          const v = pose.fingers[3 * j + c] as number;
          expect(v, `${name} joint ${j} component ${c}`).toBeGreaterThanOrEqual(lim.min[c] as number);
          expect(v, `${name} joint ${j} component ${c}`).toBeLessThanOrEqual(lim.max[c] as number);
        }
      });
    }
    expect(HAND_PRESETS.open.fingers).toEqual(zeroPose().fingers);
  });

  it('hands out copies', () => {
    const p = presetPose('fist');
    p.fingers[0] = 99;
    expect(HAND_PRESETS.fist.fingers[0]).not.toBe(99);
  });
});

describe('blendPose', () => {
  it('returns the endpoints at 0 and 1 (and clamps t)', () => {
    const a = HAND_PRESETS.relaxed;
    const b = HAND_PRESETS.pinch;
    expect(blendPose(a, b, 0).fingers).toEqual(a.fingers);
    expect(blendPose(a, b, 1).fingers).toEqual(b.fingers);
    expect(blendPose(a, b, -3).fingers).toEqual(a.fingers);
    expect(blendPose(a, b, 7).fingers).toEqual(b.fingers);
    expectNear(blendPose(a, b, 1e-12).fingers, a.fingers, 1e-9);
  });

  it('lies between the endpoints at 0.5, per joint', () => {
    const rand = mulberry32(17);
    for (let n = 0; n < 50; n++) {
      const a = randomPose(rand);
      const b = randomPose(rand);
      const m = blendPose(a, b, 0.5);
      for (let j = 0; j < 15; j++) {
        const qa = q(getJoint(a, j));
        const qb = q(getJoint(b, j));
        const qm = q(getJoint(m, j));
        const whole = quatAngleBetween(qa, qb);
        expect(quatAngleBetween(qa, qm)).toBeCloseTo(whole / 2, 9);
        expect(quatAngleBetween(qm, qb)).toBeCloseTo(whole / 2, 9);
      }
    }
    // Pure flexion: the angle itself is halved.
    const half = blendPose(HAND_PRESETS.open, HAND_PRESETS.fist, 0.5);
    expectNear(
      half.fingers,
      HAND_PRESETS.fist.fingers.map((v, i) => (i >= 36 ? (half.fingers[i] as number) : v / 2)),
      1e-12,
    );
  });

  it('interpolates along the short arc, not component-wise', () => {
    const j = manoJointIndex('index', 1);
    // 170 degrees one way and 170 degrees the other way are 20 degrees apart through 180.
    const a = withJoint(zeroPose(), j, [(170 * Math.PI) / 180, 0, 0]);
    const b = withJoint(zeroPose(), j, [(-170 * Math.PI) / 180, 0, 0]);
    const m = getJoint(blendPose(a, b, 0.5), j);
    expect(Math.hypot(...m)).toBeCloseTo(Math.PI, 9);
    expect(quatAngleBetween(q(getJoint(a, j)), q(m))).toBeCloseTo((10 * Math.PI) / 180, 9);
    // A component-wise mix would have given the identity (0), 170 degrees away from both.
    const quarter = getJoint(blendPose(a, b, 0.25), j);
    expect(quatAngleBetween(q(getJoint(a, j)), q(quarter))).toBeCloseTo((5 * Math.PI) / 180, 9);
    // Mixed axes: the result differs from the component-wise average.
    const c = withJoint(zeroPose(), j, [1.2, 0, 0]);
    const d = withJoint(zeroPose(), j, [0, 0, 1.2]);
    const slerped = getJoint(blendPose(c, d, 0.5), j);
    expect(quatAngleBetween(q(slerped), q([0.6, 0, 0.6]))).toBeGreaterThan(1e-3);
  });
});

describe('graspPose', () => {
  it('closes the open hand onto the target grasp', () => {
    expect(graspPose(0).fingers).toEqual(HAND_PRESETS.open.fingers);
    expect(graspPose(1).fingers).toEqual(HAND_PRESETS.power.fingers);
    expect(graspPose(1, 'pinch').fingers).toEqual(HAND_PRESETS.pinch.fingers);
    // Monotonic closing: the pinch gap shrinks as t grows.
    let last = Number.POSITIVE_INFINITY;
    for (let t = 0; t <= 1.0001; t += 0.1) {
      const kp = namedKeypoints(graspPose(t, 'pinch'), 'right');
      const gap = dist(kp.thumb_tip, kp.index_tip);
      expect(gap).toBeLessThan(last + 1e-12);
      last = gap;
    }
    expect(last).toBeLessThan(0.015);
  });
});

describe('fingerCurl', () => {
  it('sets one finger’s flexion, keeps its abduction and twist and the other fingers', () => {
    const rand = mulberry32(4);
    const base = randomPose(rand);
    const curled = fingerCurl(base, 'ring', 0.5);
    const ring = fingerJoints('ring');
    for (let j = 0; j < 15; j++) {
      const before = getJoint(base, j);
      const after = getJoint(curled, j);
      const k = ring.indexOf(j);
      if (k < 0) expect(after).toEqual(before);
      else expect(after).toEqual([0.5 * (FINGER_CURL_PROFILE.ring[k] as number), before[1], before[2]]);
    }
  });

  it('0 straightens, 1 matches the fist, and amounts are clamped', () => {
    const open = zeroPose();
    let pose = open;
    for (const f of ['index', 'middle', 'pinky', 'ring'] as const) pose = fingerCurl(pose, f, 1);
    const fist = HAND_PRESETS.fist.fingers;
    expect(pose.fingers.slice(0, 36)).toEqual(fist.slice(0, 36));
    expect(fingerCurl(HAND_PRESETS.fist, 'index', 0).fingers.slice(0, 9)).toEqual(new Array(9).fill(0));
    expect(fingerCurl(open, 'middle', 5).fingers).toEqual(fingerCurl(open, 'middle', 1).fingers);
    expect(fingerCurl(open, 'middle', -1).fingers).toEqual(open.fingers);
    expect(fingerCurl(open, 'middle', Number.NaN).fingers).toEqual(open.fingers);
  });

  it('brings the curled finger tip towards the wrist', () => {
    for (const side of ['left', 'right'] as const) {
      const open = namedKeypoints(zeroPose(), side);
      const curled = namedKeypoints(fingerCurl(zeroPose(), 'pinky', 1), side);
      expect(dist(curled.pinky_tip, curled.wrist)).toBeLessThan(0.65 * dist(open.pinky_tip, open.wrist));
      expect(curled.index_tip).toEqual(open.index_tip);
    }
  });
});
