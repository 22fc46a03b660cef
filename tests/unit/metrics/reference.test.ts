import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { capPsnr, framePsnr, frameSse, psnrFromMse } from '../../../src/main/metrics/psnr';
import { SSIM_RADIUS, SsimComputer } from '../../../src/main/metrics/ssim';
import { readVideoFramesRgba } from '../../../src/main/services/conditioning/ffmpeg';
import { predictionFrames, ROOT, referenceFrames, rgbDigest, SAMPLES, SKIP_MESSAGE, samplesPresent } from './helpers';

/**
 * PSNR and SSIM against scikit-image (tools/reference/make_metric_fixtures.py writes the
 * fixtures). Tolerances: PSNR's squared errors are summed as exact integers on both sides, so
 * only the final division and log10 round: 1e-9 dB. SSIM is float64 on both sides with the same
 * Gaussian weights; only the order of the additions differs, giving differences near 1e-15 per
 * pixel and far below 1e-9 in a mean. The tolerances are set at 1e-9 (PSNR, dB) and 1e-9
 * (SSIM), orders of magnitude above rounding and orders below anything a real bug would shift.
 */

interface SyntheticFixture {
  width: number;
  height: number;
  frames: number;
  rect: { x0: number; x1: number; y0: number; y1: number };
  sha256: { reference: string; prediction: string };
  perFrame: { psnr: (number | null)[]; ssim: number[]; rectSsim: number[] };
  clipMse: number;
}

interface RealFixture {
  reference: string;
  prediction: string;
  width: number;
  height: number;
  frames: number;
  sha256: { reference: string; prediction: string };
  perFrame: { psnr: (number | null)[]; ssim: number[] };
  clipMse: number;
  clipPsnr: number;
}

const load = <T>(name: string): T => JSON.parse(readFileSync(path.join(ROOT, 'tests/fixtures/metrics', name), 'utf8')) as T;
const PSNR_TOL = 1e-9;
const SSIM_TOL = 1e-9;

describe('PSNR and SSIM vs scikit-image, synthetic frames', () => {
  const fx = load<SyntheticFixture>('synthetic.json');
  const ref = referenceFrames(fx);
  const pred = predictionFrames(ref, fx);
  const pixels = fx.width * fx.height;

  it('reproduces the fixture frames exactly', () => {
    expect(rgbDigest(ref)).toBe(fx.sha256.reference);
    expect(rgbDigest(pred)).toBe(fx.sha256.prediction);
  });

  it('per-frame PSNR matches peak_signal_noise_ratio(data_range=255); identical frames are Infinity, stored as 100 dB', () => {
    for (let t = 0; t < fx.frames; t++) {
      const got = framePsnr(ref[t] as Uint8Array, pred[t] as Uint8Array, pixels);
      const want = fx.perFrame.psnr[t];
      if (want === null || want === undefined) {
        expect(got).toBe(Number.POSITIVE_INFINITY);
        expect(capPsnr(got)).toBe(100);
      } else {
        expect(Math.abs(got - want), `frame ${t}`).toBeLessThan(PSNR_TOL);
      }
    }
    let sse = 0;
    for (let t = 0; t < fx.frames; t++) sse += frameSse(ref[t] as Uint8Array, pred[t] as Uint8Array, pixels);
    expect(Math.abs(sse / (pixels * 3 * fx.frames) - fx.clipMse)).toBeLessThan(1e-9);
  });

  it('per-frame SSIM matches structural_similarity(gaussian_weights, sigma 1.5, population covariance, RGB averaged)', () => {
    const ssim = new SsimComputer(fx.width, fx.height);
    for (let t = 0; t < fx.frames; t++) {
      const got = ssim.compare(ref[t] as Uint8Array, pred[t] as Uint8Array);
      expect(Math.abs(got - (fx.perFrame.ssim[t] as number)), `frame ${t}`).toBeLessThan(SSIM_TOL);
    }
  });

  it("the SSIM map matches skimage's full map: its mean over a rectangle (edge band excluded) agrees", () => {
    const ssim = new SsimComputer(fx.width, fx.height);
    const mask = new Uint8Array(pixels);
    for (let y = fx.rect.y0; y < fx.rect.y1; y++) for (let x = fx.rect.x0; x < fx.rect.x1; x++) mask[y * fx.width + x] = 1;
    for (let t = 0; t < fx.frames; t++) {
      ssim.compare(ref[t] as Uint8Array, pred[t] as Uint8Array);
      const { inside: sum, insideCount: count, outside, outsideCount } = ssim.maskedSums(0, mask);
      const r = SSIM_RADIUS;
      expect(count).toBe(
        (Math.min(fx.rect.x1, fx.width - r) - Math.max(fx.rect.x0, r)) * (Math.min(fx.rect.y1, fx.height - r) - Math.max(fx.rect.y0, r)),
      );
      expect(Math.abs(sum / count - (fx.perFrame.rectSsim[t] as number)), `frame ${t}`).toBeLessThan(SSIM_TOL);
      expect(count + outsideCount).toBe((fx.width - 2 * r) * (fx.height - 2 * r));
      expect(Math.abs((sum + outside) / (count + outsideCount) - (fx.perFrame.ssim[t] as number))).toBeLessThan(SSIM_TOL);
    }
  });

  it('scores several pairs at once exactly as one at a time, and RGB (stride 3) as RGBA', () => {
    const ssim = new SsimComputer(fx.width, fx.height);
    const [a, b, c] = [ref[0], pred[0], pred[5]] as [Uint8Array, Uint8Array, Uint8Array];
    const many = ssim.compareMany(
      [a, b, c],
      [
        [0, 1],
        [0, 2],
        [2, 1],
      ],
    );
    expect(many[0]).toBeCloseTo(fx.perFrame.ssim[0] as number, 12);
    expect(many[1]).toBeCloseTo(new SsimComputer(fx.width, fx.height).compare(a, c), 12);
    expect(many[2]).toBeCloseTo(new SsimComputer(fx.width, fx.height).compare(c, b), 12);
    const rgb = (f: Uint8Array) => f.filter((_, i) => i % 4 !== 3);
    expect(ssim.compare(rgb(a), rgb(b), 3)).toBeCloseTo(fx.perFrame.ssim[0] as number, 12);
  });

  it('refuses frames smaller than the 11x11 window', () => {
    expect(() => new SsimComputer(10, 40)).toThrow(/at least 11x11/);
  });
});

describe('PSNR and SSIM vs scikit-image, the real sample 00017 (ground truth vs static video)', () => {
  let present = false;
  beforeAll(async () => {
    present = await samplesPresent();
    if (!present) console.log(SKIP_MESSAGE);
  });

  it('matches skimage per frame on the decoded 720x480 frames', { timeout: 120_000 }, async (ctx) => {
    if (!present) return ctx.skip();
    const fx = load<RealFixture>('realworld-00017.json');
    const [ref, pred] = await Promise.all([
      readVideoFramesRgba(path.join(SAMPLES, fx.reference)),
      readVideoFramesRgba(path.join(SAMPLES, fx.prediction)),
    ]);
    expect(ref.frames.length).toBe(fx.frames);
    // Same ffmpeg, same decode: a different digest means another ffmpeg build, not a metric bug.
    expect(rgbDigest(ref.frames), 'decoded ground truth differs from the fixture (another ffmpeg?)').toBe(fx.sha256.reference);
    expect(rgbDigest(pred.frames), 'decoded static video differs from the fixture (another ffmpeg?)').toBe(fx.sha256.prediction);
    const pixels = fx.width * fx.height;
    const ssim = new SsimComputer(fx.width, fx.height);
    let sse = 0;
    for (let t = 0; t < fx.frames; t++) {
      const a = ref.frames[t] as Uint8Array;
      const b = pred.frames[t] as Uint8Array;
      expect(Math.abs(framePsnr(a, b, pixels) - (fx.perFrame.psnr[t] as number)), `PSNR frame ${t}`).toBeLessThan(PSNR_TOL);
      expect(Math.abs(ssim.compare(a, b) - (fx.perFrame.ssim[t] as number)), `SSIM frame ${t}`).toBeLessThan(SSIM_TOL);
      sse += frameSse(a, b, pixels);
    }
    expect(Math.abs(psnrFromMse(sse / (pixels * 3 * fx.frames)) - fx.clipPsnr)).toBeLessThan(PSNR_TOL);
  });
});
