import type { Vec3 } from '../animation/schema';
import type { GraspTiming } from './grasp-and-open';

/**
 * An articulated part that follows the hand holding it. The grasp keys move the wrist along
 * the part's motion; the part itself has no keys, so its joint value is read back from the
 * wrist: nothing before the grasp, the wrist's displacement from its grasp pose measured
 * along the joint while held, and the last held value after the hand lets go. Rendering the
 * part from this (rather than from the keyed amount) keeps the part under the fingers even
 * where the hand's interpolation overshoots or lags.
 */

export type FollowJoint =
  | { type: 'prismatic'; axis: Vec3; limits: readonly [number, number] }
  | { type: 'revolute'; axis: Vec3; origin: Vec3; limits: readonly [number, number] };

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const unit = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(...a));
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/** The joint value that puts the grasped point where the wrist now is (metres or radians), within the limits. */
export function jointFromWrist(joint: FollowJoint, graspWrist: Vec3, wrist: Vec3): number {
  const axis = unit(joint.axis);
  if (joint.type === 'prismatic') return clamp(dot(sub(wrist, graspWrist), axis), joint.limits);
  // Both positions seen from the hinge, flattened onto the plane the door swings in.
  const flat = (p: Vec3): Vec3 => {
    const v = sub(p, joint.origin);
    return sub(v, scale(axis, dot(v, axis)));
  };
  const from = flat(graspWrist);
  const to = flat(wrist);
  if (Math.hypot(...from) < 1e-6 || Math.hypot(...to) < 1e-6) return clamp(0, joint.limits);
  // Right-handed about the axis, as three.js and glTF rotate.
  const angle = Math.atan2(dot(cross(from, to), axis), dot(from, to));
  return clamp(angle, joint.limits);
}

/**
 * The joint value at every frame, from the grasping wrist's position at every frame: 0 (the
 * rest pose, clamped into the limits) before timing.grasp, followed while grasp <= frame <
 * release, then held at the last followed value.
 */
export function followJoint(joint: FollowJoint, wrists: readonly Vec3[], timing: Pick<GraspTiming, 'grasp' | 'release'>): number[] {
  const rest = clamp(0, joint.limits);
  const graspWrist = wrists[timing.grasp];
  if (!graspWrist) return wrists.map(() => rest);
  const values: number[] = [];
  let held = rest;
  wrists.forEach((wrist, frame) => {
    if (frame < timing.grasp) values.push(rest);
    else if (frame < timing.release) {
      held = jointFromWrist(joint, graspWrist, wrist);
      values.push(held);
    } else values.push(held);
  });
  return values;
}
