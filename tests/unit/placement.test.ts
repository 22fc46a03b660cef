import { Box3, Matrix3, Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { applyMatrix, placedBounds, placementMatrix } from '../../src/shared/scene/placement';
import type { Bounds, Placement, Vec3 } from '../../src/shared/scene/schema';

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** Element-wise closeness; plain toEqual would also tell 0 from -0, which does not matter here. */
function expectClose(actual: readonly number[], expected: readonly number[], digits = 9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(v, `element ${i} of [${actual.join(', ')}]`).toBeCloseTo(expected[i] as number, digits);
  });
}

function expectBoundsClose(actual: Bounds, expected: Bounds, digits = 9): void {
  expectClose(actual.min, expected.min, digits);
  expectClose(actual.max, expected.max, digits);
}

/** The upper-left 3x3 of a column-major 4x4, as a three.js Matrix3. */
function linearPart(m: readonly number[]): Matrix3 {
  return new Matrix3().setFromMatrix4(new Matrix4().fromArray(m as number[]));
}

/** A small seeded generator, so a failure can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBounds(rand: () => number): Bounds {
  const a: Vec3 = [rand() * 400 - 200, rand() * 400 - 200, rand() * 400 - 200];
  const size: Vec3 = [rand() * 300 + 0.5, rand() * 300 + 0.5, rand() * 300 + 0.5];
  return { min: a, max: [a[0] + size[0], a[1] + size[1], a[2] + size[2]] };
}

function randomPlacement(rand: () => number): Placement {
  const scales = [1, 0.01, 0.001, 0.0254, 2.5];
  return {
    unitScale: scales[Math.floor(rand() * scales.length)] as number,
    upAxis: rand() < 0.5 ? 'y' : 'z',
    recenter: rand() < 0.5,
  };
}

/**
 * The same placement built independently with three.js: rotate the up axis (-90 degrees about X
 * for Z-up), scale, then translate so that the placed box sits centred on the floor.
 */
function threePlacement(placement: Placement, bounds: Bounds): Matrix4 {
  const rotation = placement.upAxis === 'z' ? new Matrix4().makeRotationX(-Math.PI / 2) : new Matrix4();
  const s = placement.unitScale;
  const linear = new Matrix4().makeScale(s, s, s).multiply(rotation);
  if (!placement.recenter) return linear;
  const box = new Box3(new Vector3(...bounds.min), new Vector3(...bounds.max)).applyMatrix4(linear);
  const centre = box.getCenter(new Vector3());
  const translation = new Matrix4().makeTranslation(-centre.x, -box.min.y, -centre.z);
  return translation.multiply(linear);
}

const SOME_BOUNDS: Bounds = { min: [-3, 4, 10], max: [7, 9, 30] };

describe('placementMatrix', () => {
  it('is the identity for unit scale, Y up and no recentring', () => {
    const m = placementMatrix({ unitScale: 1, upAxis: 'y', recenter: false }, SOME_BOUNDS);
    expectClose(m, IDENTITY);
    expect(m).toHaveLength(16);
  });

  it('is a 4x4 with an affine last row (elements 3, 7, 11 zero; 15 one)', () => {
    const rand = mulberry32(7);
    for (let i = 0; i < 20; i++) {
      const m = placementMatrix(randomPlacement(rand), randomBounds(rand));
      expect(m).toHaveLength(16);
      expectClose([m[3], m[7], m[11], m[15]] as number[], [0, 0, 0, 1]);
    }
  });

  it('scales by unitScale on the diagonal', () => {
    const m = placementMatrix({ unitScale: 0.01, upAxis: 'y', recenter: false }, SOME_BOUNDS);
    expectClose(m, [0.01, 0, 0, 0, 0, 0.01, 0, 0, 0, 0, 0.01, 0, 0, 0, 0, 1]);
  });

  it('maps a Z-up file (x, y, z) to world (x, z, -y)', () => {
    const m = placementMatrix({ unitScale: 1, upAxis: 'z', recenter: false }, SOME_BOUNDS);
    expectClose(applyMatrix(m, [1, 2, 3]), [1, 3, -2]);
    // The file's up (z) becomes the world's up (y): a point 2 units up stays 2 units up.
    expectClose(applyMatrix(m, [0, 0, 2]), [0, 2, 0]);
    // The file's y (forward, for most scanners) goes to world -z.
    expectClose(applyMatrix(m, [0, 1, 0]), [0, 0, -1]);
    expectClose(applyMatrix(m, [1, 0, 0]), [1, 0, 0]);
  });

  it('uses a proper rotation for Z up: orthonormal, determinant +1, right-handed', () => {
    const m = placementMatrix({ unitScale: 1, upAxis: 'z', recenter: false }, SOME_BOUNDS);
    const r = linearPart(m);
    expect(r.determinant()).toBeCloseTo(1, 12);
    // R^T R = I.
    const rtr = r.clone().transpose().multiply(r);
    expectClose(rtr.elements, new Matrix3().identity().elements);
    // The image of x cross the image of y is the image of z: handedness is kept (no mirror).
    const ex = new Vector3(...applyMatrix(m, [1, 0, 0]));
    const ey = new Vector3(...applyMatrix(m, [0, 1, 0]));
    const ez = new Vector3(...applyMatrix(m, [0, 0, 1]));
    expectClose(new Vector3().crossVectors(ex, ey).toArray(), ez.toArray());
  });

  it('has determinant unitScale^3 (scale without mirroring) for every placement', () => {
    const rand = mulberry32(11);
    for (let i = 0; i < 20; i++) {
      const placement = randomPlacement(rand);
      const det = linearPart(placementMatrix(placement, randomBounds(rand))).determinant();
      expect(det).toBeGreaterThan(0);
      expect(det).toBeCloseTo(placement.unitScale ** 3, 12);
    }
  });

  it('is column-major: the recentring translation sits in elements 12..14', () => {
    // Bounds off the origin, so the translation is non-zero on every axis.
    const bounds: Bounds = { min: [10, 20, 30], max: [14, 26, 40] };
    const m = placementMatrix({ unitScale: 1, upAxis: 'y', recenter: true }, bounds);
    expectClose(m.slice(12, 15), [-12, -20, -35]);
    expectClose(m.slice(0, 12), IDENTITY.slice(0, 12));
    // three.js reads the same array as the same translation.
    const fromThree = new Matrix4().makeTranslation(-12, -20, -35).elements;
    expectClose(m, fromThree);
    expectClose(new Vector3().setFromMatrixPosition(new Matrix4().fromArray(m)).toArray(), [-12, -20, -35]);
  });

  it('adds no translation when recenter is off, wherever the bounds are', () => {
    const m = placementMatrix({ unitScale: 0.01, upAxis: 'z', recenter: false }, { min: [500, 600, 700], max: [900, 800, 1000] });
    expectClose(m.slice(12, 15), [0, 0, 0]);
  });

  it('agrees with an independent three.js computation for random placements', () => {
    const rand = mulberry32(2025);
    for (let i = 0; i < 50; i++) {
      const placement = randomPlacement(rand);
      const bounds = randomBounds(rand);
      const ours = placementMatrix(placement, bounds);
      const theirs = threePlacement(placement, bounds).elements;
      expectClose(ours, theirs, 9);
    }
  });

  it('covers each combination of up axis and recentring against three.js', () => {
    const bounds: Bounds = { min: [-120, 35, -8], max: [260, 410, 95] };
    for (const upAxis of ['y', 'z'] as const) {
      for (const recenter of [false, true]) {
        for (const unitScale of [1, 0.01]) {
          const placement = { unitScale, upAxis, recenter };
          expectClose(placementMatrix(placement, bounds), threePlacement(placement, bounds).elements, 9);
        }
      }
    }
  });
});

describe('applyMatrix', () => {
  it('returns the point unchanged for the identity', () => {
    expectClose(applyMatrix(IDENTITY, [1.5, -2, 3.25]), [1.5, -2, 3.25]);
  });

  it('reads the matrix column-major, as three.js Matrix4.fromArray does', () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 20; i++) {
      const elements = Array.from({ length: 16 }, () => rand() * 10 - 5);
      // An affine matrix: applyMatrix ignores the projective row.
      elements[3] = 0;
      elements[7] = 0;
      elements[11] = 0;
      elements[15] = 1;
      const p: Vec3 = [rand() * 100 - 50, rand() * 100 - 50, rand() * 100 - 50];
      const expected = new Vector3(...p).applyMatrix4(new Matrix4().fromArray(elements)).toArray();
      expectClose(applyMatrix(elements, p), expected, 9);
    }
  });

  it('agrees with three.js for points under random placements', () => {
    const rand = mulberry32(314);
    for (let i = 0; i < 20; i++) {
      const placement = randomPlacement(rand);
      const bounds = randomBounds(rand);
      const m = placementMatrix(placement, bounds);
      const three = threePlacement(placement, bounds);
      const p: Vec3 = [rand() * 400 - 200, rand() * 400 - 200, rand() * 400 - 200];
      expectClose(applyMatrix(m, p), new Vector3(...p).applyMatrix4(three).toArray(), 9);
    }
  });
});

describe('placedBounds', () => {
  it('returns the bounds unchanged for the identity placement', () => {
    expectBoundsClose(placedBounds({ unitScale: 1, upAxis: 'y', recenter: false }, SOME_BOUNDS), SOME_BOUNDS);
  });

  it('scales the bounds by unitScale', () => {
    const placed = placedBounds({ unitScale: 0.01, upAxis: 'y', recenter: false }, { min: [-100, 0, -250], max: [300, 240, 50] });
    expectBoundsClose(placed, { min: [-1, 0, -2.5], max: [3, 2.4, 0.5] });
  });

  it('maps Z-up bounds to Y up: file z becomes world y, file y becomes world -z', () => {
    const placed = placedBounds({ unitScale: 1, upAxis: 'z', recenter: false }, { min: [-1, 2, 0], max: [3, 5, 2] });
    expectBoundsClose(placed, { min: [-1, 0, -5], max: [3, 2, -2] });
  });

  it('recentres: min y at 0 and the x/z centre at 0, for arbitrary bounds', () => {
    const rand = mulberry32(42);
    for (let i = 0; i < 30; i++) {
      const bounds = randomBounds(rand);
      const unitScale = [1, 0.01, 0.001][i % 3] as number;
      const upAxis = i % 2 === 0 ? 'y' : 'z';
      const placed = placedBounds({ unitScale, upAxis, recenter: true }, bounds);
      expect(placed.min[1]).toBeCloseTo(0, 9);
      expect((placed.min[0] + placed.max[0]) / 2).toBeCloseTo(0, 9);
      expect((placed.min[2] + placed.max[2]) / 2).toBeCloseTo(0, 9);
      // Recentring only moves the scene: the size is the scaled size, axes swapped for Z up.
      const size = [0, 1, 2].map((k) => ((bounds.max[k] as number) - (bounds.min[k] as number)) * unitScale);
      const expectedSize = upAxis === 'z' ? [size[0], size[2], size[1]] : size;
      expectClose(
        [0, 1, 2].map((k) => (placed.max[k] as number) - (placed.min[k] as number)),
        expectedSize as number[],
        9,
      );
    }
  });

  it('recentres a Z-up scan in centimetres onto the floor, centred', () => {
    // A room scanned in cm with Z up: 4 m wide (x), 2 m deep (file y), 2 m tall (file z), 10 cm above the file's origin.
    const bounds: Bounds = { min: [-100, -50, 10], max: [300, 150, 210] };
    const placement: Placement = { unitScale: 0.01, upAxis: 'z', recenter: true };
    expectBoundsClose(placedBounds(placement, bounds), { min: [-2, 0, -1], max: [2, 2, 1] });
    const m = placementMatrix(placement, bounds);
    expectClose(m.slice(12, 15), [-1, -0.1, 0.5]);
    // The floor corner of the file (lowest z) lands on y = 0; the top on y = 2 m.
    expect(applyMatrix(m, [-100, -50, 10])[1]).toBeCloseTo(0, 9);
    expect(applyMatrix(m, [300, 150, 210])[1]).toBeCloseTo(2, 9);
  });

  it('agrees with a three.js Box3 transformed by the three.js placement', () => {
    const rand = mulberry32(8);
    for (let i = 0; i < 20; i++) {
      const placement = randomPlacement(rand);
      const bounds = randomBounds(rand);
      const box = new Box3(new Vector3(...bounds.min), new Vector3(...bounds.max)).applyMatrix4(threePlacement(placement, bounds));
      expectBoundsClose(placedBounds(placement, bounds), { min: box.min.toArray(), max: box.max.toArray() }, 9);
    }
  });

  it('does not change the bounds it is given', () => {
    const bounds: Bounds = { min: [-100, -50, 10], max: [300, 150, 210] };
    const copy = structuredClone(bounds);
    placedBounds({ unitScale: 0.01, upAxis: 'z', recenter: true }, bounds);
    placementMatrix({ unitScale: 0.01, upAxis: 'z', recenter: true }, bounds);
    expect(bounds).toEqual(copy);
  });
});
