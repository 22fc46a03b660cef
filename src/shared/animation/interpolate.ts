import { autoClampedSlope, cubicBezier, solveBezierTime, usableHandle } from './bezier';
import type { Key } from './keys';
import { axisAngleToQuat } from './quaternion';
import { linearRotationSegment, type RotationSegment, splineRotationSegment } from './quaternion-spline';
import type { Quat } from './schema';

/**
 * Interpolation between key i and key i + 1 of a channel, per value kind. Callers (sample.ts)
 * have already found the segment, handled the ends of the channel and 'hold'; the frame here
 * lies strictly inside [keys[i].frame, keys[i + 1].frame).
 */

/** Scalars are one component, vectors several; both interpolate component by component. */
type Numeric = number | readonly number[];

function component(value: Numeric, c: number): number {
  return typeof value === 'number' ? value : (value[c] as number);
}

/** Slope of the automatic handles of keys[i] in component c. */
function autoSlope(keys: readonly Key<Numeric>[], i: number, c: number): number {
  const key = keys[i] as Key<Numeric>;
  const prev = keys[i - 1];
  const next = keys[i + 1];
  return autoClampedSlope(
    prev ? prev.frame : Number.NaN,
    prev ? component(prev.value, c) : Number.NaN,
    key.frame,
    component(key.value, c),
    next ? next.frame : Number.NaN,
    next ? component(next.value, c) : Number.NaN,
  );
}

/** Component c of a scalar/vector channel at frame inside segment i ('linear' or 'bezier'). */
export function interpolateComponent(keys: readonly Key<Numeric>[], i: number, c: number, frame: number): number {
  const k0 = keys[i] as Key<Numeric>;
  const k1 = keys[i + 1] as Key<Numeric>;
  const y0 = component(k0.value, c);
  const y1 = component(k1.value, c);
  const span = k1.frame - k0.frame;
  const dx = frame - k0.frame;
  if (k0.interpolation === 'linear') return y0 + (y1 - y0) * (dx / span);

  // Bezier in (frame, value): control points relative to key i's frame.
  const manualOut = k0.handles?.[c]?.out;
  const manualIn = k1.handles?.[c]?.in;
  let x1 = span / 3;
  let y1c: number;
  let x2 = (2 * span) / 3;
  let y2c: number;
  if (manualOut) {
    const [hx, hy] = usableHandle(manualOut, 1, span);
    x1 = hx;
    y1c = y0 + hy;
  } else {
    y1c = y0 + (autoSlope(keys, i, c) * span) / 3;
  }
  if (manualIn) {
    const [hx, hy] = usableHandle(manualIn, -1, span);
    x2 = span + hx;
    y2c = y1 + hy;
  } else {
    y2c = y1 - (autoSlope(keys, i + 1, c) * span) / 3;
  }
  // Automatic handles space the controls evenly in frames, so frame(t) is linear in t.
  const t = manualOut || manualIn ? solveBezierTime(x1, x2, span, dx) : dx / span;
  return cubicBezier(y0, y1c, y2c, y1, t);
}

/** Rotation segment i of a quaternion channel ('linear' -> slerp, 'bezier' -> SQUAD). */
export function quatSegment(keys: readonly Key<Quat>[], i: number): RotationSegment {
  const k0 = keys[i] as Key<Quat>;
  const k1 = keys[i + 1] as Key<Quat>;
  if (k0.interpolation !== 'bezier') return linearRotationSegment(k0.value, k1.value);
  const prev = keys[i - 1];
  const next = keys[i + 2];
  return splineRotationSegment(
    prev?.value,
    prev ? prev.frame : Number.NaN,
    k0.value,
    k0.frame,
    k1.value,
    k1.frame,
    next?.value,
    next ? next.frame : Number.NaN,
  );
}

/** Joint j of a finger pose (3 axis-angle floats) as a quaternion. */
function jointQuat(pose: readonly number[], j: number): Quat {
  return axisAngleToQuat(pose[3 * j] as number, pose[3 * j + 1] as number, pose[3 * j + 2] as number);
}

/**
 * Rotation segments, one per finger joint, for segment i of a finger channel: each joint's
 * axis-angle becomes a quaternion so joints interpolate as rotations (slerp or the SQUAD
 * spline), never as raw axis-angle or Euler numbers.
 */
export function fingerSegments(keys: readonly Key<readonly number[]>[], i: number, joints: number): RotationSegment[] {
  const k0 = keys[i] as Key<readonly number[]>;
  const k1 = keys[i + 1] as Key<readonly number[]>;
  const prev = keys[i - 1];
  const next = keys[i + 2];
  const spline = k0.interpolation === 'bezier';
  const segments: RotationSegment[] = [];
  for (let j = 0; j < joints; j++) {
    const a = jointQuat(k0.value, j);
    const b = jointQuat(k1.value, j);
    segments.push(
      spline
        ? splineRotationSegment(
            prev && jointQuat(prev.value, j),
            prev ? prev.frame : Number.NaN,
            a,
            k0.frame,
            b,
            k1.frame,
            next && jointQuat(next.value, j),
            next ? next.frame : Number.NaN,
          )
        : linearRotationSegment(a, b),
    );
  }
  return segments;
}
