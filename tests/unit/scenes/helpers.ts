import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import type { Bounds } from '../../../src/shared/scene/schema';

export async function makeTempDir(prefix: string): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
}

export function expectBoundsClose(actual: Bounds, expected: Bounds, tolerance: number): void {
  for (const key of ['min', 'max'] as const) {
    for (let k = 0; k < 3; k++) {
      const a = actual[key][k] as number;
      const e = expected[key][k] as number;
      expect(Math.abs(a - e), `${key}[${k}]: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance);
    }
  }
}

/** Await a promise that must reject with an ApiError; returns it for further checks. */
export async function expectApiError(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(ApiError);
  return err as ApiError;
}
