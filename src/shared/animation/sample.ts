import { fingerSegments, interpolateComponent, quatSegment } from './interpolate';
import { type Key, keyIndexAtOrBefore } from './keys';
import { quatNormalize, quatToAxisAngleInto } from './quaternion';
import { evaluateRotationSegment, type RotationSegment } from './quaternion-spline';
import type { BoolChannel, FingerChannel, Quat, QuatChannel, ScalarChannel, Shot, Vec3, Vec3Channel } from './schema';

/**
 * Sampling channels and whole shots at any, also fractional, frame.
 *
 * Before the first key a channel holds the first key's value, after the last the last one's;
 * an empty channel has no value (undefined, or the caller's fallback). Returned arrays are
 * fresh copies, never the keys' own arrays, so callers may keep or modify them.
 *
 * A sampler (scalarSampler, quatSampler, ...) binds one channel and remembers the last
 * rotation segment it prepared, so sampling frames in order (sampleShotFrames, playback)
 * computes each segment's SQUAD control points once. Channels are immutable (edit.ts
 * returns new ones), which is what makes binding them safe.
 */

export type Sampler<V> = (frame: number) => V | undefined;

/** MANO: 15 finger joints x 3 axis-angle floats. */
export const FINGER_JOINTS = 15;
export const FINGER_POSE_LENGTH = FINGER_JOINTS * 3;

/**
 * Given i = keyIndexAtOrBefore(keys, frame): the index of the key whose value stands as is
 * (ends of the channel, exactly on a key, inside a 'hold'), or -1 when frame lies inside the
 * interpolated segment from key i to key i + 1.
 */
function restingKey(keys: readonly Key<unknown>[], i: number, frame: number): number {
  if (i < 0) return 0;
  if (i >= keys.length - 1) return keys.length - 1;
  const key = keys[i] as Key<unknown>;
  return key.frame === frame || key.interpolation === 'hold' ? i : -1;
}

/** Position of frame within segment i, in [0, 1). */
function segmentFraction(keys: readonly Key<unknown>[], i: number, frame: number): number {
  const start = (keys[i] as Key<unknown>).frame;
  return (frame - start) / ((keys[i + 1] as Key<unknown>).frame - start);
}

export function scalarSampler(channel: ScalarChannel): Sampler<number> {
  const keys = channel.keys;
  return (frame) => {
    if (keys.length === 0) return undefined;
    const i = keyIndexAtOrBefore(keys, frame);
    const resting = restingKey(keys, i, frame);
    if (resting >= 0) return (keys[resting] as Key<number>).value;
    return interpolateComponent(keys, i, 0, frame);
  };
}

export function vec3Sampler(channel: Vec3Channel): Sampler<Vec3> {
  const keys = channel.keys;
  return (frame) => {
    if (keys.length === 0) return undefined;
    const i = keyIndexAtOrBefore(keys, frame);
    const resting = restingKey(keys, i, frame);
    if (resting >= 0) {
      const v = (keys[resting] as Key<Vec3>).value;
      return [v[0], v[1], v[2]];
    }
    return [interpolateComponent(keys, i, 0, frame), interpolateComponent(keys, i, 1, frame), interpolateComponent(keys, i, 2, frame)];
  };
}

/** Unit quaternions: keys are normalised on the way out, so consumers never see a scaled rotation. */
export function quatSampler(channel: QuatChannel): Sampler<Quat> {
  const keys = channel.keys;
  let segmentIndex = -1;
  let segment: RotationSegment | null = null;
  return (frame) => {
    if (keys.length === 0) return undefined;
    const i = keyIndexAtOrBefore(keys, frame);
    const resting = restingKey(keys, i, frame);
    if (resting >= 0) return quatNormalize((keys[resting] as Key<Quat>).value);
    if (segmentIndex !== i || !segment) {
      segment = quatSegment(keys, i);
      segmentIndex = i;
    }
    return evaluateRotationSegment(segment, segmentFraction(keys, i, frame), [0, 0, 0, 1]);
  };
}

/** 45-float finger poses, interpolated joint by joint as rotations. */
export function fingerSampler(channel: FingerChannel): Sampler<number[]> {
  const keys = channel.keys;
  let segmentIndex = -1;
  let segments: RotationSegment[] = [];
  const joint: Quat = [0, 0, 0, 1];
  return (frame) => {
    if (keys.length === 0) return undefined;
    const i = keyIndexAtOrBefore(keys, frame);
    const resting = restingKey(keys, i, frame);
    if (resting >= 0) return [...(keys[resting] as Key<number[]>).value];
    if (segmentIndex !== i) {
      segments = fingerSegments(keys, i, FINGER_JOINTS);
      segmentIndex = i;
    }
    const u = segmentFraction(keys, i, frame);
    const pose = new Array<number>(FINGER_POSE_LENGTH);
    for (let j = 0; j < FINGER_JOINTS; j++) {
      evaluateRotationSegment(segments[j] as RotationSegment, u, joint);
      quatToAxisAngleInto(joint, pose, 3 * j);
    }
    return pose;
  };
}

/** Booleans always hold, whatever interpolation their keys carry: visibility switches on a frame. */
export function boolSampler(channel: BoolChannel): Sampler<boolean> {
  const keys = channel.keys;
  return (frame) => {
    if (keys.length === 0) return undefined;
    return (keys[Math.max(0, keyIndexAtOrBefore(keys, frame))] as Key<boolean>).value;
  };
}

export function sampleScalar(channel: ScalarChannel, frame: number): number | undefined;
export function sampleScalar(channel: ScalarChannel, frame: number, fallback: number): number;
export function sampleScalar(channel: ScalarChannel, frame: number, fallback?: number): number | undefined {
  return scalarSampler(channel)(frame) ?? fallback;
}

export function sampleVec3(channel: Vec3Channel, frame: number): Vec3 | undefined;
export function sampleVec3(channel: Vec3Channel, frame: number, fallback: Readonly<Vec3>): Vec3;
export function sampleVec3(channel: Vec3Channel, frame: number, fallback?: Readonly<Vec3>): Vec3 | undefined {
  return vec3Sampler(channel)(frame) ?? (fallback && [fallback[0], fallback[1], fallback[2]]);
}

export function sampleQuat(channel: QuatChannel, frame: number): Quat | undefined;
export function sampleQuat(channel: QuatChannel, frame: number, fallback: Readonly<Quat>): Quat;
export function sampleQuat(channel: QuatChannel, frame: number, fallback?: Readonly<Quat>): Quat | undefined {
  return quatSampler(channel)(frame) ?? (fallback && [fallback[0], fallback[1], fallback[2], fallback[3]]);
}

export function sampleFingers(channel: FingerChannel, frame: number): number[] | undefined;
export function sampleFingers(channel: FingerChannel, frame: number, fallback: readonly number[]): number[];
export function sampleFingers(channel: FingerChannel, frame: number, fallback?: readonly number[]): number[] | undefined {
  return fingerSampler(channel)(frame) ?? (fallback && [...fallback]);
}

export function sampleBool(channel: BoolChannel, frame: number): boolean | undefined;
export function sampleBool(channel: BoolChannel, frame: number, fallback: boolean): boolean;
export function sampleBool(channel: BoolChannel, frame: number, fallback?: boolean): boolean | undefined {
  return boolSampler(channel)(frame) ?? fallback;
}

export interface CameraPose {
  /** World position, metres. */
  position: Vec3;
  /** Unit quaternion; three.js camera convention (looks down -Z, Y up). */
  rotation: Quat;
  /** Vertical field of view, degrees. */
  fovY: number;
}

export interface HandPose {
  wristPosition: Vec3;
  wristRotation: Quat;
  /** 45 MANO axis-angle floats (radians). */
  fingers: number[];
  visible: boolean;
}

export interface ShotPose {
  camera: CameraPose;
  hands: { left: HandPose; right: HandPose };
}

/** What an unkeyed channel shows: an eye-height camera 2 m back looking down -Z, hands hidden at rest. */
export const DEFAULT_CAMERA_POSITION: Readonly<Vec3> = [0, 1.6, 2];
export const DEFAULT_CAMERA_ROTATION: Readonly<Quat> = [0, 0, 0, 1];
export const DEFAULT_FOV_Y = 60;
export const DEFAULT_WRIST_POSITION: Readonly<Vec3> = [0, 0, 0];
export const DEFAULT_WRIST_ROTATION: Readonly<Quat> = [0, 0, 0, 1];
export const DEFAULT_HAND_VISIBLE = false;

function handSampler(track: Shot['hands']['left']): (frame: number) => HandPose {
  const wristPosition = vec3Sampler(track.wristPosition);
  const wristRotation = quatSampler(track.wristRotation);
  const fingers = fingerSampler(track.fingers);
  const visible = boolSampler(track.visible);
  return (frame) => ({
    wristPosition: wristPosition(frame) ?? [...DEFAULT_WRIST_POSITION],
    wristRotation: wristRotation(frame) ?? [...DEFAULT_WRIST_ROTATION],
    fingers: fingers(frame) ?? new Array<number>(FINGER_POSE_LENGTH).fill(0),
    visible: visible(frame) ?? DEFAULT_HAND_VISIBLE,
  });
}

/**
 * A sampler for a whole shot, for playback and scrubbing: keep it while the shot is
 * unchanged and call it per frame.
 */
export function shotSampler(shot: Shot): (frame: number) => ShotPose {
  const position = vec3Sampler(shot.camera.position);
  const rotation = quatSampler(shot.camera.rotation);
  const fovY = scalarSampler(shot.camera.fovY);
  const left = handSampler(shot.hands.left);
  const right = handSampler(shot.hands.right);
  return (frame) => ({
    camera: {
      position: position(frame) ?? [...DEFAULT_CAMERA_POSITION],
      rotation: rotation(frame) ?? [...DEFAULT_CAMERA_ROTATION],
      fovY: fovY(frame) ?? DEFAULT_FOV_Y,
    },
    hands: { left: left(frame), right: right(frame) },
  });
}

/** Every channel of the shot at one (possibly fractional) frame. */
export function sampleShot(shot: Shot, frame: number): ShotPose {
  return shotSampler(shot)(frame);
}

/** The shot at each integer frame 0 .. frames - 1, as the renderer and exporter need it. */
export function sampleShotFrames(shot: Shot): ShotPose[] {
  const sample = shotSampler(shot);
  const poses: ShotPose[] = [];
  for (let frame = 0; frame < shot.frames; frame++) poses.push(sample(frame));
  return poses;
}
