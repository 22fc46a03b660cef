import { quatAlign, quatArcAngle, quatConjugate, quatExp, quatLog, quatMultiply, quatNormalize, slerpWithAngle } from './quaternion';
import type { Quat, Vec3 } from './schema';

/**
 * Rotation segments between two keys: slerp for 'linear', a C1 SQUAD spline for 'bezier'.
 *
 * SQUAD (Shoemake) joins keys q0, q1 with intermediate control points s0, s1:
 *   squad(u) = slerp(slerp(q0, q1, u), slerp(s0, s1, u), 2u(1-u)).
 * Its derivative at u = 0 is q0 * (log(q0^-1 q1) + 2 log(q0^-1 s0)), so choosing s from a
 * tangent pins the angular velocity at each key. Shoemake's choice,
 *   s_i = q_i exp(-(log(q_i^-1 q_{i+1}) + log(q_i^-1 q_{i-1})) / 4),
 * is the Catmull-Rom tangent for evenly spaced keys. Here the tangent at each key is the
 * rotational analogue of the scalar auto-clamped slope (bezier.ts), measured per frame so
 * uneven key spacing stays C1, zero at the first/last key and where the motion stops or
 * reverses, and limited to 3x the slower adjacent segment. That eases the time parameter
 * exactly like the scalar curves: a camera held on two equal keys accelerates smoothly out of
 * the hold instead of drifting backwards, and for rotations about one axis the spline *is*
 * the scalar auto-clamped bezier of the angle (a cubic Hermite). With evenly spaced keys and
 * an unclamped tangent the control points are Shoemake's.
 */

/** Segment data computed once per pair of keys, then evaluated for any number of frames. */
export interface RotationSegment {
  q0: Quat;
  /** The end key, flipped onto q0's hemisphere so the segment takes the short arc. */
  q1: Quat;
  /** 4-vector angle between q0 and q1, and its sine. */
  arc: number;
  arcSin: number;
  /** SQUAD's intermediate control points; null for a plain slerp segment. */
  s0: Quat | null;
  s1: Quat | null;
  /** 4-vector angle between s0 and s1, and its sine. */
  controlArc: number;
  controlArcSin: number;
  /** True when the segment does not rotate at all (a held joint), which evaluation skips. */
  still: boolean;
}

/**
 * Auto-clamped angular velocity at a key, as a half-angle vector per frame in the key's own
 * frame (so q(frame + d) ~ q * exp(tangent * d)). A missing neighbour (undefined) marks an
 * end key, which is flat.
 */
export function clampedRotationTangent(
  prev: Readonly<Quat> | undefined,
  prevFrame: number,
  q: Readonly<Quat>,
  frame: number,
  next: Readonly<Quat> | undefined,
  nextFrame: number,
): Vec3 {
  if (!prev || !next || !(frame > prevFrame) || !(nextFrame > frame)) return [0, 0, 0];
  const inverse = quatConjugate(q);
  const toPrev = quatLog(quatMultiply(inverse, quatAlign(prev, q)));
  const toNext = quatLog(quatMultiply(inverse, quatAlign(next, q)));
  const spanIn = frame - prevFrame;
  const spanOut = nextFrame - frame;
  // Angular velocities of the two adjacent chords, both pointing forwards in time.
  const speedIn = Math.sqrt(toPrev[0] * toPrev[0] + toPrev[1] * toPrev[1] + toPrev[2] * toPrev[2]) / spanIn;
  const speedOut = Math.sqrt(toNext[0] * toNext[0] + toNext[1] * toNext[1] + toNext[2] * toNext[2]) / spanOut;
  if (!(speedIn > 0) || !(speedOut > 0)) return [0, 0, 0];
  // cos of the turn between the chords: 1 when the motion continues straight on, <= 0 when it
  // stops and reverses (a rotational extremum).
  const cos = -(toPrev[0] * toNext[0] + toPrev[1] * toNext[1] + toPrev[2] * toNext[2]) / (speedIn * spanIn * speedOut * spanOut);
  if (!(cos > 0)) return [0, 0, 0];
  // Non-uniform Catmull-Rom: (next - prev) / (total span); for unit spacing this is Shoemake's.
  const span = spanIn + spanOut;
  const tangent: Vec3 = [(toNext[0] - toPrev[0]) / span, (toNext[1] - toPrev[1]) / span, (toNext[2] - toPrev[2]) / span];
  // The scalar clamp is 3 * min(|slopes|); scaling it by cos keeps it continuous as the path
  // bends towards a reversal, where it reaches zero.
  const limit = 3 * Math.min(speedIn, speedOut) * cos;
  const length = Math.sqrt(tangent[0] * tangent[0] + tangent[1] * tangent[1] + tangent[2] * tangent[2]);
  if (length > limit) {
    const k = limit / length;
    tangent[0] *= k;
    tangent[1] *= k;
    tangent[2] *= k;
  }
  return tangent;
}

/** A slerp segment from a to b (short arc). Neither input needs to be exactly unit. */
export function linearRotationSegment(a: Readonly<Quat>, b: Readonly<Quat>): RotationSegment {
  const q0 = quatNormalize(a);
  const q1 = quatAlign(quatNormalize(b), q0);
  const arc = quatArcAngle(q0, q1);
  return { q0, q1, arc, arcSin: Math.sin(arc), s0: null, s1: null, controlArc: 0, controlArcSin: 0, still: arc === 0 };
}

/**
 * A SQUAD segment from a (at frame0) to b (at frame1), with prev/next the keys around them
 * (undefined at the ends of the channel) supplying the clamped tangents.
 */
export function splineRotationSegment(
  prev: Readonly<Quat> | undefined,
  prevFrame: number,
  a: Readonly<Quat>,
  frame0: number,
  b: Readonly<Quat>,
  frame1: number,
  next: Readonly<Quat> | undefined,
  nextFrame: number,
): RotationSegment {
  const segment = linearRotationSegment(a, b);
  const { q0, q1 } = segment;
  const span = frame1 - frame0;
  const tangent0 = clampedRotationTangent(prev && quatNormalize(prev), prevFrame, q0, frame0, q1, frame1);
  const tangent1 = clampedRotationTangent(q0, frame0, q1, frame1, next && quatNormalize(next), nextFrame);
  const chord = quatLog(quatMultiply(quatConjugate(q0), q1));
  // From squad'(0) = chord + 2 log(q0^-1 s0) = tangent0 * span, and symmetrically
  // squad'(1) = chord - 2 log(q1^-1 s1) = tangent1 * span (log(q1^-1 q0) = -chord).
  const s0 = quatMultiply(
    q0,
    quatExp([(tangent0[0] * span - chord[0]) / 2, (tangent0[1] * span - chord[1]) / 2, (tangent0[2] * span - chord[2]) / 2]),
  );
  const s1 = quatMultiply(
    q1,
    quatExp([(chord[0] - tangent1[0] * span) / 2, (chord[1] - tangent1[1] * span) / 2, (chord[2] - tangent1[2] * span) / 2]),
  );
  segment.s0 = s0;
  segment.s1 = s1;
  segment.controlArc = quatArcAngle(s0, s1);
  segment.controlArcSin = Math.sin(segment.controlArc);
  segment.still = segment.arc === 0 && quatArcAngle(q0, s0) === 0 && quatArcAngle(q1, s1) === 0;
  return segment;
}

// Scratch quaternions for evaluation: sampling runs synchronously, so sharing them is safe
// and keeps a 49-frame shot sample free of per-joint garbage.
const onChord: Quat = [0, 0, 0, 1];
const onControls: Quat = [0, 0, 0, 1];

/** The segment's rotation at u in [0, 1], written into out (unit length). */
export function evaluateRotationSegment(segment: RotationSegment, u: number, out: Quat): Quat {
  const { s0, s1 } = segment;
  if (segment.still) {
    out[0] = segment.q0[0];
    out[1] = segment.q0[1];
    out[2] = segment.q0[2];
    out[3] = segment.q0[3];
    return out;
  }
  if (!s0 || !s1) return slerpWithAngle(segment.q0, segment.q1, segment.arc, u, out, segment.arcSin);
  slerpWithAngle(segment.q0, segment.q1, segment.arc, u, onChord, segment.arcSin);
  slerpWithAngle(s0, s1, segment.controlArc, u, onControls, segment.controlArcSin);
  return slerpWithAngle(onChord, onControls, quatArcAngle(onChord, onControls), 2 * u * (1 - u), out);
}
