/**
 * SSIM (Wang, Bovik, Sheikh and Simoncelli 2004), exactly as scikit-image computes
 *
 *   structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 *                         data_range=255, channel_axis=-1)
 *
 * on 8-bit RGB frames:
 *  - each of R, G and B is treated as its own grey image (no luma conversion); the SSIM map of a
 *    frame is the mean of the three channel maps, and its score the mean of the three scores;
 *  - local statistics come from a Gaussian window, sigma 1.5, truncated at 3.5 sigma (radius 5,
 *    so 11x11 taps, normalised to sum 1), applied separably;
 *  - population (co)variances: var = E[x^2] - E[x]^2 (use_sample_covariance=False);
 *  - C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2;
 *  - S = ((2 ux uy + C1)(2 vxy + C2)) / ((ux^2 + uy^2 + C1)(vx + vy + C2));
 *  - a frame's score is the mean of S over the interior only: a band of 5 px (the window radius)
 *    along every edge is left out, as skimage's `crop(S, pad).mean()` does. Those are exactly
 *    the pixels whose window reaches past the frame, so how the border is padded (scipy:
 *    'reflect') never affects a figure, and this code computes S for the interior only. Masked
 *    means (interaction region, scene consistency) leave the same band out.
 *
 * Arithmetic is float64 throughout, like skimage (uint8 input becomes float64 there), so the
 * two agree to rounding (measured: within 3e-14 on real 720x480 frames).
 *
 * Speed: this is plain scalar JavaScript, so the work is kept down rather than vectorised.
 * Several comparisons of the same frame index (take vs reference, take vs static, static vs
 * reference) share each image's filtered E[x] and E[x^2]; only E[xy] is filtered per pair, so
 * three pairs over three images cost 9 filtered planes per channel instead of 15. Filtered rows
 * live in an 11-row ring (the window's height) and every buffer is allocated once per size.
 */

export const SSIM_SIGMA = 1.5;
/** int(3.5 * sigma + 0.5), scipy's truncation; the window is 2 * 5 + 1 = 11 px wide. */
export const SSIM_RADIUS = 5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;
export const SSIM_DATA_RANGE = 255;

const C1 = (SSIM_K1 * SSIM_DATA_RANGE) ** 2;
const C2 = (SSIM_K2 * SSIM_DATA_RANGE) ** 2;
const R = SSIM_RADIUS;
/** Rows of horizontally filtered statistics kept at once: the window's height. */
const RING = 2 * R + 1;

/** scipy.ndimage's 1-D Gaussian: exp(-x^2 / (2 sigma^2)) for x in [-radius, radius], normalised. Index k holds the weight at offset +-k. */
export function gaussianHalfKernel(sigma = SSIM_SIGMA, radius = SSIM_RADIUS): Float64Array {
  const full: number[] = [];
  for (let x = -radius; x <= radius; x++) full.push(Math.exp((-0.5 / (sigma * sigma)) * x * x));
  const sum = full.reduce((s, v) => s + v, 0);
  const half = new Float64Array(radius + 1);
  for (let k = 0; k <= radius; k++) half[k] = (full[radius + k] as number) / sum;
  return half;
}

const [G0, G1, G2, G3, G4, G5] = gaussianHalfKernel() as unknown as [number, number, number, number, number, number];

/** Index pairs into the image list given to `SsimComputer.compareMany`. */
export type SsimPair = readonly [number, number];

/**
 * Per-frame SSIM for one frame size. `compare` / `compareMany` fill `maps` with the
 * channel-averaged SSIM of every pixel and return the frames' scores; masked means are taken
 * from the maps afterwards (`maskedSums`).
 */
export class SsimComputer {
  readonly width: number;
  readonly height: number;
  /** Channel-averaged SSIM per pixel (row-major), one map per pair of the last call; 0 in the 5 px edge band, which no figure uses. */
  readonly maps: Float64Array[] = [];
  /** Per image: one source row of the current channel. */
  private rows: Float64Array[] = [];
  /** Per image: horizontally filtered x and x^2, RING rows each. */
  private hMu: Float64Array[] = [];
  private hSq: Float64Array[] = [];
  /** The product of two source rows. */
  private readonly prod: Float64Array;
  /** Per pair: horizontally filtered xy, RING rows. */
  private hXy: Float64Array[] = [];
  /** Per image: one output row of E[x] and E[x^2]. */
  private vMu: Float64Array[] = [];
  private vSq: Float64Array[] = [];

  constructor(width: number, height: number) {
    if (width <= 2 * R || height <= 2 * R) {
      throw new RangeError(`SSIM needs frames of at least ${2 * R + 1}x${2 * R + 1} px (the 11x11 window); got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.prod = new Float64Array(width);
  }

  /** SSIM of frame `b` against frame `a` (symmetric); the map is left in `maps[0]`. */
  compare(a: Uint8Array, b: Uint8Array, stride = 4): number {
    return this.compareMany([a, b], [[0, 1]], stride)[0] as number;
  }

  /**
   * SSIM of several pairs among `images` (8-bit, `stride` bytes per pixel with R, G, B first: 4
   * for RGBA as ffmpeg decodes them here, 3 for RGB). Returns one score per pair (the mean of
   * its map over the interior, skimage's figure) and leaves the maps in `maps`, in pair order.
   */
  compareMany(images: readonly Uint8Array[], pairs: readonly SsimPair[], stride = 4): number[] {
    const { width: w, height: h } = this;
    for (const img of images) {
      if (img.length < w * h * stride) throw new RangeError(`SSIM: a frame has ${img.length} bytes, fewer than ${w}x${h}x${stride}`);
    }
    for (const [i, j] of pairs) {
      if (!images[i] || !images[j]) throw new RangeError(`SSIM: pair [${i}, ${j}] names an image that was not given`);
    }
    this.allocate(images.length, pairs.length);
    for (let p = 0; p < pairs.length; p++) (this.maps[p] as Float64Array).fill(0);
    for (let c = 0; c < 3; c++) {
      // Interior output row y needs filtered source rows y - 5 .. y + 5: an 11-row ring.
      for (let y = 0; y < 2 * R; y++) this.horizontalRow(images, pairs, c, stride, y);
      for (let y = R; y < h - R; y++) {
        this.horizontalRow(images, pairs, c, stride, y + R);
        this.verticalRow(images.length, pairs, y);
      }
    }
    // The maps hold the sum of the three channels' S; divide once (so identical frames give exactly 1).
    return this.maps.slice(0, pairs.length).map((map) => {
      let sum = 0;
      for (let y = R; y < h - R; y++) {
        const row = y * w;
        for (let x = R; x < w - R; x++) {
          const v = (map[row + x] as number) / 3;
          map[row + x] = v;
          sum += v;
        }
      }
      return sum / ((w - 2 * R) * (h - 2 * R));
    });
  }

  /**
   * Sums and counts of map `pair` over the interior pixels (the same 5 px edge band left out as
   * for the score) where `mask` is non-zero (inside) and zero (outside), in one pass, so callers
   * can pool several frames before dividing.
   */
  maskedSums(pair: number, mask: Uint8Array): { inside: number; insideCount: number; outside: number; outsideCount: number } {
    const { width: w, height: h } = this;
    const map = this.maps[pair];
    if (!map) throw new RangeError(`SSIM: no map for pair ${pair}`);
    let inside = 0;
    let insideCount = 0;
    let outside = 0;
    for (let y = R; y < h - R; y++) {
      const row = y * w;
      for (let x = R; x < w - R; x++) {
        const i = row + x;
        if ((mask[i] as number) !== 0) {
          inside += map[i] as number;
          insideCount++;
        } else {
          outside += map[i] as number;
        }
      }
    }
    return { inside, insideCount, outside, outsideCount: (w - 2 * R) * (h - 2 * R) - insideCount };
  }

  private allocate(nImages: number, nPairs: number): void {
    const { width: w, height: h } = this;
    while (this.rows.length < nImages) {
      this.rows.push(new Float64Array(w));
      this.hMu.push(new Float64Array(RING * w));
      this.hSq.push(new Float64Array(RING * w));
      this.vMu.push(new Float64Array(w));
      this.vSq.push(new Float64Array(w));
    }
    while (this.hXy.length < nPairs) {
      this.hXy.push(new Float64Array(RING * w));
      this.maps.push(new Float64Array(w * h));
    }
  }

  /** Filter source row y of channel c horizontally (interior columns) into its ring slot: E[x], E[x^2] per image, E[xy] per pair. */
  private horizontalRow(images: readonly Uint8Array[], pairs: readonly SsimPair[], c: number, stride: number, y: number): void {
    const w = this.width;
    const slot = (y % RING) * w;
    for (let n = 0; n < images.length; n++) {
      const img = images[n] as Uint8Array;
      const row = this.rows[n] as Float64Array;
      let i = y * w * stride + c;
      for (let x = 0; x < w; x++, i += stride) row[x] = img[i] as number;
      const mu = this.hMu[n] as Float64Array;
      const sq = this.hSq[n] as Float64Array;
      for (let p = R; p < w - R; p++) {
        const v0 = row[p] as number;
        const a1 = row[p - 1] as number;
        const b1 = row[p + 1] as number;
        const a2 = row[p - 2] as number;
        const b2 = row[p + 2] as number;
        const a3 = row[p - 3] as number;
        const b3 = row[p + 3] as number;
        const a4 = row[p - 4] as number;
        const b4 = row[p + 4] as number;
        const a5 = row[p - 5] as number;
        const b5 = row[p + 5] as number;
        mu[slot + p] = G0 * v0 + G1 * (a1 + b1) + G2 * (a2 + b2) + G3 * (a3 + b3) + G4 * (a4 + b4) + G5 * (a5 + b5);
        sq[slot + p] =
          G0 * (v0 * v0) +
          G1 * (a1 * a1 + b1 * b1) +
          G2 * (a2 * a2 + b2 * b2) +
          G3 * (a3 * a3 + b3 * b3) +
          G4 * (a4 * a4 + b4 * b4) +
          G5 * (a5 * a5 + b5 * b5);
      }
    }
    const prod = this.prod;
    for (let q = 0; q < pairs.length; q++) {
      const pair = pairs[q] as SsimPair;
      const ra = this.rows[pair[0]] as Float64Array;
      const rb = this.rows[pair[1]] as Float64Array;
      for (let x = 0; x < w; x++) prod[x] = (ra[x] as number) * (rb[x] as number);
      const xy = this.hXy[q] as Float64Array;
      for (let p = R; p < w - R; p++) xy[slot + p] = hfilter(prod, p);
    }
  }

  /** Filter interior row y vertically from the ring, combine the statistics into SSIM and add it to each pair's map. */
  private verticalRow(nImages: number, pairs: readonly SsimPair[], y: number): void {
    const w = this.width;
    const at = (row: number) => (row % RING) * w;
    const o0 = at(y);
    const m1 = at(y - 1);
    const p1 = at(y + 1);
    const m2 = at(y - 2);
    const p2 = at(y + 2);
    const m3 = at(y - 3);
    const p3 = at(y + 3);
    const m4 = at(y - 4);
    const p4 = at(y + 4);
    const m5 = at(y - 5);
    const p5 = at(y + 5);
    for (let n = 0; n < nImages; n++) {
      const hm = this.hMu[n] as Float64Array;
      const hs = this.hSq[n] as Float64Array;
      const vm = this.vMu[n] as Float64Array;
      const vs = this.vSq[n] as Float64Array;
      for (let x = R; x < w - R; x++) {
        vm[x] = vfilter(hm, o0 + x, m1 + x, p1 + x, m2 + x, p2 + x, m3 + x, p3 + x, m4 + x, p4 + x, m5 + x, p5 + x);
        vs[x] = vfilter(hs, o0 + x, m1 + x, p1 + x, m2 + x, p2 + x, m3 + x, p3 + x, m4 + x, p4 + x, m5 + x, p5 + x);
      }
    }
    const out = y * w;
    for (let q = 0; q < pairs.length; q++) {
      const pair = pairs[q] as SsimPair;
      const muA = this.vMu[pair[0]] as Float64Array;
      const sqA = this.vSq[pair[0]] as Float64Array;
      const muB = this.vMu[pair[1]] as Float64Array;
      const sqB = this.vSq[pair[1]] as Float64Array;
      const hxy = this.hXy[q] as Float64Array;
      const map = this.maps[q] as Float64Array;
      for (let x = R; x < w - R; x++) {
        const uxy = vfilter(hxy, o0 + x, m1 + x, p1 + x, m2 + x, p2 + x, m3 + x, p3 + x, m4 + x, p4 + x, m5 + x, p5 + x);
        const ux = muA[x] as number;
        const uy = muB[x] as number;
        const uxuy = ux * uy;
        const ux2 = ux * ux;
        const uy2 = uy * uy;
        const s =
          ((2 * uxuy + C1) * (2 * (uxy - uxuy) + C2)) / ((ux2 + uy2 + C1) * ((sqA[x] as number) - ux2 + ((sqB[x] as number) - uy2) + C2));
        map[out + x] = (map[out + x] as number) + s;
      }
    }
  }
}

/** The horizontal 11-tap Gaussian at index p of a row. */
function hfilter(v: Float64Array, p: number): number {
  return (
    G0 * (v[p] as number) +
    G1 * ((v[p - 1] as number) + (v[p + 1] as number)) +
    G2 * ((v[p - 2] as number) + (v[p + 2] as number)) +
    G3 * ((v[p - 3] as number) + (v[p + 3] as number)) +
    G4 * ((v[p - 4] as number) + (v[p + 4] as number)) +
    G5 * ((v[p - 5] as number) + (v[p + 5] as number))
  );
}

/** The vertical 11-tap Gaussian at one column, given the eleven row offsets. */
function vfilter(
  v: Float64Array,
  o: number,
  m1: number,
  p1: number,
  m2: number,
  p2: number,
  m3: number,
  p3: number,
  m4: number,
  p4: number,
  m5: number,
  p5: number,
): number {
  return (
    G0 * (v[o] as number) +
    G1 * ((v[m1] as number) + (v[p1] as number)) +
    G2 * ((v[m2] as number) + (v[p2] as number)) +
    G3 * ((v[m3] as number) + (v[p3] as number)) +
    G4 * ((v[m4] as number) + (v[p4] as number)) +
    G5 * ((v[m5] as number) + (v[p5] as number))
  );
}
