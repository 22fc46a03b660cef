import { z } from 'zod';

/**
 * Quality metrics of one take: the one definition of what `dwm-studio metrics` prints and what
 * take.json will store. Computed in the main process (src/main/metrics) from the decoded videos.
 *
 * The videos involved, all the same size and frame count:
 *  - take: the generated video being scored;
 *  - reference: the ground-truth video of the same shot (the real recording), when there is one;
 *  - static: the static-scene conditioning video (the room rendered along the camera path, no hands);
 *  - hands: the hand conditioning video (hand meshes on black).
 *
 * Definitions (all on 8-bit RGB, values 0-255; the alpha of decoded frames is ignored):
 *  - PSNR = 10 log10(255^2 / MSE), the MSE taken over all pixels and all three channels.
 *    `psnr` is the mean over frames of each frame's PSNR (how the DWM paper and per-frame
 *    scikit-image evaluations average); `psnrClip` is the PSNR of the MSE of the whole clip
 *    (what ffmpeg's psnr filter prints as "average", so the two can be compared directly).
 *  - PSNR cap: equal frames have an infinite PSNR, which JSON cannot hold. Every PSNR here is
 *    capped at PSNR_CAP_DB = 100 dB, before averaging (so one identical frame adds 100 dB to the
 *    mean, not infinity). For 720x480 RGB, 100 dB is an MSE of 6.5e-6, i.e. at most a handful of
 *    samples one level apart in the whole frame. `identical` says when the clip MSE is exactly 0.
 *  - SSIM: Wang et al. 2004 with an 11x11 Gaussian window (sigma 1.5), K1 0.01, K2 0.03, L 255,
 *    population covariances, computed on each of R, G and B separately and averaged over the
 *    channels (no luma conversion): exactly scikit-image's
 *    `structural_similarity(a, b, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 *    data_range=255, channel_axis=-1)`. Like skimage, a frame's SSIM is the mean of its SSIM map
 *    without a 5 px band along the edges (where the window would leave the frame). `ssim` is the
 *    mean over frames.
 *  - Interaction region (per frame, a pixel mask): the hand video's pixels whose max(R, G, B) is
 *    above 24 (its background is black), dilated 15 px (a square, i.e. Chebyshev distance) and
 *    then +-2 frames in time; united, when the reference and the static video are both given,
 *    with the pixels where max over channels of |reference - static| is above 24, dilated 3 px.
 *    It is where the hands are and where the world really changed.
 *  - Region figures (`regionPsnr`, `regionSsim`) are pooled over every region pixel of every
 *    frame (not averaged per frame, since a frame's region can be tiny or empty): regionPsnr is
 *    the PSNR of the MSE over those pixels, regionSsim the mean of the SSIM map over them (the
 *    edge band excluded, as for `ssim`).
 *  - Scene consistency: the take against the STATIC video, pooled over every pixel OUTSIDE the
 *    region: how much of the room the model changed that it should have left alone. An
 *    untouched room gives PSNR 100 (the cap) and SSIM 1.
 *  - Flicker: the mean over consecutive frame pairs of the mean absolute difference between
 *    them (0-255 scale, all pixels and channels). Real camera motion also counts; compare a
 *    take's flicker with the reference's and the static video's rather than with zero.
 *  - Static baseline: the same reference figures for the do-nothing prediction, the static video
 *    itself. A take should beat it, above all inside the region.
 */

export const METRICS_VERSION = 1;
/** Every PSNR is capped here (see above): 100 dB means "identical, or as good as". */
export const PSNR_CAP_DB = 100;

/** Thresholds and sizes of the interaction region (pixel values on the 0-255 scale). */
export const REGION_DEFAULTS = {
  /** A hand-video pixel is hand when max(R, G, B) > this. */
  handThreshold: 24,
  /** Spatial dilation of the hand mask, px (square). */
  handDilatePx: 15,
  /** Temporal dilation of the hand mask, frames either side. */
  handDilateFrames: 2,
  /** The world changed where max over channels of |reference - static| > this. */
  changeThreshold: 24,
  /** Spatial dilation of the change mask, px (square). */
  changeDilatePx: 3,
} as const;

/** A PSNR in dB: 0 (MSE 255^2) to the cap. */
const Db = z.number().min(0).max(PSNR_CAP_DB);
const Ssim = z.number().min(-1).max(1);
/** A mean absolute difference on the 0-255 scale. */
const Mad = z.number().min(0).max(255);

/** One prediction (the take, or the static video as the do-nothing baseline) against the reference. */
export const ReferenceScores = z.object({
  /** Mean over frames of per-frame PSNR (each capped at 100 dB). */
  psnr: Db,
  /** PSNR of the whole clip's MSE, capped: what ffmpeg's psnr filter reports as "average" (on rgb24). */
  psnrClip: Db,
  /** Every sample equal (clip MSE 0); the PSNRs then read 100, the cap. */
  identical: z.boolean(),
  /** Mean over frames of per-frame SSIM (RGB channels averaged, 5 px edge band excluded). */
  ssim: Ssim,
  /** PSNR over the interaction region's pixels, pooled over frames; null without a hand video or when the region is empty. */
  regionPsnr: Db.nullable(),
  /** Mean SSIM map over the interaction region's pixels, pooled over frames; null like regionPsnr. */
  regionSsim: Ssim.nullable(),
  /** Per-frame PSNR (capped) and SSIM, in frame order. */
  perFrame: z.object({ psnr: z.array(Db), ssim: z.array(Ssim) }),
});
export type ReferenceScores = z.infer<typeof ReferenceScores>;

export const StaticBaselineScores = ReferenceScores.extend({
  /** Flicker of the static video itself. */
  flicker: Mad.nullable(),
});
export type StaticBaselineScores = z.infer<typeof StaticBaselineScores>;

export const ConsistencyScores = z.object({
  /** Take vs static video, PSNR over the pixels outside the region, pooled over frames (100 = untouched). */
  psnr: Db,
  /** Take vs static video, mean SSIM map outside the region (edge band excluded). */
  ssim: Ssim,
  /**
   * The same two figures for the reference against the static video, for calibration: the real
   * recording never matches the static rendering exactly, even outside the region. Null without
   * a reference.
   */
  referencePsnr: Db.nullable(),
  referenceSsim: Ssim.nullable(),
});
export type ConsistencyScores = z.infer<typeof ConsistencyScores>;

export const RegionInfo = z.object({
  /** 'hands': from the hand video alone; 'hands+change': also where the reference differs from the static video. */
  source: z.enum(['hands', 'hands+change']),
  /** Share of all pixels of all frames inside the region. */
  fraction: z.number().min(0).max(1),
  params: z.object({
    handThreshold: z.int().min(0).max(255),
    handDilatePx: z.int().min(0),
    handDilateFrames: z.int().min(0),
    changeThreshold: z.int().min(0).max(255),
    changeDilatePx: z.int().min(0),
  }),
});
export type RegionInfo = z.infer<typeof RegionInfo>;

export const TakeMetrics = z.object({
  version: z.literal(METRICS_VERSION),
  frames: z.int().min(1),
  width: z.int().min(1),
  height: z.int().min(1),
  /** The cap every PSNR here is clipped to (100 dB); a value equal to it means identical or as good as. */
  psnrCapDb: z.literal(PSNR_CAP_DB),
  /** The take against the reference; null without a reference video. */
  reference: ReferenceScores.nullable(),
  /** Scene consistency outside the region; null without a static and a hand video, or when no pixel (edge band aside) is outside the region. */
  consistency: ConsistencyScores.nullable(),
  /** Flicker of the take; null for a one-frame take. */
  flicker: Mad.nullable(),
  /** Flicker of the reference video, to compare the take's with; null without a reference. */
  referenceFlicker: Mad.nullable(),
  /** The interaction region; null without a hand video. */
  region: RegionInfo.nullable(),
  /** The static video as the prediction, against the reference; null unless both are given. */
  staticBaseline: StaticBaselineScores.nullable(),
  /** Milliseconds decoding the videos (null when given decoded frames) and computing the figures. */
  decodeMs: z.number().min(0).nullable(),
  computeMs: z.number().min(0),
});
export type TakeMetrics = z.infer<typeof TakeMetrics>;
