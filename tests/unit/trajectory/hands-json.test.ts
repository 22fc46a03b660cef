import { describe, expect, it } from 'vitest';
import { exportHandsJson, importHandsJson, MANO_JOINT_NAMES } from '../../../src/shared/trajectory/hands-json';
import { axisAngleToQuat, quatAngleBetween } from '../../../src/shared/trajectory/math';
import type { HandFrame } from '../../../src/shared/trajectory/types';
import { maxAbsDiff, randomHandFrames, trajectoryError } from './helpers';

// biome-ignore lint/suspicious/noExplicitAny: tests poke at parsed JSON freely
type Json = any;

function exported(count = 6, seed = 31): { left: HandFrame[]; right: HandFrame[]; text: string; json: Json } {
  const left = randomHandFrames(seed, count, true);
  const right = randomHandFrames(seed + 1, count, false);
  const text = exportHandsJson({ left, right }, { fps: 8 });
  return { left, right, text, json: JSON.parse(text) };
}

function importEdited(edit: (json: Json) => void, expected = {}): () => unknown {
  const { json } = exported();
  edit(json);
  return () => importHandsJson(JSON.stringify(json), expected);
}

function expectSameHands(a: HandFrame[], b: HandFrame[]): void {
  expect(a).toHaveLength(b.length);
  a.forEach((f, i) => {
    const o = b[i] as HandFrame;
    expect(f.visible).toBe(o.visible);
    expect(quatAngleBetween(f.wristRotation, o.wristRotation)).toBeLessThan(1e-9);
    expect(maxAbsDiff(f.wristPosition, o.wristPosition)).toBeLessThan(1e-9);
    expect(maxAbsDiff(f.fingers, o.fingers)).toBe(0);
    if (o.shape === undefined) expect(f.shape).toBeUndefined();
    else expect(f.shape).toEqual(o.shape);
  });
}

describe('hands JSON export', () => {
  it('spells out the convention and writes MANO parameters for both hands', () => {
    const { json, left } = exported(3);
    expect(json.format).toBe('dwm-studio.hands');
    expect(json.version).toBe(1);
    expect(json.fps).toBe(8);
    expect(json.frame_count).toBe(3);
    const c = json.convention;
    expect(c.world).toMatchObject({ handedness: 'right', up: '+y', units: 'metres' });
    expect(c.angle_units).toBe('radians');
    expect(c.global_orient).toMatchObject({ parameterisation: 'axis-angle', frame: 'world', wrist_frame: 'webxr' });
    expect(c.global_orient.description).toMatch(/not MANO's template frame/);
    expect(c.transl.point).toBe('wrist');
    expect(c.hand_pose).toMatchObject({
      parameterisation: 'axis-angle',
      joints: 15,
      values_per_joint: 3,
      flat_hand_mean: true,
      use_pca: false,
    });
    expect(c.joint_names).toEqual([
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
    expect(c.description).toMatch(/no Euler angle order/);
    const f = json.frames[2];
    expect(f.frame).toBe(2);
    for (const side of ['left', 'right']) {
      expect(Object.keys(f[side]).sort()).toEqual(['betas', 'global_orient', 'hand_pose', 'transl', 'visible']);
      expect(f[side].global_orient).toHaveLength(3);
      expect(f[side].transl).toHaveLength(3);
      expect(f[side].hand_pose).toHaveLength(45);
      expect(f[side].betas).toHaveLength(10);
    }
    expect(f.right.betas).toEqual(new Array(10).fill(0));
    expect(f.left.transl).toEqual(left[2]?.wristPosition);
    expect(f.left.hand_pose).toEqual(left[2]?.fingers);
  });

  it('global_orient is the axis-angle of the wrist rotation (angle <= pi)', () => {
    const hand: HandFrame = {
      visible: true,
      wristPosition: [0, 1, 0],
      wristRotation: axisAngleToQuat([0, 0, Math.PI / 2]),
      fingers: new Array(45).fill(0),
    };
    const json = JSON.parse(exportHandsJson({ left: [hand], right: [hand] }, { fps: 8 }));
    expect(maxAbsDiff(json.frames[0].left.global_orient, [0, 0, Math.PI / 2])).toBeLessThan(1e-15);
    // q and -q are the same rotation; both give the short axis-angle.
    const negated: HandFrame = { ...hand, wristRotation: hand.wristRotation.map((v) => -v) as HandFrame['wristRotation'] };
    const json2 = JSON.parse(exportHandsJson({ left: [negated], right: [hand] }, { fps: 8 }));
    expect(maxAbsDiff(json2.frames[0].left.global_orient, [0, 0, Math.PI / 2])).toBeLessThan(1e-15);
  });

  it('refuses hands it cannot describe', () => {
    const { left, right } = exported(3);
    let err = trajectoryError(() => exportHandsJson({ left, right: right.slice(0, 2) }, { fps: 8 }));
    expect(err.message).toBe('the left hand has 3 frames but the right hand has 2');
    const bad = right.map((f, i) => (i === 1 ? { ...f, fingers: f.fingers.slice(0, 44) } : f));
    err = trajectoryError(() => exportHandsJson({ left, right: bad }, { fps: 8 }));
    expect(err.message).toMatch(/^frame 1: right fingers must be 45 finite numbers \(15 MANO joints x 3 axis-angle\), got 44/);
    expect(err.frame).toBe(1);
    expect(err.field).toBe('right.fingers');
    const zero = left.map((f, i) => (i === 2 ? { ...f, wristRotation: [0, 0, 0, 0] as HandFrame['wristRotation'] } : f));
    err = trajectoryError(() => exportHandsJson({ left: zero, right }, { fps: 8 }));
    expect(err.message).toMatch(/^frame 2: left wrist rotation \[0, 0, 0, 0\] is not a unit quaternion/);
    err = trajectoryError(() => exportHandsJson({ left, right }, { fps: 0 }));
    expect(err.message).toBe('fps must be a positive number, not 0');
  });
});

describe('hands JSON round trip', () => {
  it('reads its own output back (rotation < 1e-9 rad, position < 1e-9 m, finger values exact)', () => {
    for (const seed of [1, 2, 3]) {
      const left = randomHandFrames(seed, 49, true);
      const right = randomHandFrames(seed + 100, 49, false);
      const back = importHandsJson(exportHandsJson({ left, right }, { fps: 8 }), { frames: 49 });
      expect(back.fps).toBe(8);
      expectSameHands(back.left, left);
      expectSameHands(back.right, right);
    }
  });

  it('keeps rotations near 0 and near pi', () => {
    const base = randomHandFrames(9, 4, false);
    const rotations = [
      axisAngleToQuat([0, 0, 0]),
      axisAngleToQuat([1e-13, -2e-13, 0]),
      axisAngleToQuat([0, Math.PI - 1e-10, 0]),
      axisAngleToQuat([Math.PI / Math.sqrt(3), Math.PI / Math.sqrt(3), -Math.PI / Math.sqrt(3)]),
    ];
    const left = base.map((f, i) => ({ ...f, wristRotation: rotations[i] ?? f.wristRotation }));
    const back = importHandsJson(exportHandsJson({ left, right: base }, { fps: 8 }));
    expectSameHands(back.left, left);
  });

  it('accepts a file without joint_names or betas, and "meters"', () => {
    const { json, right } = exported();
    delete json.convention.joint_names;
    json.convention.world.units = 'meters';
    for (const f of json.frames) delete f.right.betas;
    expectSameHands(importHandsJson(JSON.stringify(json)).right, right);
  });
});

describe('hands JSON bad input', () => {
  it('wrong frame count against the shot', () => {
    const { text } = exported(30);
    const err = trajectoryError(() => importHandsJson(text, { frames: 49 }));
    expect(err.message).toMatch(/^has 30 frames, the shot has 49/);
    const err2 = trajectoryError(
      importEdited((j) => {
        j.frame_count = 5;
      }),
    );
    expect(err2.message).toBe('frame_count says 5 but "frames" lists 6');
  });

  it('a hand_pose of the wrong length, with what that length usually means', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.frames[2].left.hand_pose = [0, 0, 0, ...j.frames[2].left.hand_pose];
      }),
    );
    expect(err.message).toBe(
      'frames[2].left.hand_pose has 48 values; MANO hand_pose has 45 (15 joints x 3 axis-angle) (48 usually means global_orient is included in front; write it separately)',
    );
    expect(err.frame).toBe(2);
    expect(err.field).toBe('frames[2].left.hand_pose');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[4].right.hand_pose = j.frames[4].right.hand_pose.slice(0, 12);
      }),
    );
    expect(err.message).toMatch(/^frames\[4\]\.right\.hand_pose has 12 values; .*PCA components/);
  });

  it('NaN and Infinity name the field', () => {
    const { text, json } = exported();
    json.frames[3].right.hand_pose[7] = 12345.678;
    let err = trajectoryError(() => importHandsJson(JSON.stringify(json).replace('12345.678', 'NaN')));
    expect(err.message).toBe('frames[3].right.hand_pose[7] is NaN (not a number); every number must be finite');
    expect(err.frame).toBe(3);
    json.frames[3].right.hand_pose[7] = 0;
    json.frames[1].left.transl[2] = 12345.678;
    err = trajectoryError(() => importHandsJson(JSON.stringify(json).replace('12345.678', 'Infinity')));
    expect(err.message).toBe('frames[1].left.transl[2] is infinite; every number must be finite');
    expect(importHandsJson(text).left).toHaveLength(6);
  });

  it('values that are out of range: degrees for radians, millimetres for metres, wrong betas, non-boolean visible', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.frames[1].left.hand_pose[4] = 45;
      }),
    );
    expect(err.message).toMatch(
      /^frames\[1\]\.left\.hand_pose: joint index2 \(values 3-5\) rotates 45\.\d+ rad; .*are the values in degrees\?/,
    );
    err = trajectoryError(
      importEdited((j) => {
        j.frames[0].right.global_orient = [0, 90, 0];
      }),
    );
    expect(err.message).toMatch(/^frames\[0\]\.right\.global_orient has length 90\.000; .*are the values in degrees\?/);
    err = trajectoryError(
      importEdited((j) => {
        j.frames[5].right.transl = [250, 1200, -300];
      }),
    );
    expect(err.message).toMatch(/^frames\[5\]\.right\.transl is 1261\.9 m from the world origin; .*millimetres/);
    err = trajectoryError(
      importEdited((j) => {
        j.frames[2].left.betas.pop();
      }),
    );
    expect(err.message).toBe('frames[2].left.betas has 9 values; MANO has 10 shape coefficients');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[2].left.visible = 'yes';
      }),
    );
    expect(err.message).toBe('frames[2].left.visible must be true or false, not the text "yes"');
    err = trajectoryError(
      importEdited((j) => {
        j.frames[2].left.global_orient = [0, 0];
      }),
    );
    expect(err.message).toBe('frames[2].left.global_orient has 2 values; expected exactly 3');
  });

  it('missing fields', () => {
    let err = trajectoryError(
      importEdited((j) => {
        delete j.frames[3].right;
      }),
    );
    expect(err.message).toBe('frames[3].right is missing');
    err = trajectoryError(
      importEdited((j) => {
        delete j.frames[0].left.hand_pose;
      }),
    );
    expect(err.message).toBe('frames[0].left.hand_pose is missing');
    err = trajectoryError(
      importEdited((j) => {
        delete j.fps;
      }),
    );
    expect(err.message).toBe('fps is missing');
  });

  it('unknown joint names: the first unknown one is named', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.convention.joint_names[4] = 'middle_2';
        j.convention.joint_names[9] = 'ring_1';
      }),
    );
    expect(err.message).toMatch(
      /^convention\.joint_names\[4\] is "middle_2", which is not a MANO finger joint; expected the MANO order index1, index2/,
    );
    expect(err.field).toBe('convention.joint_names[4]');
    err = trajectoryError(
      importEdited((j) => {
        // Right names, wrong order (ring before pinky, as some rigs list them).
        j.convention.joint_names = [
          ...MANO_JOINT_NAMES.slice(0, 6),
          ...MANO_JOINT_NAMES.slice(9, 12),
          ...MANO_JOINT_NAMES.slice(6, 9),
          ...MANO_JOINT_NAMES.slice(12),
        ];
      }),
    );
    expect(err.message).toMatch(/^convention\.joint_names\[6\] is "ring1" where MANO has "pinky1"; hand_pose must follow the MANO order/);
    err = trajectoryError(
      importEdited((j) => {
        j.convention.joint_names.pop();
      }),
    );
    expect(err.message).toMatch(/^convention\.joint_names lists 14 joints; hand_pose has the 15 MANO finger joints/);
  });

  it('unknown convention values', () => {
    let err = trajectoryError(
      importEdited((j) => {
        j.convention.angle_units = 'degrees';
      }),
    );
    expect(err.message).toBe('convention.angle_units is "degrees"; this reader understands only "radians"');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.global_orient.parameterisation = 'euler-xyz';
      }),
    );
    expect(err.message).toBe('convention.global_orient.parameterisation is "euler-xyz"; this reader understands only "axis-angle"');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.hand_pose.use_pca = true;
      }),
    );
    expect(err.message).toBe('convention.hand_pose.use_pca is true; this reader understands only false');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.hand_pose.joint_axes = 'mano';
      }),
    );
    expect(err.message).toBe('convention.hand_pose.joint_axes is "mano"; this reader understands only "dwm-studio-anatomical"');
    err = trajectoryError(
      importEdited((j) => {
        delete j.convention.global_orient.wrist_frame;
      }),
    );
    expect(err.message).toBe('convention.global_orient.wrist_frame is missing; expected "webxr"');
    err = trajectoryError(
      importEdited((j) => {
        j.convention.hand_pose.flat_hand_mean = false;
      }),
    );
    expect(err.message).toBe('convention.hand_pose.flat_hand_mean is false; this reader understands only true');
  });

  it('the wrong kind of file', () => {
    const err = trajectoryError(() => importHandsJson('{"format": "dwm-studio.camera", "version": 1}'));
    expect(err.message).toBe('is not a DWM Studio hands file: it has "format": "dwm-studio.camera"; expected "dwm-studio.hands"');
  });
});
