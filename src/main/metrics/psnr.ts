import { PSNR_CAP_DB } from '../../shared/model/metrics';

/**
 * PSNR and flicker on 8-bit RGB frames (`stride` bytes per pixel with R, G, B first: 4 for the
 * RGBA that ffmpeg decodes here, 3 for RGB; any alpha is ignored).
 *
 * PSNR = 10 log10(MAX^2 / MSE) with MAX = 255 and the MSE over all pixels and the three
 * channels, as scikit-image's peak_signal_noise_ratio(a, b, data_range=255) on an HxWx3 frame.
 * Squared errors are summed as integers (exact in a double up to 2^53, far beyond any frame), so
 * results match skimage to the last few bits.
 */

export const PSNR_PEAK = 255;

/** 10 log10(255^2 / mse); Infinity for mse 0 (identical). */
export function psnrFromMse(mse: number, peak = PSNR_PEAK): number {
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((peak * peak) / mse);
}

/** The stored form of a PSNR: capped at 100 dB (see src/shared/model/metrics.ts), so identical frames read 100. */
export function capPsnr(db: number): number {
  return Math.min(db, PSNR_CAP_DB);
}

/** Sum of squared differences over every pixel and channel of two frames of `pixels` pixels. */
export function frameSse(a: Uint8Array, b: Uint8Array, pixels: number, stride = 4): number {
  let sse = 0;
  const end = pixels * stride;
  for (let i = 0; i < end; i += stride) {
    const dr = (a[i] as number) - (b[i] as number);
    const dg = (a[i + 1] as number) - (b[i + 1] as number);
    const db = (a[i + 2] as number) - (b[i + 2] as number);
    sse += dr * dr + dg * dg + db * db;
  }
  return sse;
}

/**
 * Squared differences of two frames in one pass: over all `mask.length` pixels (`sse`) and over
 * the pixels where `mask` is non-zero (`inside`, on `insidePixels` pixels). The outside sum is
 * `sse - inside`, exact since both are integers.
 */
export function splitSse(
  a: Uint8Array,
  b: Uint8Array,
  mask: Uint8Array,
  stride = 4,
): { sse: number; inside: number; insidePixels: number } {
  let sse = 0;
  let inside = 0;
  let insidePixels = 0;
  for (let p = 0, i = 0; p < mask.length; p++, i += stride) {
    const dr = (a[i] as number) - (b[i] as number);
    const dg = (a[i + 1] as number) - (b[i + 1] as number);
    const db = (a[i + 2] as number) - (b[i + 2] as number);
    const e = dr * dr + dg * dg + db * db;
    sse += e;
    if ((mask[p] as number) !== 0) {
      inside += e;
      insidePixels++;
    }
  }
  return { sse, inside, insidePixels };
}

/** Per-frame PSNR of one frame pair (uncapped: Infinity when identical). */
export function framePsnr(a: Uint8Array, b: Uint8Array, pixels: number, stride = 4): number {
  return psnrFromMse(frameSse(a, b, pixels, stride) / (pixels * 3));
}

/** Mean absolute difference over every pixel and channel (0-255 scale). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array, pixels: number, stride = 4): number {
  let sum = 0;
  const end = pixels * stride;
  for (let i = 0; i < end; i += stride) {
    sum += Math.abs((a[i] as number) - (b[i] as number));
    sum += Math.abs((a[i + 1] as number) - (b[i + 1] as number));
    sum += Math.abs((a[i + 2] as number) - (b[i + 2] as number));
  }
  return sum / (pixels * 3);
}

/** Temporal flicker: mean over consecutive frame pairs of their mean absolute difference; null with fewer than two frames. */
export function flicker(frames: readonly Uint8Array[], pixels: number, stride = 4): number | null {
  if (frames.length < 2) return null;
  let sum = 0;
  for (let t = 1; t < frames.length; t++) sum += meanAbsDiff(frames[t - 1] as Uint8Array, frames[t] as Uint8Array, pixels, stride);
  return sum / (frames.length - 1);
}
