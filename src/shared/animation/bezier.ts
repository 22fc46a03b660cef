/**
 * Scalar bezier curves in (frame, value) space, the building block of 'bezier' interpolation
 * for scalar and vector channels.
 *
 * Automatic handles follow Blender's 'auto clamped' (also Theatre.js' default feel): each
 * handle is a third of the interval long, its slope is the Catmull-Rom slope through the
 * neighbouring keys, zero at a local extremum and at the first/last key, and limited so
 * the segment cannot overshoot. With both handles a third of the interval long, frame(t) is
 * linear in t, so automatic segments are cubic Hermite curves and need no timing solve.
 * Neighbours count whatever their own interpolation (as in Blender), so switching one
 * segment to 'linear' or 'hold' does not reshape the segments next to it.
 */

/**
 * Slope (value per frame) of the automatic handles of the key at (frame, value), given its
 * neighbours. A missing neighbour is passed as NaN and makes the key an end key: flat, so a
 * shot eases in and out of its first and last key.
 *
 * Clamping to 3x the smaller adjacent secant is the Fritsch-Carlson condition: with both end
 * slopes of a segment in [0, 3 * secant] the cubic is monotonic, so between two keys the
 * curve stays within their values; on an extremum the slope is zero for the same reason.
 */
export function autoClampedSlope(
  prevFrame: number,
  prevValue: number,
  frame: number,
  value: number,
  nextFrame: number,
  nextValue: number,
): number {
  if (!(frame > prevFrame) || !(nextFrame > frame)) return 0;
  const slopeIn = (value - prevValue) / (frame - prevFrame);
  const slopeOut = (nextValue - value) / (nextFrame - frame);
  if (!(slopeIn * slopeOut > 0)) return 0;
  const catmullRom = (nextValue - prevValue) / (nextFrame - prevFrame);
  const limit = 3 * Math.min(Math.abs(slopeIn), Math.abs(slopeOut));
  return Math.abs(catmullRom) > limit ? Math.sign(catmullRom) * limit : catmullRom;
}

/** One coordinate of a cubic bezier with control values p0..p3 at t in [0, 1]. */
export function cubicBezier(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const s = 1 - t;
  return s * s * s * p0 + 3 * s * s * t * p1 + 3 * s * t * t * p2 + t * t * t * p3;
}

/**
 * The t in [0, 1] at which a cubic bezier running from 0 to x3 (inner controls x1, x2, both
 * within [0, x3], which keeps x(t) non-decreasing) reaches x. Newton's method from the linear
 * guess converges in a few steps on ordinary handles; each step also narrows a bracket, and
 * when a step leaves it (flat spots where x'(t) = 0, e.g. zero-length handles) bisection
 * takes over, so the result is always found and timing is exact to ~1e-10 frames.
 */
export function solveBezierTime(x1: number, x2: number, x3: number, x: number): number {
  if (!(x > 0)) return 0;
  if (!(x < x3)) return 1;
  const tolerance = 1e-10 * Math.max(1, x3);
  let lo = 0;
  let hi = 1;
  let t = x / x3;
  for (let i = 0; i < 60; i++) {
    const s = 1 - t;
    const error = 3 * s * s * t * x1 + 3 * s * t * t * x2 + t * t * t * x3 - x;
    if (Math.abs(error) <= tolerance) return t;
    if (error > 0) hi = t;
    else lo = t;
    const slope = 3 * s * s * x1 + 6 * s * t * (x2 - x1) + 3 * t * t * (x3 - x2);
    const next = slope > 0 ? t - error / slope : Number.NaN;
    // Outside the bracket (or no usable slope): bisect instead.
    t = next > lo && next < hi ? next : (lo + hi) / 2;
    if (hi - lo <= 1e-15) return t;
  }
  return t;
}

/**
 * A manual handle as a control point relative to its key, kept usable for timing: a handle
 * pointing the wrong way in time (out handle to the left, in handle to the right) is mirrored
 * through the key, which keeps its tangent line, and one longer than the interval is scaled
 * down along that line, as Blender does, so frame(t) stays a function and no loop forms.
 * direction: +1 for an out handle, -1 for an in handle.
 */
export function usableHandle(handle: readonly [number, number], direction: 1 | -1, span: number): [number, number] {
  let dx = handle[0];
  let dy = handle[1];
  if (dx * direction < 0) {
    dx = -dx;
    dy = -dy;
  }
  const length = Math.abs(dx);
  if (length > span) {
    const k = span / length;
    dx *= k;
    dy *= k;
  }
  return [dx, dy];
}
