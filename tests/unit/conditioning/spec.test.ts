import { describe, expect, it } from 'vitest';
import { ConditioningSpec, DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';

describe('ConditioningSpec', () => {
  it('the default is the reference real-data look and valid', () => {
    expect(ConditioningSpec.parse(DEFAULT_CONDITIONING_SPEC)).toEqual({
      width: 720,
      height: 480,
      frames: 49,
      fps: 8,
      background: [0, 0, 0],
      handColours: { left: [150, 235, 150], right: [230, 115, 115] },
      shading: 'lambert',
      fovYDefault: 67.38,
    });
  });

  it('the default cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_CONDITIONING_SPEC.handColours.left)).toBe(true);
  });

  it('refuses odd sizes, colours outside 0-255 and unknown shading', () => {
    const bad = [
      { ...DEFAULT_CONDITIONING_SPEC, width: 721 },
      { ...DEFAULT_CONDITIONING_SPEC, background: [0, 0, 256] },
      { ...DEFAULT_CONDITIONING_SPEC, shading: 'phong' },
      { ...DEFAULT_CONDITIONING_SPEC, fps: 0 },
    ];
    for (const b of bad) expect(ConditioningSpec.safeParse(b).success).toBe(false);
    expect(ConditioningSpec.safeParse({ ...DEFAULT_CONDITIONING_SPEC, width: 721 }).error?.issues[0]?.message).toMatch(
      /even number of pixels/,
    );
  });
});
