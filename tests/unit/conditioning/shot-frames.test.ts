import { describe, expect, it } from 'vitest';
import { sampleShot } from '../../../src/shared/animation/sample';
import type { Shot } from '../../../src/shared/animation/schema';
import { conditioningSampler, sampleConditioningFrames, shotFrameOf } from '../../../src/shared/conditioning/shot-frames';
import { DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';
import { createShot } from '../../../src/shared/shot/create-shot';

/** How the model's conditioning frames map onto a shot with its own length and rate. */

let key = 0;
function movingShot(opts: { fovKeyed: boolean }): Shot {
  const shot = createShot({
    id: '11111111-2222-4333-8444-555555555555',
    name: 'S',
    frames: 49,
    fps: 8,
    sceneId: null,
    camera: { position: [0, 1.6, 0], rotation: [0, 0, 0, 1], fovY: 50 },
    newKeyId: () => `k${++key}`,
  });
  shot.camera.position.keys.push({ id: `k${++key}`, frame: 48, value: [4.8, 1.6, 0], interpolation: 'linear' });
  if (shot.camera.position.keys[0]) shot.camera.position.keys[0].interpolation = 'linear';
  if (!opts.fovKeyed) shot.camera.fovY.keys = [];
  return shot;
}

describe('conditioning frames of a shot', () => {
  it('maps by time: the same rate is frame for frame, half the rate skips every other frame, past the end holds the last', () => {
    const shot = { frames: 49, fps: 8 };
    expect([0, 1, 9].map((i) => shotFrameOf(i, { fps: 8 }, shot))).toEqual([0, 1, 9]);
    expect([0, 1, 24].map((i) => shotFrameOf(i, { fps: 4 }, shot))).toEqual([0, 2, 48]);
    expect([1, 3].map((i) => shotFrameOf(i, { fps: 16 }, shot))).toEqual([0.5, 1.5]);
    expect(shotFrameOf(60, { fps: 8 }, shot)).toBe(48);
  });

  it("gives the model's frame count, the shot's poses at those times, and the model's field of view only where the shot keys none", () => {
    const spec = { ...DEFAULT_CONDITIONING_SPEC, frames: 9, fps: 4, fovYDefault: 70 };
    const keyed = movingShot({ fovKeyed: true });
    const poses = sampleConditioningFrames(keyed, spec);
    expect(poses).toHaveLength(9);
    expect(poses[3]).toEqual(sampleShot(keyed, 6));
    expect(poses[3]?.camera.position[0]).toBeCloseTo(0.6, 9);
    expect(poses[3]?.camera.fovY).toBe(50);
    const unkeyed = movingShot({ fovKeyed: false });
    expect(conditioningSampler(unkeyed, spec)(3).camera.fovY).toBe(70);
  });
});
