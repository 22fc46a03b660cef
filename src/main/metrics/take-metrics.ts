import { ApiError } from '../../shared/api/errors';
import {
  type ConsistencyScores,
  METRICS_VERSION,
  PSNR_CAP_DB,
  type ReferenceScores,
  type RegionInfo,
  TakeMetrics,
} from '../../shared/model/metrics';
import type { DecodedVideo, FfmpegTools } from '../services/conditioning/ffmpeg';
import { checkMatching, loadMetricVideos, type MetricFiles, type MetricVideos } from './frames';
import { capPsnr, flicker, frameSse, psnrFromMse, splitSse } from './psnr';
import { interactionRegion, type RegionParams } from './regions';
import { SSIM_RADIUS, SsimComputer, type SsimPair } from './ssim';

/**
 * A take's quality figures (src/shared/model/metrics.ts defines each one). Frame by frame, one
 * SsimComputer call scores every pair needed at that frame (take/reference, take/static,
 * static/reference), sharing each image's filtered statistics; PSNR sums are exact integers.
 */

export interface TakeMetricsOptions {
  /** Override the interaction region's thresholds and dilations (tests). */
  region?: Partial<RegionParams>;
}

/** Decode the videos (see loadMetricVideos for the checks) and measure them. */
export async function measureTakeFiles(files: MetricFiles, opts: TakeMetricsOptions & { tools?: FfmpegTools } = {}): Promise<TakeMetrics> {
  const started = performance.now();
  const videos = await loadMetricVideos(files, opts.tools);
  const decodeMs = performance.now() - started;
  return { ...computeTakeMetrics(videos, opts), decodeMs };
}

/** Pooled sums of one comparison, turned into ReferenceScores at the end. */
class Tally {
  psnrSum = 0;
  sse = 0;
  samples = 0;
  ssimSum = 0;
  regionSse = 0;
  regionSamples = 0;
  regionSsim = 0;
  regionPixels = 0;
  readonly perFramePsnr: number[] = [];
  readonly perFrameSsim: number[] = [];

  scores(hasRegion: boolean): ReferenceScores {
    const frames = this.perFramePsnr.length;
    const region = hasRegion && this.regionSamples > 0;
    return {
      psnr: this.psnrSum / frames,
      psnrClip: capPsnr(psnrFromMse(this.sse / this.samples)),
      identical: this.sse === 0,
      ssim: this.ssimSum / frames,
      regionPsnr: region ? capPsnr(psnrFromMse(this.regionSse / this.regionSamples)) : null,
      regionSsim: region && this.regionPixels > 0 ? this.regionSsim / this.regionPixels : null,
      perFrame: { psnr: this.perFramePsnr, ssim: this.perFrameSsim },
    };
  }
}

/** Pooled sums outside the region, for scene consistency. */
class OutsideTally {
  sse = 0;
  samples = 0;
  ssim = 0;
  pixels = 0;
}

/** Measure decoded videos (RGBA frames). Throws BAD_INPUT when sizes or frame counts differ. */
export function computeTakeMetrics(videos: MetricVideos, opts: TakeMetricsOptions = {}): TakeMetrics {
  checkMatching(videos);
  const started = performance.now();
  const { take, reference: ref, static: stat, hands } = videos;
  const { width, height } = take;
  const pixels = width * height;
  const frames = take.frames.length;

  const region = hands
    ? interactionRegion({ width, height, hands: hands.frames, reference: ref?.frames, static: stat?.frames, params: opts.region ?? {} })
    : null;
  const withConsistency = region !== null && stat !== undefined;

  // The images of one frame and the pairs scored on them; indices into `images` below.
  const images: DecodedVideo[] = [take];
  const refAt = ref ? images.push(ref) - 1 : -1;
  const statAt = stat ? images.push(stat) - 1 : -1;
  const pairs: SsimPair[] = [];
  const pairOf = (a: number, b: number) => pairs.push([a, b]) - 1;
  const takeRef = ref ? pairOf(0, refAt) : -1;
  const takeStat = withConsistency ? pairOf(0, statAt) : -1;
  const statRef = ref && stat ? pairOf(statAt, refAt) : -1;

  if (pairs.length > 0 && (width <= 2 * SSIM_RADIUS || height <= 2 * SSIM_RADIUS)) {
    throw new ApiError(
      'BAD_INPUT',
      `the videos are ${width}x${height}; SSIM needs frames of at least ${2 * SSIM_RADIUS + 1}x${2 * SSIM_RADIUS + 1} px`,
    );
  }
  const ssim = pairs.length > 0 ? new SsimComputer(width, height) : null;
  const takeTally = new Tally();
  const baseTally = new Tally();
  const takeOutside = new OutsideTally();
  const refOutside = new OutsideTally();
  let regionPixels = 0;

  for (let t = 0; t < frames; t++) {
    const frame = images.map((v) => v.frames[t] as Uint8Array);
    const mask = region?.masks[t];
    if (mask) for (let p = 0; p < pixels; p++) regionPixels += mask[p] as number;
    const scores = ssim ? ssim.compareMany(frame, pairs) : [];

    /** Squared errors of one pair: the whole frame, and inside the region when there is one. */
    const errors = (a: Uint8Array, b: Uint8Array) =>
      mask ? splitSse(a, b, mask) : { sse: frameSse(a, b, pixels), inside: 0, insidePixels: 0 };
    const ssimSums = (pair: number) => (ssim as SsimComputer).maskedSums(pair, mask as Uint8Array);
    const score = (tally: Tally, pair: number, e: ReturnType<typeof errors>, sums: ReturnType<typeof ssimSums> | null) => {
      tally.sse += e.sse;
      tally.samples += pixels * 3;
      const db = capPsnr(psnrFromMse(e.sse / (pixels * 3)));
      tally.psnrSum += db;
      tally.perFramePsnr.push(db);
      const s = scores[pair] as number;
      tally.ssimSum += s;
      tally.perFrameSsim.push(s);
      if (sums) {
        tally.regionSse += e.inside;
        tally.regionSamples += e.insidePixels * 3;
        tally.regionSsim += sums.inside;
        tally.regionPixels += sums.insideCount;
      }
    };
    const outside = (tally: OutsideTally, e: ReturnType<typeof errors>, sums: ReturnType<typeof ssimSums>) => {
      tally.sse += e.sse - e.inside;
      tally.samples += (pixels - e.insidePixels) * 3;
      tally.ssim += sums.outside;
      tally.pixels += sums.outsideCount;
    };

    const tk = frame[0] as Uint8Array;
    if (takeRef >= 0) score(takeTally, takeRef, errors(tk, frame[refAt] as Uint8Array), mask ? ssimSums(takeRef) : null);
    if (takeStat >= 0) outside(takeOutside, errors(tk, frame[statAt] as Uint8Array), ssimSums(takeStat));
    if (statRef >= 0) {
      const e = errors(frame[statAt] as Uint8Array, frame[refAt] as Uint8Array);
      const sums = mask ? ssimSums(statRef) : null;
      score(baseTally, statRef, e, sums);
      // Both errors and SSIM are symmetric, so the static/reference pair doubles as the reference's consistency.
      if (withConsistency && sums) outside(refOutside, e, sums);
    }
  }

  let consistency: ConsistencyScores | null = null;
  if (withConsistency && takeOutside.samples > 0 && takeOutside.pixels > 0) {
    const hasRef = refOutside.samples > 0 && refOutside.pixels > 0;
    consistency = {
      psnr: capPsnr(psnrFromMse(takeOutside.sse / takeOutside.samples)),
      ssim: takeOutside.ssim / takeOutside.pixels,
      referencePsnr: hasRef ? capPsnr(psnrFromMse(refOutside.sse / refOutside.samples)) : null,
      referenceSsim: hasRef ? refOutside.ssim / refOutside.pixels : null,
    };
  }
  const regionInfo: RegionInfo | null = region
    ? { source: region.source, fraction: regionPixels / (pixels * frames), params: region.params }
    : null;

  const result: TakeMetrics = {
    version: METRICS_VERSION,
    frames,
    width,
    height,
    psnrCapDb: PSNR_CAP_DB,
    reference: ref ? takeTally.scores(region !== null) : null,
    consistency,
    flicker: flicker(take.frames, pixels),
    referenceFlicker: ref ? flicker(ref.frames, pixels) : null,
    region: regionInfo,
    staticBaseline: ref && stat ? { ...baseTally.scores(region !== null), flicker: flicker(stat.frames, pixels) } : null,
    decodeMs: null,
    computeMs: performance.now() - started,
  };
  return TakeMetrics.parse(result);
}
