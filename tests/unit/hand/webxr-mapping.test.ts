import { describe, expect, it } from 'vitest';
import { webXRJointTransforms } from '../../../src/shared/hand/keypoints';
import {
  clampPose,
  HAND_SIDES,
  isHandPose,
  JOINT_LIMITS,
  MANO_JOINTS,
  MANO_POSE_LENGTH,
  manoJointIndex,
  withJoint,
  zeroPose,
} from '../../../src/shared/hand/mano';
import { axisAngleFromQuat, composeTransforms, invertTransform, quatFromAxisAngle, quatRotate } from '../../../src/shared/hand/quat';
import { WEBXR_JOINT_COUNT, WEBXR_JOINTS, WEBXR_PARENTS } from '../../../src/shared/hand/skeleton';
import {
  anatomicalToBone,
  MANO_TO_WEBXR,
  MANO_TO_WEBXR_INDEX,
  manoToWebXR,
  webXRPosesToMano,
  webXRToMano,
} from '../../../src/shared/hand/webxr-mapping';
import { expectNear, expectSameRotation, mulberry32, randomPose, randomQuat } from './helpers';

describe('MANO parameterisation', () => {
  it('uses MANO joint order: index, middle, pinky, ring, thumb, three joints each', () => {
    expect(MANO_JOINTS).toEqual([
      'index1',
      'index2',
      'index3',
      'middle1',
      'middle2',
      'middle3',
      'pinky1',
      'pinky2',
      'pinky3',
      'ring1',
      'ring2',
      'ring3',
      'thumb1',
      'thumb2',
      'thumb3',
    ]);
    expect(manoJointIndex('pinky', 1)).toBe(6);
    expect(manoJointIndex('thumb', 3)).toBe(14);
    expect(zeroPose().fingers).toEqual(new Array(MANO_POSE_LENGTH).fill(0));
  });

  it('validates and clamps poses', () => {
    expect(isHandPose(zeroPose())).toBe(true);
    expect(isHandPose({ fingers: [1, 2] })).toBe(false);
    expect(isHandPose({ fingers: [...zeroPose().fingers.slice(1), Number.NaN] })).toBe(false);
    const wild = { fingers: zeroPose().fingers.map((_, i) => (i % 2 ? 10 : -10)) };
    const clamped = clampPose(wild);
    JOINT_LIMITS.forEach((lim, j) => {
      for (let c = 0; c < 3; c++) {
        const v = clamped.fingers[3 * j + c] as number;
        expect(v).toBeGreaterThanOrEqual(lim.min[c] as number);
        expect(v).toBeLessThanOrEqual(lim.max[c] as number);
      }
    });
  });
});

describe('manoToWebXR', () => {
  it('maps each MANO joint to the WebXR joint at the base of the bone it turns', () => {
    expect(MANO_TO_WEBXR.index1).toBe('index-finger-phalanx-proximal');
    expect(MANO_TO_WEBXR.pinky3).toBe('pinky-finger-phalanx-distal');
    expect(MANO_TO_WEBXR.thumb1).toBe('thumb-metacarpal');
    expect(MANO_TO_WEBXR.thumb3).toBe('thumb-phalanx-distal');
    expect(new Set(MANO_TO_WEBXR_INDEX).size).toBe(15);
    // Each finger's chain follows the kinematic parents.
    for (const f of ['index', 'middle', 'pinky', 'ring', 'thumb'] as const) {
      const [a, b, c] = [1, 2, 3].map((k) => MANO_TO_WEBXR_INDEX[manoJointIndex(f, k as 1 | 2 | 3)] as number);
      expect(WEBXR_PARENTS[b as number]).toBe(a);
      expect(WEBXR_PARENTS[c as number]).toBe(b);
    }
  });

  it('gives the identity everywhere for the zero pose (the rest pose)', () => {
    for (const side of HAND_SIDES) {
      const rotations = manoToWebXR(zeroPose(), side);
      expect(rotations).toHaveLength(WEBXR_JOINT_COUNT);
      for (const q of rotations) expectSameRotation(q, [0, 0, 0, 1], 1e-15);
    }
  });

  it('keeps wrist, finger metacarpals and tips fixed for any pose', () => {
    const rand = mulberry32(7);
    const fixed = WEBXR_JOINTS.map((n, i) => [n, i] as const).filter(
      ([n]) => n === 'wrist' || n.endsWith('-tip') || (n.endsWith('metacarpal') && !n.startsWith('thumb')),
    );
    expect(fixed).toHaveLength(10);
    for (const side of HAND_SIDES) {
      const rotations = manoToWebXR(randomPose(rand), side);
      for (const [name, i] of fixed) expectSameRotation(rotations[i] as [number, number, number, number], [0, 0, 0, 1], 0, name);
    }
  });

  it('turns positive flexion about the bone -X axis on both hands, abduction and twist mirrored', () => {
    // Flexion: -Z (along the bone) swings towards -Y (the palm side).
    for (const side of HAND_SIDES) {
      const q = anatomicalToBone([0.4, 0, 0], side);
      expectNear(axisAngleFromQuat(q), [-0.4, 0, 0], 1e-12, side);
      const tip = quatRotate(q, [0, 0, -1]);
      expect(tip[1]).toBeLessThan(0);
    }
    expectNear(axisAngleFromQuat(anatomicalToBone([0, 0.3, 0], 'right')), [0, 0.3, 0], 1e-12);
    expectNear(axisAngleFromQuat(anatomicalToBone([0, 0.3, 0], 'left')), [0, -0.3, 0], 1e-12);
    expectNear(axisAngleFromQuat(anatomicalToBone([0, 0, 0.2], 'right')), [0, 0, -0.2], 1e-12);
    expectNear(axisAngleFromQuat(anatomicalToBone([0, 0, 0.2], 'left')), [0, 0, 0.2], 1e-12);
    // Placed on the right joint.
    const pose = withJoint(zeroPose(), manoJointIndex('middle', 2), [0.5, 0, 0]);
    const rotations = manoToWebXR(pose, 'right');
    const i = WEBXR_JOINTS.indexOf('middle-finger-phalanx-intermediate');
    expectNear(axisAngleFromQuat(rotations[i] as [number, number, number, number]), [-0.5, 0, 0], 1e-12);
  });

  it('round-trips through webXRToMano within 1e-6 for random poses within the joint limits', () => {
    const rand = mulberry32(42);
    for (let n = 0; n < 200; n++) {
      const pose = randomPose(rand);
      for (const side of HAND_SIDES) {
        const back = webXRToMano(manoToWebXR(pose, side), side);
        expectNear(back.fingers, pose.fingers, 1e-6, `pose ${n} ${side}`);
      }
    }
  });

  it('rejects a rotation list of the wrong length', () => {
    expect(() => webXRToMano([[0, 0, 0, 1]], 'left')).toThrow(/25/);
  });
});

describe('webXRPosesToMano (import from tracked joint poses)', () => {
  it('recovers wrist and pose from the forward-kinematics joint poses', () => {
    const rand = mulberry32(3);
    for (let n = 0; n < 20; n++) {
      const pose = randomPose(rand);
      const wrist = { position: [rand() - 0.5, rand() + 0.5, rand() - 0.5] as [number, number, number], rotation: randomQuat(rand) };
      for (const side of HAND_SIDES) {
        const joints = webXRJointTransforms(pose, side, wrist);
        const back = webXRPosesToMano(joints, side);
        expectNear(back.pose.fingers, pose.fingers, 1e-6, `pose ${n} ${side}`);
        expectNear(back.wrist.position, wrist.position, 1e-12);
        expectSameRotation(back.wrist.rotation, wrist.rotation, 1e-12);
      }
    }
  });

  it('folds a tracked metacarpal deviation into the knuckle', () => {
    const joints = webXRJointTransforms(zeroPose(), 'right');
    const meta = WEBXR_JOINTS.indexOf('index-finger-metacarpal');
    const base = joints[meta];
    if (!base) throw new Error('no metacarpal');
    // Flex the index metacarpal (and the finger on it) by 0.2 rad about its own -X axis.
    const bend = composeTransforms(
      composeTransforms(base, { position: [0, 0, 0], rotation: quatFromAxisAngle([-0.2, 0, 0]) }),
      invertTransform(base),
    );
    const moved = joints.map((j, i) => (i >= meta && i <= meta + 4 ? composeTransforms(bend, j) : j));
    const { pose } = webXRPosesToMano(moved, 'right');
    expect(pose.fingers[0]).toBeGreaterThan(0.15);
    expect(pose.fingers[0]).toBeLessThan(0.25);
    expectNear(pose.fingers.slice(3), zeroPose().fingers.slice(3), 1e-9);
  });
});
