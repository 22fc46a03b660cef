import { type ChannelPath, getChannel, withChannel } from '../animation/channel-path';
import { setKey } from '../animation/edit';
import type { ChannelValue, Quat, Shot, Vec3 } from '../animation/schema';
import { presetPose } from '../hand/presets';
import { quatFromAxisAngle, quatMul } from '../hand/quat';
import { type PartKind, partKindOf } from '../scene/part-kind';
import { mat3ToQuat } from '../trajectory/math';

/**
 * The grasp-and-open helper: given a handle and how the part moves, write the keys of a
 * hand that reaches, pre-grasps, grasps, pulls the part open and lets go — ordinary keys the
 * artist then edits. The part's motion is either a slide (drawer: prismatic axis and
 * distance; a loose object lifted off its surface: the same, straight up) or a swing (door or
 * lid: revolute hinge axis, a point on it, and an angle). A lifted object is put back down
 * before the hand lets go of it; everything else is left open.
 */

export type PartMotion =
  | { type: 'prismatic'; axis: Vec3; distance: number }
  | { type: 'revolute'; axis: Vec3; origin: Vec3; angle: number };

export interface GraspTarget {
  /** Where the fingers close, in world space (metres). */
  handle: Vec3;
  /** Unit vector out of the part's front (towards where the person stands). */
  front: Vec3;
  motion: PartMotion;
}

export interface GraspTiming {
  reach: number;
  preGrasp: number;
  grasp: number;
  /** The part is fully open: pulled or swung (drawer, door), lifted open (lid), at the top of the lift (lift). */
  pulled: number;
  /** Lifts only: the object is back on its surface, still held. */
  setDown?: number;
  release: number;
}

/**
 * Default beats for a 49-frame shot at 8 fps: reach 1 s in, grasp at 3.25 s, open over 1.5 s,
 * let go at 5.5 s. A lift goes up over 1 s, comes back down by 5.1 s and is let go at 5.6 s.
 */
export function defaultTiming(frames: number, kind: PartKind = 'drawer'): GraspTiming {
  const at = (f: number) => Math.min(frames - 1, Math.round((f / 48) * (frames - 1)));
  if (kind === 'lift') return { reach: at(10), preGrasp: at(20), grasp: at(26), pulled: at(34), setDown: at(41), release: at(45) };
  return { reach: at(10), preGrasp: at(20), grasp: at(26), pulled: at(38), release: at(44) };
}

/** What the motion does, in world space (+Y up): drawer, door, lid or lift. */
export function motionKind(motion: PartMotion): PartKind {
  return partKindOf(motion.type, motion.axis);
}

/** The frame a lifted object is back down: the timing's setDown, or the frame before the release when there is room. */
export function setDownFrame(timing: GraspTiming): number | null {
  const frame = timing.setDown ?? timing.release - 1;
  return frame > timing.pulled && frame < timing.release ? frame : null;
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(...a));

/** Quaternion [x,y,z,w] of the rotation whose columns are the unit axes x, y, z. */
export function quatFromBasis(x: Vec3, y: Vec3, z: Vec3): Quat {
  return mat3ToQuat([
    [x[0], y[0], z[0]],
    [x[1], y[1], z[1]],
    [x[2], y[2], z[2]],
  ]) as Quat;
}

function axisAngle(axis: Vec3, angle: number): Quat {
  const a = norm(axis);
  return quatFromAxisAngle([a[0] * angle, a[1] * angle, a[2] * angle]) as Quat;
}

function rotateAbout(p: Vec3, axis: Vec3, origin: Vec3, angle: number): Vec3 {
  // Rodrigues' rotation of p about the line through origin along axis.
  const k = norm(axis);
  const v = sub(p, origin);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const r = add(add(scale(v, c), scale(cross(k, v), s)), scale(k, dot(k, v) * (1 - c)));
  return add(origin, r);
}

/** The joint fields a grasp target is made from (an Articulation's, in its parent space). */
export interface JointLike {
  type: 'prismatic' | 'revolute';
  axis: readonly number[];
  origin: readonly number[];
  limits: readonly [number, number];
  handle?: readonly number[] | undefined;
}

/**
 * An articulated part's handle, front and motion in world space, given how its parent space
 * maps there (`point` for positions, `direction` for unit directions).
 * - Drawer: the front is the slide's axis; it slides by up to 30 cm.
 * - Lift: the front is the level direction from the object's rest position out through its
 *   grasp point (the side the hand takes it by); it rises by up to 30 cm.
 * - Door: the front is the direction from the hinge line out through the handle, turned a
 *   quarter towards the viewer. Lid (a level hinge): the level direction from the hinge out
 *   through the handle, where the person stands. Either swings by up to 90 degrees.
 */
export function graspTargetOf(
  part: JointLike,
  point: (p: readonly number[]) => Vec3,
  direction: (d: readonly number[]) => Vec3,
): GraspTarget {
  const handle = point(part.handle ?? part.origin);
  const axis = norm(direction(part.axis));
  const origin = point(part.origin);
  const kind = partKindOf(part.type, axis);
  const level = (v: Vec3): Vec3 | null => (Math.hypot(v[0], v[2]) > 1e-4 ? norm([v[0], 0, v[2]]) : null);
  if (part.type === 'prismatic') {
    const motion: PartMotion = { type: 'prismatic', axis, distance: Math.min(0.3, part.limits[1]) };
    if (kind === 'drawer') return { handle, front: axis, motion };
    return { handle, front: level(sub(handle, origin)) ?? [0, 0, 1], motion };
  }
  const offset = sub(handle, origin);
  const radial = sub(offset, scale(axis, dot(offset, axis)));
  const angle = Math.sign(part.limits[1] || 1) * Math.min(Math.abs(part.limits[1]), Math.PI / 2);
  const front = kind === 'lid' ? (level(radial) ?? level(cross(axis, [0, 1, 0])) ?? [0, 0, 1]) : norm(cross(axis, radial));
  return { handle, front, motion: { type: 'revolute', axis, origin, angle } };
}

/**
 * Wrist pose holding a handle palm-down: fingers (the wrist frame's -Z, WebXR convention)
 * point into the part, the back of the hand (+Y) up, the wrist 10 cm out from the handle
 * and 3 cm above it so the curled fingers close around it.
 */
export function graspWrist(handle: Vec3, front: Vec3, up: Vec3 = [0, 1, 0]): { position: Vec3; rotation: Quat } {
  const z = norm(front);
  const y = norm(sub(up, scale(z, dot(up, z))));
  const x = cross(y, z);
  return { position: add(add(handle, scale(z, 0.1)), scale(y, 0.03)), rotation: quatFromBasis(x, y, z) };
}

/** Move a pose with the part as it opens by `t` (0 closed, 1 fully open as the motion says). */
function moveWithPart(pose: { position: Vec3; rotation: Quat }, motion: PartMotion, t: number) {
  if (motion.type === 'prismatic')
    return { position: add(pose.position, scale(norm(motion.axis), motion.distance * t)), rotation: pose.rotation };
  const angle = motion.angle * t;
  return {
    position: rotateAbout(pose.position, motion.axis, motion.origin, angle),
    rotation: quatMul(axisAngle(motion.axis, angle), pose.rotation) as Quat,
  };
}

export interface GraspAndOpenOptions {
  side: 'left' | 'right';
  target: GraspTarget;
  timing?: GraspTiming;
  newId: () => string;
}

/**
 * Write reach, pre-grasp, grasp, pull (or lift) and release keys for one hand into the shot;
 * for a lift also the set-down key, where the object is back on its surface.
 */
export function graspAndOpen(shot: Shot, opts: GraspAndOpenOptions): Shot {
  const { target, side } = opts;
  const kind = motionKind(target.motion);
  const timing = opts.timing ?? defaultTiming(shot.frames, kind);
  const grasp = graspWrist(target.handle, target.front);
  const front = norm(target.front);
  const preGrasp = { position: add(grasp.position, scale(front, 0.08)), rotation: grasp.rotation };
  // The hand comes up from below a handle; over a surface (a lift) it comes from a little above.
  const reach = { position: add(add(grasp.position, scale(front, 0.3)), [0, kind === 'lift' ? 0.05 : -0.12, 0]), rotation: grasp.rotation };
  const open = presetPose('relaxed').fingers;
  const closed = presetPose('power').fingers;
  const pulled = moveWithPart(grasp, target.motion, 1);
  const backOff = { position: add(grasp.position, scale(front, 0.06)), rotation: grasp.rotation };
  // Letting go: the hand backs off the handle. A lid's hand backs off along the lid as it stands
  // open (so the lid keeps its angle); a lift's hand leaves the object where it was set down.
  const released =
    kind === 'lift'
      ? backOff
      : kind === 'lid'
        ? moveWithPart(backOff, target.motion, 1)
        : { position: add(pulled.position, scale(front, 0.06)), rotation: pulled.rotation };

  const beats: { frame: number; wrist: { position: Vec3; rotation: Quat }; fingers: number[] }[] = [
    { frame: timing.reach, wrist: reach, fingers: open },
    { frame: timing.preGrasp, wrist: preGrasp, fingers: open },
    { frame: timing.grasp, wrist: grasp, fingers: closed },
  ];
  // A swing needs in-between keys so the wrist follows the arc, not its chord.
  if (target.motion.type === 'revolute') {
    for (const t of [0.25, 0.5, 0.75]) {
      beats.push({
        frame: Math.round(timing.grasp + (timing.pulled - timing.grasp) * t),
        wrist: moveWithPart(grasp, target.motion, t),
        fingers: closed,
      });
    }
  }
  beats.push({ frame: timing.pulled, wrist: pulled, fingers: closed });
  const down = kind === 'lift' ? setDownFrame(timing) : null;
  if (down !== null) beats.push({ frame: down, wrist: grasp, fingers: closed });
  beats.push({ frame: timing.release, wrist: released, fingers: open });

  const path = (channel: string) => ({ track: side, channel }) as ChannelPath;
  let next = shot;
  const put = (channel: string, frame: number, value: ChannelValue, interpolation: 'bezier' | 'linear' | 'hold') => {
    const p = path(channel);
    next = withChannel(next, p, setKey(getChannel(next, p), frame, value, { interpolation, newId: opts.newId }));
  };
  for (const beat of beats) {
    put('wristPosition', beat.frame, beat.wrist.position, 'bezier');
    put('wristRotation', beat.frame, beat.wrist.rotation, 'bezier');
    put('fingers', beat.frame, beat.fingers, 'bezier');
  }
  // Visible from just before the reach; hidden from the start until then.
  put('visible', 0, false, 'hold');
  put('visible', Math.max(0, timing.reach - 4), true, 'hold');
  return next;
}

/** Camera keys that walk up to a part and look at its handle from eye height, arriving before the reach. */
export function approachCamera(
  shot: Shot,
  target: GraspTarget,
  /** eyeOffset: metres added to the standing eye height (synthetic clips vary people's height). */
  opts: { from: Vec3; arriveAt: number; newId: () => string; fovY?: number; eyeOffset?: number },
): Shot {
  const front = norm(target.front);
  const stand = add(add(target.handle, scale(front, 0.75)), [0, 0, 0]);
  const end: Vec3 = [stand[0], Math.max(1.45, target.handle[1] + 0.7) + (opts.eyeOffset ?? 0), stand[2]];
  const lookAt = (eye: Vec3, at: Vec3): Quat => {
    // three.js camera: looks down -Z with +Y up.
    const z = norm(sub(eye, at));
    const x = norm(cross([0, 1, 0], z));
    const y = cross(z, x);
    return quatFromBasis(x, y, z);
  };
  const start: Vec3 = [opts.from[0], end[1] + 0.1, opts.from[2]];
  const fov = opts.fovY ?? 70;
  let next = shot;
  const put = (channel: 'position' | 'rotation' | 'fovY', frame: number, value: ChannelValue) => {
    const p = { track: 'camera', channel } as ChannelPath;
    next = withChannel(next, p, setKey(getChannel(next, p), frame, value, { interpolation: 'bezier', newId: opts.newId }));
  };
  put('position', 0, start);
  put('rotation', 0, lookAt(start, target.handle));
  put('fovY', 0, fov);
  put('position', opts.arriveAt, end);
  put('rotation', opts.arriveAt, lookAt(end, target.handle));
  put('fovY', opts.arriveAt, fov);
  return next;
}
