import { describe, expect, it } from 'vitest';
import { toTakeView } from '../../../src/main/generation/views';
import { activeFilters, fmtDb, NO_FILTER, visibleTakes, withStatic } from '../../../src/renderer/src/generation/bin-view';
import { diffHeat, HEAT_LUT } from '../../../src/renderer/src/generation/diff-heat';
import { newTakeRecord } from '../../../src/shared/model/take';

/** The shot bin's sorting, filtering and figures, and the compare view's difference heat map (pure functions). */
function take(
  n: number,
  over: {
    rating?: number;
    flagged?: boolean;
    tags?: string[];
    status?: 'done' | 'failed' | 'queued';
    psnr?: number | null;
    seed?: number;
    createdAt?: string;
  },
) {
  const base = newTakeRecord({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    shotId: null,
    name: `Shot take ${n}`,
    params: { modelId: 'm', prompt: '', negativePrompt: '', seed: over.seed ?? n, steps: 2, guidance: 1, provider: 'cpu' },
    model: { id: 'm', name: 'M', version: '1', baseline: true, hash: 'a'.repeat(64) },
    appVersion: 'test',
    now: new Date(over.createdAt ?? `2026-01-01T00:00:0${n}Z`),
  });
  const metrics =
    over.psnr === undefined || over.psnr === null
      ? null
      : ({ reference: { psnr: over.psnr }, staticBaseline: null, consistency: null, flicker: null } as unknown as typeof base.metrics);
  return toTakeView({
    ...base,
    status: over.status ?? 'done',
    review: { rating: over.rating ?? 0, flagged: over.flagged ?? false, tags: over.tags ?? [], note: '' },
    metrics,
  });
}

describe('bin view', () => {
  const takes = [
    take(1, { rating: 3, psnr: 21.5, tags: ['drawer'] }),
    take(2, { rating: 5, psnr: null, flagged: true }),
    take(3, { rating: 1, psnr: 23.0, status: 'failed' }),
    take(4, { rating: 4, psnr: 22.1, tags: ['drawer', 'good'] }),
  ];
  const names = (list: typeof takes) => list.map((t) => t.name);

  it('sorts newest first, by rating, by seed, and by a figure with missing figures last', () => {
    expect(names(visibleTakes(takes, 'newest', NO_FILTER))).toEqual(['Shot take 4', 'Shot take 3', 'Shot take 2', 'Shot take 1']);
    expect(names(visibleTakes(takes, 'oldest', NO_FILTER))[0]).toBe('Shot take 1');
    expect(names(visibleTakes(takes, 'rating', NO_FILTER))).toEqual(['Shot take 2', 'Shot take 4', 'Shot take 1', 'Shot take 3']);
    expect(names(visibleTakes(takes, 'psnr', NO_FILTER))).toEqual(['Shot take 3', 'Shot take 4', 'Shot take 1', 'Shot take 2']);
  });

  it('filters by status, rating, flag and tag, and counts the active filters', () => {
    const f = { ...NO_FILTER, status: 'done' as const, minRating: 3, tag: 'drawer' };
    expect(names(visibleTakes(takes, 'newest', f))).toEqual(['Shot take 4', 'Shot take 1']);
    expect(activeFilters(f)).toBe(3);
    expect(names(visibleTakes(takes, 'newest', { ...NO_FILTER, flaggedOnly: true }))).toEqual(['Shot take 2']);
  });

  it('shows a figure beside the static baseline, and a dash when missing', () => {
    expect(withStatic(24.06, 21.3, fmtDb)).toBe('24.1 dB (static 21.3)');
    expect(withStatic(null, null, fmtDb)).toBe('—');
  });
});

describe('difference heat map', () => {
  it('is black where the frames agree and hot where they differ, with statistics', () => {
    const a = new Uint8ClampedArray([10, 10, 10, 255, 100, 100, 100, 255]);
    const b = new Uint8ClampedArray([10, 10, 10, 255, 0, 0, 0, 255]);
    const out = new Uint8ClampedArray(8);
    const stats = diffHeat(a, b, out, 1);
    expect(stats).toEqual({ mean: 50, max: 100, over8: 0.5 });
    expect([...out.slice(0, 3)]).toEqual([...HEAT_LUT.slice(0, 3)]);
    expect([...out.slice(4, 7)]).toEqual([...HEAT_LUT.slice(300, 303)]);
    expect(out[3]).toBe(255);
    // Gain saturates at the top of the ramp.
    diffHeat(a, b, out, 16);
    expect([...out.slice(4, 7)]).toEqual([...HEAT_LUT.slice(765, 768)]);
  });
});
