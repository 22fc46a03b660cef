import { describe, expect, it } from 'vitest';
import {
  handKeypoints,
  KEYPOINT_COUNT,
  KEYPOINT_NAMES,
  KEYPOINT_TO_WEBXR,
  modelRootTransform,
  namedKeypoints,
  posedModelJoints,
  webXRJointPositions,
  webXRJointTransforms,
} from '../../../src/shared/hand/keypoints';
import { type HandSide, manoJointIndex, type WristTransform, withJoint, zeroPose } from '../../../src/shared/hand/mano';
import { HAND_PRESETS } from '../../../src/shared/hand/presets';
import { type Quat, quatRotate, type Vec3 } from '../../../src/shared/hand/quat';
import { mirrorFrame, mirrorRestSkeleton, REST_SKELETONS, WEBXR_JOINTS } from '../../../src/shared/hand/skeleton';
import { manoToWebXR } from '../../../src/shared/hand/webxr-mapping';
import { dist, expectNear, expectSameRotation, mulberry32, randomPose, randomQuat } from './helpers';

const SIDES: HandSide[] = ['left', 'right'];

/** The wrist transform that puts the hand exactly where the GLB has it (model space). */
function restWrist(side: HandSide): WristTransform {
  return REST_SKELETONS[side].joints[0]?.model as WristTransform;
}

describe('keypoints: order and count', () => {
  it('has 21 keypoints in MANO/OpenPose order', () => {
    expect(KEYPOINT_COUNT).toBe(21);
    expect(KEYPOINT_NAMES).toEqual([
      'wrist',
      'thumb_cmc',
      'thumb_mcp',
      'thumb_ip',
      'thumb_tip',
      'index_mcp',
      'index_pip',
      'index_dip',
      'index_tip',
      'middle_mcp',
      'middle_pip',
      'middle_dip',
      'middle_tip',
      'ring_mcp',
      'ring_pip',
      'ring_dip',
      'ring_tip',
      'pinky_mcp',
      'pinky_pip',
      'pinky_dip',
      'pinky_tip',
    ]);
    expect(KEYPOINT_TO_WEBXR.thumb_cmc).toBe('thumb-metacarpal');
    expect(KEYPOINT_TO_WEBXR.index_mcp).toBe('index-finger-phalanx-proximal');
    for (const side of SIDES) {
      expect(handKeypoints(zeroPose(), side)).toHaveLength(21);
      expect(webXRJointPositions(zeroPose(), side)).toHaveLength(25);
      expect(Object.keys(namedKeypoints(zeroPose(), side))).toEqual([...KEYPOINT_NAMES]);
    }
  });
});

describe('the zero pose is the rest pose', () => {
  it('gives the GLB joint positions and rotations when the wrist is at its rest placement', () => {
    for (const side of SIDES) {
      const rest = REST_SKELETONS[side];
      const joints = webXRJointTransforms(zeroPose(), side, restWrist(side));
      joints.forEach((t, i) => {
        const r = rest.joints[i];
        if (!r) throw new Error('missing joint');
        expectNear(t.position, r.model.position, 1e-12, `${side} ${r.name}`);
        expectSameRotation(t.rotation, r.model.rotation, 1e-12, `${side} ${r.name}`);
      });
      const model = posedModelJoints(zeroPose(), side);
      model.forEach((t, i) => {
        expectNear(t.position, rest.joints[i]?.model.position as Vec3, 1e-12);
      });
      const kp = handKeypoints(zeroPose(), side, restWrist(side));
      KEYPOINT_NAMES.forEach((name, k) => {
        const j = rest.joints[WEBXR_JOINTS.indexOf(KEYPOINT_TO_WEBXR[name])];
        expectNear(kp[k] as Vec3, j?.model.position as Vec3, 1e-12, name);
      });
      // The root of the model then sits at the identity.
      const root = modelRootTransform(side, restWrist(side));
      expectNear(root.position, [0, 0, 0], 1e-12);
      expectSameRotation(root.rotation, [0, 0, 0, 1], 1e-12);
    }
  });

  it('puts the wrist at the wrist transform, fingers along -Z and the back of the hand up for the identity', () => {
    for (const side of SIDES) {
      const kp = namedKeypoints(zeroPose(), side);
      expectNear(kp.wrist, [0, 0, 0], 1e-12);
      expect(kp.middle_tip[2]).toBeLessThan(-0.15);
      expect(Math.abs(kp.middle_tip[0])).toBeLessThan(0.02);
      // The thumb sits on the palm side (-Y), on -X for the right hand and +X for the left.
      expect(kp.thumb_tip[1]).toBeLessThan(-0.02);
      expect(Math.sign(kp.thumb_tip[0])).toBe(side === 'right' ? -1 : 1);
    }
  });

  it('moves rigidly with the wrist transform', () => {
    const rand = mulberry32(11);
    const pose = randomPose(rand);
    const wrist = { position: [0.3, 1.2, -0.4] as Vec3, rotation: randomQuat(rand) };
    for (const side of SIDES) {
      const a = handKeypoints(pose, side);
      const b = handKeypoints(pose, side, wrist);
      expectNear(b[0] as Vec3, wrist.position, 1e-12);
      for (let i = 0; i < 21; i++)
        for (let j = i + 1; j < 21; j++)
          expect(Math.abs(dist(a[i] as Vec3, a[j] as Vec3) - dist(b[i] as Vec3, b[j] as Vec3))).toBeLessThan(1e-12);
    }
  });

  it('keeps bone lengths for any pose', () => {
    const rand = mulberry32(5);
    for (const side of SIDES) {
      const rest = webXRJointPositions(zeroPose(), side);
      const posed = webXRJointPositions(randomPose(rand), side);
      REST_SKELETONS[side].joints.forEach((j, i) => {
        if (j.parent < 0) return;
        expect(dist(posed[i] as Vec3, posed[j.parent] as Vec3)).toBeCloseTo(dist(rest[i] as Vec3, rest[j.parent] as Vec3), 12);
      });
    }
  });
});

describe('presets in keypoints', () => {
  it('fist: every finger tip comes close to the palm, by pure positive flexion', () => {
    for (const side of SIDES) {
      const open = namedKeypoints(zeroPose(), side);
      const fist = namedKeypoints(HAND_PRESETS.fist, side);
      const palm = (['wrist', 'index_mcp', 'middle_mcp', 'ring_mcp', 'pinky_mcp'] as const)
        .map((k) => fist[k])
        .reduce<Vec3>((s, p) => [s[0] + p[0] / 5, s[1] + p[1] / 5, s[2] + p[2] / 5], [0, 0, 0]);
      for (const finger of ['index', 'middle', 'ring', 'pinky'] as const) {
        const tip = `${finger}_tip` as const;
        const shrink = 1 - dist(fist[tip], fist.wrist) / dist(open[tip], open.wrist);
        expect(shrink, `${side} ${finger}`).toBeGreaterThan(0.35);
        expect(dist(fist[tip], palm), `${side} ${finger} tip to palm centre`).toBeLessThan(0.05);
        // Curled under the palm: on the palm side (-Y in the wrist frame) and back behind the knuckle.
        expect(fist[tip][1]).toBeLessThan(fist[`${finger}_mcp`][1] - 0.015);
        expect(fist[tip][2]).toBeGreaterThan(fist[`${finger}_mcp`][2]);
      }
      // The joint rotations are about the bone's flexion axis (-X) with a positive angle.
      const rotations = manoToWebXR(HAND_PRESETS.fist, side);
      for (const finger of ['index', 'middle', 'ring', 'pinky'] as const) {
        for (const k of [1, 2, 3] as const) {
          const j = manoJointIndex(finger, k);
          const flex = HAND_PRESETS.fist.fingers.slice(3 * j, 3 * j + 3);
          expect(flex[0]).toBeGreaterThan(0.5);
          expect(flex[1]).toBe(0);
          expect(flex[2]).toBe(0);
          const name =
            `${finger}-finger-${['phalanx-proximal', 'phalanx-intermediate', 'phalanx-distal'][k - 1]}` as (typeof WEBXR_JOINTS)[number];
          const q = rotations[WEBXR_JOINTS.indexOf(name)] as Quat;
          const s = Math.hypot(q[0], q[1], q[2]);
          expectNear([q[0] / s, q[1] / s, q[2] / s], [-1, 0, 0], 1e-12, name);
          expect(q[3]).toBeGreaterThan(0);
        }
      }
    }
  });

  it('pinch: thumb tip and index tip within 1.5 cm', () => {
    for (const side of SIDES) {
      const kp = namedKeypoints(HAND_PRESETS.pinch, side);
      expect(dist(kp.thumb_tip, kp.index_tip), side).toBeLessThan(0.015);
      // And they meet in front of the palm, not through it.
      expect(kp.index_tip[1]).toBeLessThan(kp.index_mcp[1]);
    }
  });

  it('point: the index stays straight while the other fingers curl', () => {
    for (const side of SIDES) {
      const open = namedKeypoints(zeroPose(), side);
      const point = namedKeypoints(HAND_PRESETS.point, side);
      for (const k of ['index_mcp', 'index_pip', 'index_dip', 'index_tip'] as const) expectNear(point[k], open[k], 1e-12, k);
      for (const finger of ['middle', 'ring', 'pinky'] as const) {
        const tip = `${finger}_tip` as const;
        expect(dist(point[tip], point.wrist) / dist(open[tip], open.wrist)).toBeLessThan(0.65);
      }
    }
  });

  it('hook: knuckles straight, middle and outer joints curled', () => {
    for (const side of SIDES) {
      const open = namedKeypoints(zeroPose(), side);
      const hook = namedKeypoints(HAND_PRESETS.hook, side);
      for (const finger of ['index', 'middle', 'ring', 'pinky'] as const) {
        expectNear(hook[`${finger}_pip`], open[`${finger}_pip`], 1e-12);
        expect(hook[`${finger}_tip`][1]).toBeLessThan(open[`${finger}_tip`][1] - 0.02);
      }
    }
  });

  it('abduction swings towards the thumb and twist rolls the back of the finger towards the little finger, on both hands', () => {
    for (const side of SIDES) {
      // With the identity wrist the thumb side is -X on the right hand and +X on the left.
      const thumbSide = side === 'right' ? -1 : 1;
      const open = namedKeypoints(zeroPose(), side);
      const spread = namedKeypoints(withJoint(zeroPose(), manoJointIndex('index', 1), [0, 0.3, 0]), side);
      expect(Math.sign(spread.index_tip[0] - open.index_tip[0])).toBe(thumbSide);
      const j = WEBXR_JOINTS.indexOf('middle-finger-phalanx-intermediate');
      const rest = webXRJointTransforms(zeroPose(), side)[j]?.rotation as Quat;
      const rolled = webXRJointTransforms(withJoint(zeroPose(), manoJointIndex('middle', 2), [0, 0, 0.3]), side)[j]?.rotation as Quat;
      const up = (q: Quat) => quatRotate(q, [0, 1, 0]);
      expect(Math.sign(up(rolled)[0] - up(rest)[0])).toBe(-thumbSide);
    }
  });

  it('flexing one joint moves only the points after it', () => {
    const pose = withJoint(zeroPose(), manoJointIndex('ring', 2), [0.8, 0, 0]);
    for (const side of SIDES) {
      const open = namedKeypoints(zeroPose(), side);
      const bent = namedKeypoints(pose, side);
      for (const name of KEYPOINT_NAMES) {
        const moved = dist(open[name], bent[name]) > 1e-9;
        expect(moved, name).toBe(name === 'ring_dip' || name === 'ring_tip');
      }
    }
  });
});

describe('left and right are mirror images', () => {
  /** The mirror of a right-hand wrist transform across the world's x = 0 plane. */
  function mirrorWrist(w: WristTransform): WristTransform {
    return { position: [-w.position[0], w.position[1], w.position[2]], rotation: mirrorFrame(w.rotation) };
  }
  const mirror = (p: Vec3): Vec3 => [-p[0], p[1], p[2]];

  it('exactly, on a symmetric skeleton (the left mesh and its mirror image)', () => {
    const left = REST_SKELETONS.left;
    const right = mirrorRestSkeleton(left, 'right');
    const rand = mulberry32(9);
    const poses = [...Object.values(HAND_PRESETS), randomPose(rand), randomPose(rand), randomPose(rand)];
    for (const pose of poses) {
      const w: WristTransform = { position: [rand() - 0.5, rand(), rand() - 0.5], rotation: randomQuat(rand) };
      const r = webXRJointPositions(pose, 'right', w, right).map(mirror);
      const l = webXRJointPositions(pose, 'left', mirrorWrist(w), left);
      r.forEach((p, i) => {
        expectNear(p, l[i] as Vec3, 1e-12, WEBXR_JOINTS[i]);
      });
    }
  });

  it('within the meshes’ own asymmetry on the shipped skeletons', () => {
    const mirror0 = (side: HandSide) => handKeypoints(zeroPose(), side);
    // At rest the two meshes differ by up to ~3.5 mm (the right index knuckle sits further out).
    const restGap = Math.max(...mirror0('right').map((p, i) => dist(mirror(p), mirror0('left')[i] as Vec3)));
    expect(restGap).toBeLessThan(0.005);
    const rand = mulberry32(21);
    for (const pose of [...Object.values(HAND_PRESETS), randomPose(rand), randomPose(rand)]) {
      const w: WristTransform = { position: [0.2, 1.0, -0.3], rotation: randomQuat(rand) };
      const r = handKeypoints(pose, 'right', w).map(mirror);
      const l = handKeypoints(pose, 'left', mirrorWrist(w));
      r.forEach((p, i) => {
        expect(dist(p, l[i] as Vec3), KEYPOINT_NAMES[i]).toBeLessThan(0.008);
      });
    }
  });

  it('mirrors a wrist transform as the docs say (quaternion [x, -y, -z, w])', () => {
    const rand = mulberry32(2);
    const q = randomQuat(rand);
    const right = webXRJointTransforms(zeroPose(), 'right', { position: [0, 0, 0], rotation: q })[0];
    const left = webXRJointTransforms(zeroPose(), 'left', { position: [0, 0, 0], rotation: mirrorFrame(q) })[0];
    expectSameRotation(left?.rotation as Quat, [q[0], -q[1], -q[2], q[3]], 1e-12);
    expectSameRotation(right?.rotation as Quat, q, 1e-12);
  });
});
