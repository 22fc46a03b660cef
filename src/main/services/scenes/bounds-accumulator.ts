import type { Bounds } from '../../../shared/scene/schema';
import { badInput } from './scene-errors';

/**
 * Running min/max over positions without keeping them, so a million-point file needs no
 * per-point memory. Non-finite positions are counted (and the first one located) rather
 * than thrown on at once, so the error can say how many there are.
 */
export class BoundsAccumulator {
  minX = Number.POSITIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  minZ = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY;
  maxY = Number.NEGATIVE_INFINITY;
  maxZ = Number.NEGATIVE_INFINITY;
  /** Finite positions added. */
  count = 0;
  nonFinite = 0;
  /** Where the first non-finite position is, in words the format reader chose (e.g. "vertex 12"). */
  firstNonFinite: string | null = null;

  /** Returns false for a non-finite position; the caller may then describe where it is with noteFirstNonFinite. */
  add(x: number, y: number, z: number): boolean {
    // x - x is NaN for NaN and ±Infinity alike: one test for all three axes.
    if (Number.isNaN(x - x + (y - y) + (z - z))) {
      this.nonFinite++;
      return false;
    }
    this.count++;
    if (x < this.minX) this.minX = x;
    if (x > this.maxX) this.maxX = x;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
    if (z < this.minZ) this.minZ = z;
    if (z > this.maxZ) this.maxZ = z;
    return true;
  }

  /** Record the location of the first non-finite position; later calls are ignored. */
  noteFirstNonFinite(where: string): void {
    if (this.firstNonFinite === null) this.firstNonFinite = where;
  }

  toBounds(): Bounds {
    return { min: [this.minX, this.minY, this.minZ], max: [this.maxX, this.maxY, this.maxZ] };
  }
}

export interface GeometryCounts {
  triangles: number;
  points: number;
  splats: number;
}

/**
 * The checks every format shares, in the order a user would want to hear them: broken
 * numbers first (they also spoil the bounds), then nothing to show, then nothing to see.
 */
export function finishBounds(file: string, acc: BoundsAccumulator, counts: GeometryCounts): Bounds {
  if (acc.nonFinite > 0) {
    const where = acc.firstNonFinite ? `; first at ${acc.firstNonFinite}` : '';
    const noun = acc.nonFinite === 1 ? 'position is' : 'positions are';
    throw badInput(file, `${acc.nonFinite} ${noun} NaN or Infinity${where}`);
  }
  if (counts.triangles + counts.points + counts.splats === 0 || acc.count === 0) {
    throw badInput(file, 'contains no geometry (no triangles, points or splats)');
  }
  const bounds = acc.toBounds();
  if (bounds.min.every((v, i) => v === bounds.max[i])) {
    const [x, y, z] = bounds.min;
    throw badInput(file, `has zero size: every position is at (${x}, ${y}, ${z})`);
  }
  return bounds;
}
