import type { Interpolation } from './schema';

/**
 * The shape every channel of schema.ts shares, generic in the value, so sampling and editing
 * are written once for scalars, vectors, quaternions, finger poses and booleans.
 */

/** Manual bezier handles of one component: [frames, value delta] relative to the key. */
export interface KeyHandles {
  in: [number, number];
  out: [number, number];
}

export interface Key<V> {
  id: string;
  frame: number;
  value: V;
  /** How the value travels from this key to the next one. */
  interpolation: Interpolation;
  handles?: KeyHandles[] | undefined;
}

export interface Channel<V> {
  keys: Key<V>[];
}

/**
 * Index of the last key at or before frame: -1 before the first key (and for NaN), keys.length
 * - 1 at or after the last. Binary search, so long channels sample in O(log n).
 */
export function keyIndexAtOrBefore(keys: readonly { frame: number }[], frame: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  if (hi < 0 || !((keys[0] as { frame: number }).frame <= frame)) return -1;
  // Invariant: keys[lo].frame <= frame; the answer lies in [lo, hi].
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((keys[mid] as { frame: number }).frame <= frame) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the key exactly at frame, or -1. */
export function keyIndexAt(keys: readonly { frame: number }[], frame: number): number {
  const i = keyIndexAtOrBefore(keys, frame);
  return i >= 0 && (keys[i] as { frame: number }).frame === frame ? i : -1;
}
