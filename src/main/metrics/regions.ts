import { REGION_DEFAULTS } from '../../shared/model/metrics';

/**
 * The interaction region: where the hands are and where the world really changed. Masks are one
 * byte per pixel (1 inside, 0 outside), row-major, one per frame. Thresholds are on the 0-255
 * scale; see src/shared/model/metrics.ts for the definition and REGION_DEFAULTS for the values.
 */

export type RegionParams = { -readonly [K in keyof typeof REGION_DEFAULTS]: number };

/** Pixels whose max(R, G, B) is above `threshold` (the hand video's background is black). */
export function maxChannelAbove(frame: Uint8Array, pixels: number, threshold: number, stride = 4): Uint8Array {
  const mask = new Uint8Array(pixels);
  for (let p = 0, i = 0; p < pixels; p++, i += stride) {
    const m = Math.max(frame[i] as number, frame[i + 1] as number, frame[i + 2] as number);
    if (m > threshold) mask[p] = 1;
  }
  return mask;
}

/** Pixels where max over channels of |a - b| is above `threshold`. */
export function maxChannelDiffAbove(a: Uint8Array, b: Uint8Array, pixels: number, threshold: number, stride = 4): Uint8Array {
  const mask = new Uint8Array(pixels);
  const lo = -threshold;
  for (let p = 0, i = 0; p < pixels; p++, i += stride) {
    const dr = (a[i] as number) - (b[i] as number);
    const dg = (a[i + 1] as number) - (b[i + 1] as number);
    const db = (a[i + 2] as number) - (b[i + 2] as number);
    if (dr > threshold || dr < lo || dg > threshold || dg < lo || db > threshold || db < lo) mask[p] = 1;
  }
  return mask;
}

/**
 * Dilate by a (2r+1)x(2r+1) square: a pixel is set when a set pixel lies within Chebyshev
 * distance r. Separable, and both passes walk the mask row by row (the vertical one keeps, per
 * column, the row of the last and the next set pixel), so the cost is linear and cache-friendly.
 */
export function dilateSquare(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return mask.slice();
  const rows = new Uint8Array(mask.length);
  let any = false;
  for (let y = 0; y < height; y++) {
    const start = y * width;
    let last = -Infinity;
    for (let x = 0; x < width; x++) {
      if ((mask[start + x] as number) !== 0) {
        last = x;
        any = true;
      }
      if (x - last <= radius) rows[start + x] = 1;
    }
    let next = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if ((mask[start + x] as number) !== 0) next = x;
      if (next - x <= radius) rows[start + x] = 1;
    }
  }
  const out = new Uint8Array(mask.length);
  if (!any) return out;
  const mark = new Float64Array(width).fill(-Infinity);
  for (let y = 0; y < height; y++) {
    const start = y * width;
    for (let x = 0; x < width; x++) {
      if ((rows[start + x] as number) !== 0) mark[x] = y;
      if (y - (mark[x] as number) <= radius) out[start + x] = 1;
    }
  }
  mark.fill(Infinity);
  for (let y = height - 1; y >= 0; y--) {
    const start = y * width;
    for (let x = 0; x < width; x++) {
      if ((rows[start + x] as number) !== 0) mark[x] = y;
      if ((mark[x] as number) - y <= radius) out[start + x] = 1;
    }
  }
  return out;
}

/** Dilate a mask sequence in time: frame t is the union of frames t - r .. t + r. */
export function dilateTime(masks: readonly Uint8Array[], radius: number): Uint8Array[] {
  return masks.map((_, t) => {
    const n = (masks[t] as Uint8Array).length;
    const out = new Uint8Array(n);
    // OR four mask bytes at a time through 32-bit views, then the tail byte by byte.
    const words = n >> 2;
    const out32 = new Uint32Array(out.buffer, 0, words);
    for (let s = Math.max(0, t - radius); s <= Math.min(masks.length - 1, t + radius); s++) {
      const m = masks[s] as Uint8Array;
      const m32 = m.byteOffset % 4 === 0 ? new Uint32Array(m.buffer, m.byteOffset, words) : null;
      if (m32) for (let k = 0; k < words; k++) out32[k] = (out32[k] as number) | (m32[k] as number);
      for (let p = m32 ? words * 4 : 0; p < n; p++) out[p] = (out[p] as number) | (m[p] as number);
    }
    return out;
  });
}

export interface RegionInput {
  width: number;
  height: number;
  /** Hand video frames (RGBA unless `stride` says otherwise). */
  hands: readonly Uint8Array[];
  /** Reference and static frames: both, or neither (then the region is the hands alone). */
  reference?: readonly Uint8Array[] | undefined;
  static?: readonly Uint8Array[] | undefined;
  stride?: number;
  params?: Partial<RegionParams>;
}

/** The interaction region per frame (see the definition in src/shared/model/metrics.ts). */
export function interactionRegion(input: RegionInput): { masks: Uint8Array[]; source: 'hands' | 'hands+change'; params: RegionParams } {
  const { width, height, hands, reference, static: stat } = input;
  const stride = input.stride ?? 4;
  const params: RegionParams = { ...REGION_DEFAULTS, ...input.params };
  const pixels = width * height;
  const handMasks = hands.map((f) =>
    dilateSquare(maxChannelAbove(f, pixels, params.handThreshold, stride), width, height, params.handDilatePx),
  );
  const masks = dilateTime(handMasks, params.handDilateFrames);
  if (!reference || !stat) return { masks, source: 'hands', params };
  for (let t = 0; t < masks.length; t++) {
    const change = dilateSquare(
      maxChannelDiffAbove(reference[t] as Uint8Array, stat[t] as Uint8Array, pixels, params.changeThreshold, stride),
      width,
      height,
      params.changeDilatePx,
    );
    const m = masks[t] as Uint8Array;
    for (let p = 0; p < pixels; p++) m[p] = (m[p] as number) | (change[p] as number);
  }
  return { masks, source: 'hands+change', params };
}
