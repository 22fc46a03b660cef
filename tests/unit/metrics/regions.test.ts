import { describe, expect, it } from 'vitest';
import { dilateSquare, dilateTime, interactionRegion, maxChannelAbove, maxChannelDiffAbove } from '../../../src/main/metrics/regions';
import { computeTakeMetrics } from '../../../src/main/metrics/take-metrics';
import type { DecodedVideo } from '../../../src/main/services/conditioning/ffmpeg';
import { ApiError } from '../../../src/shared/api/errors';
import { TakeMetrics } from '../../../src/shared/model/metrics';

/**
 * The interaction region and the figures that depend on it, on synthetic frames whose changes
 * are placed where the answer is known by hand.
 *
 * Layout (64x48, 5 frames): a textured static room; a hand (8x8 square at x 40-47, y 16-23) in
 * frame 2 only. With the hand dilated 6 px and +-1 frame, the region is x 34-53, y 10-29 (400
 * px) in frames 1-3 and empty in frames 0 and 4. The ground truth is the static room with the
 * hand square brightened by 60 in frames 1-3; that change (dilated 2 px) lies inside the hand
 * region, so the region stays the same.
 */

const W = 64;
const H = 48;
const T = 5;
const PIXELS = W * H;
const PARAMS = { handDilatePx: 6, handDilateFrames: 1, changeDilatePx: 2 };
const REGION_PX = 20 * 20;
const OUTSIDE_PX = T * PIXELS - 3 * REGION_PX;

type Rect = { x0: number; x1: number; y0: number; y1: number };
const HAND: Rect = { x0: 40, x1: 48, y0: 16, y1: 24 };

function video(frames: Uint8Array[]): DecodedVideo {
  return { width: W, height: H, frames };
}

/** Texture 40..189 in every channel: +-60 never clips. */
function room(): Uint8Array[] {
  return Array.from({ length: T }, (_, t) => {
    const f = new Uint8Array(PIXELS * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) f[(y * W + x) * 4 + c] = 40 + ((x * 7 + y * 13 + c * 29 + t * 3) % 150);
        f[(y * W + x) * 4 + 3] = 255;
      }
    }
    return f;
  });
}

/** Copies of `frames` with `delta` added to every channel inside `rect` in the given frames (the callers keep it within 0-255). */
function shifted(frames: Uint8Array[], rect: Rect, delta: number, which: number[]): Uint8Array[] {
  return frames.map((f, t) => {
    const out = f.slice();
    if (!which.includes(t)) return out;
    for (let y = rect.y0; y < rect.y1; y++) {
      for (let x = rect.x0; x < rect.x1; x++)
        for (let c = 0; c < 3; c++) out[(y * W + x) * 4 + c] = (f[(y * W + x) * 4 + c] as number) + delta;
    }
    return out;
  });
}

function handVideo(): Uint8Array[] {
  return Array.from({ length: T }, (_, t) => {
    const f = new Uint8Array(PIXELS * 4);
    for (let p = 0; p < PIXELS; p++) f[p * 4 + 3] = 255;
    if (t === 2) {
      for (let y = HAND.y0; y < HAND.y1; y++) {
        for (let x = HAND.x0; x < HAND.x1; x++) f.set([200, 150, 120], (y * W + x) * 4);
      }
    }
    return f;
  });
}

const psnr = (mse: number) => 10 * Math.log10((255 * 255) / mse);

function setup() {
  const stat = room();
  const reference = shifted(stat, HAND, 60, [1, 2, 3]);
  return { stat, reference, hands: handVideo() };
}

function measure(take: Uint8Array[], s = setup()) {
  return computeTakeMetrics(
    { take: video(take), reference: video(s.reference), static: video(s.stat), hands: video(s.hands) },
    { region: PARAMS },
  );
}

describe('region building blocks', () => {
  it('dilates by a square (Chebyshev distance), clipped at the frame edge', () => {
    const m = new Uint8Array(10 * 8);
    m[3 * 10 + 1] = 1; // (1, 3)
    const d = dilateSquare(m, 10, 8, 2);
    const set: string[] = [];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) if (d[y * 10 + x]) set.push(`${x},${y}`);
    expect(set.length).toBe(4 * 5); // x 0..3 (clipped at 0), y 1..5
    expect(set).toContain('0,1');
    expect(set).toContain('3,5');
    expect(set).not.toContain('4,3');
    expect(dilateSquare(new Uint8Array(80), 10, 8, 3).every((v) => v === 0)).toBe(true);
  });

  it('dilates in time by +-r frames', () => {
    const masks = [0, 0, 1, 0, 0, 0].map((v) => new Uint8Array([v, 0, 0, 0, 0]));
    expect(dilateTime(masks, 1).map((m) => m[0])).toEqual([0, 1, 1, 1, 0, 0]);
  });

  it('thresholds the hand video on max(R, G, B) > 24 and the change on max channel |a - b| > 24', () => {
    const f = new Uint8Array([24, 24, 24, 255, 0, 25, 0, 255]);
    expect([...maxChannelAbove(f, 2, 24)]).toEqual([0, 1]);
    const g = new Uint8Array([0, 0, 48, 255, 24, 0, 0, 255]);
    expect([...maxChannelDiffAbove(f, g, 2, 24)]).toEqual([0, 1]);
    expect([...maxChannelDiffAbove(f, new Uint8Array([24, 24, 49, 0, 0, 25, 26, 0]), 2, 24)]).toEqual([1, 1]);
  });

  it('builds the region from the hands, dilated in space and time, plus the change inside it', () => {
    const s = setup();
    const r = interactionRegion({ width: W, height: H, hands: s.hands, reference: s.reference, static: s.stat, params: PARAMS });
    expect(r.source).toBe('hands+change');
    expect(r.masks.map((m) => m.reduce((a, v) => a + v, 0))).toEqual([0, REGION_PX, REGION_PX, REGION_PX, 0]);
    const m = r.masks[1] as Uint8Array;
    expect(m[10 * W + 34]).toBe(1);
    expect(m[29 * W + 53]).toBe(1);
    expect(m[9 * W + 34]).toBe(0);
    expect(m[10 * W + 54]).toBe(0);
    expect(interactionRegion({ width: W, height: H, hands: s.hands, params: PARAMS }).source).toBe('hands');
  });
});

describe('region metrics and scene consistency on known changes', () => {
  it('a perfect take: every PSNR at the cap, SSIM 1, consistency at its maximum', () => {
    const s = setup();
    const m = measure(s.reference, s);
    expect(() => TakeMetrics.parse(m)).not.toThrow();
    expect(m.region).toMatchObject({ source: 'hands+change', fraction: (3 * REGION_PX) / (T * PIXELS) });
    expect(m.reference).toMatchObject({ psnr: 100, psnrClip: 100, identical: true, ssim: 1, regionPsnr: 100, regionSsim: 1 });
    expect(m.consistency).toEqual({ psnr: 100, ssim: 1, referencePsnr: 100, referenceSsim: 1 });
    // The do-nothing baseline: right outside the region, wrong by 60 on the 64 hand pixels of frames 1-3.
    const base = m.staticBaseline;
    expect(base?.identical).toBe(false);
    expect(base?.regionPsnr).toBeCloseTo(psnr((3 * 64 * 3600) / (3 * REGION_PX)), 9);
    expect(base?.psnrClip).toBeCloseTo(psnr((3 * 64 * 3600) / (T * PIXELS)), 9);
    expect(base?.perFrame.psnr[0]).toBe(100);
    expect(base?.perFrame.psnr[2]).toBeCloseTo(psnr((64 * 3600) / PIXELS), 9);
    expect(base?.psnr).toBeCloseTo((2 * 100 + 3 * psnr((64 * 3600) / PIXELS)) / 5, 9);
    expect(base?.ssim).toBeLessThan(1);
    expect(base?.regionSsim).toBeLessThan(1);
    expect(m.referenceFlicker).toBe(m.flicker);
    expect(base?.flicker).toBeGreaterThan(0);
  });

  it('a change outside the region moves consistency and the whole-frame figures, not the region figures', () => {
    const s = setup();
    const outside: Rect = { x0: 2, x1: 12, y0: 2, y1: 10 }; // 80 px, more than 5 px (the SSIM window) from the region
    const m = measure(shifted(s.reference, outside, 20, [0]), s);
    expect(m.consistency?.psnr).toBeCloseTo(psnr((80 * 400) / OUTSIDE_PX), 9);
    expect(m.consistency?.ssim).toBeLessThan(1);
    expect(m.consistency?.referencePsnr).toBe(100);
    expect(m.reference?.regionPsnr).toBe(100);
    expect(m.reference?.regionSsim).toBe(1);
    expect(m.reference?.identical).toBe(false);
    expect(m.reference?.psnrClip).toBeCloseTo(psnr((80 * 400) / (T * PIXELS)), 9);
    expect(m.reference?.perFrame.psnr[0]).toBeCloseTo(psnr((80 * 400) / PIXELS), 9);
    expect(m.reference?.perFrame.psnr.slice(1)).toEqual([100, 100, 100, 100]);
    expect(m.reference?.perFrame.ssim[0]).toBeLessThan(1);
    expect(m.reference?.perFrame.ssim.slice(1)).toEqual([1, 1, 1, 1]);
  });

  it('a change inside the region moves the region figures, not consistency', () => {
    const s = setup();
    const inside: Rect = { x0: 42, x1: 46, y0: 18, y1: 22 }; // 16 px, 8 px from the region's edge
    const m = measure(shifted(s.reference, inside, -20, [2]), s);
    expect(m.consistency).toEqual({ psnr: 100, ssim: 1, referencePsnr: 100, referenceSsim: 1 });
    expect(m.reference?.regionPsnr).toBeCloseTo(psnr((16 * 400) / (3 * REGION_PX)), 9);
    expect(m.reference?.regionSsim).toBeLessThan(1);
    expect(m.reference?.psnrClip).toBeCloseTo(psnr((16 * 400) / (T * PIXELS)), 9);
  });

  it('the static video as the take: consistency at its maximum, the same scores as the baseline', () => {
    const s = setup();
    const m = measure(s.stat, s);
    expect(m.consistency?.psnr).toBe(100);
    expect(m.consistency?.ssim).toBe(1);
    const { flicker: _f, ...base } = m.staticBaseline as NonNullable<typeof m.staticBaseline>;
    expect(m.reference).toEqual(base);
  });

  it('flicker is the mean absolute difference of consecutive frames', () => {
    const frames = [0, 10, 10, 40].map((v) => new Uint8Array(PIXELS * 4).fill(v));
    const m = computeTakeMetrics({ take: video(frames) });
    // |10-0|, |10-10|, |40-10| over every pixel and channel (alpha included in the fill but ignored).
    expect(m.flicker).toBeCloseTo((10 + 0 + 30) / 3, 12);
    expect(m).toMatchObject({ reference: null, consistency: null, region: null, staticBaseline: null, referenceFlicker: null });
    expect(computeTakeMetrics({ take: video([frames[0] as Uint8Array]) }).flicker).toBeNull();
  });

  it('without a reference: the region is the hands alone, consistency has no reference figures', () => {
    const s = setup();
    const m = computeTakeMetrics({ take: video(s.stat), static: video(s.stat), hands: video(s.hands) }, { region: PARAMS });
    expect(m.region?.source).toBe('hands');
    expect(m.consistency).toEqual({ psnr: 100, ssim: 1, referencePsnr: null, referenceSsim: null });
    expect(m.reference).toBeNull();
    expect(m.staticBaseline).toBeNull();
  });

  it('refuses videos whose size or frame count differs from the take', () => {
    const s = setup();
    const short = { take: video(s.stat), reference: video(s.reference.slice(0, 4)) };
    expect(() => computeTakeMetrics(short)).toThrow(ApiError);
    expect(() => computeTakeMetrics(short)).toThrow(
      'reference video has 4 frames but take video has 5; the videos must have the same number of frames',
    );
    const small = { take: video(s.stat), hands: { width: 32, height: 48, frames: s.hands } };
    expect(() => computeTakeMetrics(small)).toThrow('hand video is 32x48 but take video is 64x48; the videos must have the same size');
    const tiny = (v: number) => ({ width: 8, height: 8, frames: [new Uint8Array(256).fill(v), new Uint8Array(256).fill(v + 3)] });
    expect(() => computeTakeMetrics({ take: tiny(0), reference: tiny(1) })).toThrow(
      'the videos are 8x8; SSIM needs frames of at least 11x11 px',
    );
    expect(computeTakeMetrics({ take: tiny(0) }).flicker).toBeCloseTo(3, 12);
  });
});
