/**
 * Per-feature statistics as lerobot computes them (src/lerobot/datasets/compute_stats.py, read
 * at tag v0.4.4 and on main, pyproject 0.6.2):
 *
 * - Every feature has min, max, mean, std (population, ddof 0), count and the quantiles
 *   q01, q10, q50, q90, q99 (DEFAULT_QUANTILES = [0.01, 0.10, 0.50, 0.90, 0.99], keys
 *   f"q{int(q * 100):02d}").
 * - Quantiles are RunningQuantileStats' histogram estimate: 5000 equal bins between
 *   min - 1e-10 and max + 1e-10 (np.linspace), np.histogram counts, then the first bin whose
 *   cumulative count reaches q * count (np.searchsorted), interpolated linearly inside it; the
 *   first bin answers edges[0], past the last answers edges[-1]. Reproduced here exactly, so
 *   with few frames q01 is min - 1e-10 just as lerobot writes it.
 * - Fewer than 2 rows: _compute_basic_stats (std 0, every quantile = mean).
 * - Vectors: statistics per dimension over the frames; count = number of frames.
 * - Images and videos (compute_episode_stats / sample_images): per channel over the pixels of a
 *   sample of frames (sample_indices: estimate_num_samples(n) = all frames below 100, then
 *   max(100, min(int(n ** 0.75), 10000)), picked at np.round(np.linspace(0, n - 1, k))),
 *   each frame strided by auto_downsample_height_width (when max(w, h) >= 300, every
 *   int(longer side / 150)-th pixel), values divided by 255, shape (3, 1, 1); count = number of
 *   sampled frames.
 * - Aggregation over episodes (aggregate_feature_stats): min of mins, max of maxes, mean
 *   weighted by count, std by the parallel-variance formula, quantiles as the count-weighted mean
 *   of the episodes' quantiles (every release up to v0.6.1; main has since switched to a
 *   min/max envelope).
 *
 * Two deliberate differences, both towards the exact value: mean and std are computed in
 * float64 with two passes (lerobot uses E[x^2] - E[x]^2 in the data's own dtype; for uint8 pixels
 * v0.4.4 even overflows, fixed in v0.6.0 by promoting to float32), and min - 1e-10 is taken in
 * float64 even for float32 data.
 */

export const QUANTILES = [0.01, 0.1, 0.5, 0.9, 0.99] as const;
export const QUANTILE_KEYS = ['q01', 'q10', 'q50', 'q90', 'q99'] as const;
export type QuantileKey = (typeof QUANTILE_KEYS)[number];
/** The order lerobot's RunningQuantileStats.get_statistics returns them in. */
export const STAT_KEYS = ['min', 'max', 'mean', 'std', 'count', ...QUANTILE_KEYS] as const;
export type StatKey = (typeof STAT_KEYS)[number];
export type ValueStatKey = Exclude<StatKey, 'count'>;

/** One feature's statistics: one number per dimension (per channel for videos), and the count. */
export type FeatureStats = { count: number } & Record<ValueStatKey, number[]>;

/** RunningQuantileStats(num_quantile_bins=5000). */
const NUM_BINS = 5000;

/**
 * np.linspace(lo, hi, NUM_BINS + 1): arange * step + start, last edge set to stop — the same
 * float operations, so the edges are bit-identical to numpy's for float64 input.
 */
function binEdges(lo: number, hi: number): Float64Array {
  const edges = new Float64Array(NUM_BINS + 1);
  const step = (hi - lo) / NUM_BINS;
  for (let i = 0; i <= NUM_BINS; i++) edges[i] = i * step + lo;
  edges[NUM_BINS] = hi;
  return edges;
}

/** np.histogram with explicit edges: bin i holds edges[i] <= v < edges[i + 1], the last bin also v == edges[-1]. */
function binOf(edges: Float64Array, v: number): number {
  if (v < (edges[0] as number) || v > (edges[NUM_BINS] as number)) return -1;
  if (v === edges[NUM_BINS]) return NUM_BINS - 1;
  // Largest i with edges[i] <= v.
  let lo = 0;
  let hi = NUM_BINS;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** RunningQuantileStats._compute_single_quantile. */
function quantileFromHistogram(cumsum: Float64Array, edges: Float64Array, target: number): number {
  // np.searchsorted(cumsum, target), side 'left': the first index whose cumulative count >= target.
  let lo = 0;
  let hi = NUM_BINS;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumsum[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  const idx = lo;
  if (idx === 0) return edges[0] as number;
  if (idx >= NUM_BINS) return edges[NUM_BINS] as number;
  const before = cumsum[idx - 1] as number;
  const inBin = (cumsum[idx] as number) - before;
  if (inBin === 0) return edges[idx] as number;
  const fraction = (target - before) / inBin;
  return (edges[idx] as number) + fraction * ((edges[idx + 1] as number) - (edges[idx] as number));
}

/**
 * Histogram quantiles of one dimension given as distinct values with weights (a weight of 1 per
 * frame for vectors; a pixel count per 0..255 level for images).
 */
function histogramQuantiles(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  min: number,
  max: number,
  total: number,
): number[] {
  const edges = binEdges(min - 1e-10, max + 1e-10);
  const hist = new Float64Array(NUM_BINS);
  for (let i = 0; i < values.length; i++) {
    const w = weights ? (weights[i] as number) : 1;
    if (w === 0) continue;
    const b = binOf(edges, values[i] as number);
    if (b >= 0) hist[b] = (hist[b] as number) + w;
  }
  const cumsum = new Float64Array(NUM_BINS);
  let acc = 0;
  for (let i = 0; i < NUM_BINS; i++) {
    acc += hist[i] as number;
    cumsum[i] = acc;
  }
  return QUANTILES.map((q) => quantileFromHistogram(cumsum, edges, q * total));
}

function emptyStats(count: number): FeatureStats {
  return { count, min: [], max: [], mean: [], std: [], q01: [], q10: [], q50: [], q90: [], q99: [] };
}

/**
 * Statistics of a vector feature, one column per dimension (all columns of equal length: the
 * frames). Values must already be what the parquet file stores (float32-rounded for float32).
 */
export function vectorStats(columns: ArrayLike<number>[]): FeatureStats {
  const n = columns[0]?.length ?? 0;
  if (n === 0) throw new Error('statistics need at least one frame');
  const out = emptyStats(n);
  for (const col of columns) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = (col[i] as number) - mean;
      sq += d * d;
    }
    out.min.push(min);
    out.max.push(max);
    out.mean.push(mean);
    out.std.push(Math.sqrt(sq / n));
    // _compute_basic_stats below 2 rows: quantiles are copies of the mean.
    const qs = n < 2 ? QUANTILES.map(() => mean) : histogramQuantiles(col, null, min, max, n);
    QUANTILE_KEYS.forEach((k, i) => {
      out[k].push(qs[i] as number);
    });
  }
  return out;
}

/** compute_stats.py estimate_num_samples(dataset_len, min_num_samples=100, max_num_samples=10_000, power=0.75). */
export function estimateNumSamples(n: number, minNum = 100, maxNum = 10_000, power = 0.75): number {
  const lower = Math.min(n, minNum);
  return Math.max(lower, Math.min(Math.trunc(n ** power), maxNum));
}

/** np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** compute_stats.py sample_indices: np.round(np.linspace(0, n - 1, estimate_num_samples(n))).astype(int). */
export function sampleIndices(n: number): number[] {
  const k = estimateNumSamples(n);
  if (k <= 0) return [];
  if (k === 1) return [0];
  const step = (n - 1) / (k - 1);
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(roundHalfEven(i === k - 1 ? n - 1 : i * step));
  return out;
}

/** compute_stats.py auto_downsample_height_width(target_size=150, max_size_threshold=300): the pixel stride. */
export function downsampleStride(width: number, height: number): number {
  if (Math.max(width, height) < 300) return 1;
  return Math.trunc(width > height ? width / 150 : height / 150);
}

/**
 * Per-channel pixel counts of the sampled frames of one video: exact for uint8 RGB, and enough
 * to reproduce np.histogram over the pixels, so the quantiles equal lerobot's.
 */
export class ImageStatsAccumulator {
  readonly counts = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  frames = 0;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** Add one frame, packed RGB (rgb24), row by row. */
  addFrame(rgb: Uint8Array): void {
    const stride = downsampleStride(this.width, this.height);
    const [r, g, b] = this.counts as [Float64Array, Float64Array, Float64Array];
    // img[:, ::stride, ::stride] on the (C, H, W) frame.
    for (let y = 0; y < this.height; y += stride) {
      let o = y * this.width * 3;
      for (let x = 0; x < this.width; x += stride, o += 3 * stride) {
        r[rgb[o] as number] = (r[rgb[o] as number] as number) + 1;
        g[rgb[o + 1] as number] = (g[rgb[o + 1] as number] as number) + 1;
        b[rgb[o + 2] as number] = (b[rgb[o + 2] as number] as number) + 1;
      }
    }
    this.frames++;
  }

  /** The feature's statistics, scaled to [0, 1] (compute_episode_stats divides by 255). */
  stats(): FeatureStats {
    if (this.frames === 0) throw new Error('image statistics need at least one frame');
    const out = emptyStats(this.frames);
    const levels = Float64Array.from({ length: 256 }, (_, i) => i);
    for (const counts of this.counts) {
      let total = 0;
      let sum = 0;
      let min = 255;
      let max = 0;
      for (let v = 0; v < 256; v++) {
        const c = counts[v] as number;
        if (c === 0) continue;
        total += c;
        sum += c * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const mean = sum / total;
      let sq = 0;
      for (let v = 0; v < 256; v++) sq += (counts[v] as number) * (v - mean) * (v - mean);
      const qs = total < 2 ? QUANTILES.map(() => mean) : histogramQuantiles(levels, counts, min, max, total);
      out.min.push(min / 255);
      out.max.push(max / 255);
      out.mean.push(mean / 255);
      out.std.push(Math.sqrt(sq / total) / 255);
      QUANTILE_KEYS.forEach((k, i) => {
        out[k].push((qs[i] as number) / 255);
      });
    }
    return out;
  }
}

/** compute_stats.py aggregate_feature_stats (quantiles: count-weighted mean, as released up to v0.6.1). */
export function aggregateStats(list: FeatureStats[]): FeatureStats {
  const first = list[0];
  if (!first) throw new Error('nothing to aggregate');
  const dims = first.mean.length;
  const total = list.reduce((s, x) => s + x.count, 0);
  const out = emptyStats(total);
  for (let d = 0; d < dims; d++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let mean = 0;
    for (const s of list) {
      min = Math.min(min, s.min[d] as number);
      max = Math.max(max, s.max[d] as number);
      mean += (s.mean[d] as number) * s.count;
    }
    mean /= total;
    let variance = 0;
    for (const s of list) {
      const delta = (s.mean[d] as number) - mean;
      variance += ((s.std[d] as number) ** 2 + delta * delta) * s.count;
    }
    variance /= total;
    out.min.push(min);
    out.max.push(max);
    out.mean.push(mean);
    out.std.push(Math.sqrt(variance));
    for (const k of QUANTILE_KEYS) out[k].push(list.reduce((acc, s) => acc + (s[k][d] as number) * s.count, 0) / total);
  }
  return out;
}

/**
 * A FeatureStats as lerobot serializes it (serialize_dict: arrays -> lists): vectors as [v0, v1, ...],
 * images as (3, 1, 1) nested lists, count as [n]. Integer features keep integer min/max.
 */
export function statsToJson(stats: FeatureStats, kind: 'float' | 'int' | 'image'): Record<StatKey, unknown> {
  const out = {} as Record<StatKey, unknown>;
  for (const key of STAT_KEYS) {
    if (key === 'count') out.count = [stats.count];
    else if (kind === 'image') out[key] = stats[key].map((v) => [[v]]);
    else out[key] = [...stats[key]];
  }
  return out;
}
