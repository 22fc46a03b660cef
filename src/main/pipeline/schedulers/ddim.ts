import type { SchedulerConfig } from '../../../shared/model/manifest';
import { linearStep, type Scheduler, type StepCoefficients, validateSteps } from './common';
import { type Dtype, float32, float64, numpyArange, numpyLinspace, roundHalfEven, torchCumprod, torchLinspace } from './numerics';

/**
 * diffusers' DDIMScheduler and CogVideoXDDIMScheduler (0.42) with eta = 0, clip_sample = False and
 * no thresholding. The two differ in where the zero-SNR rescale happens, in CogVideoX's SNR shift,
 * in dtype (CogVideoX builds scaled_linear betas in float64, everything else is float32) and in how
 * step() spells the update; each is reproduced as diffusers computes it.
 */

export type DdimConfig = Extract<SchedulerConfig, { type: 'ddim' | 'cogvideox-ddim' }>;

export interface DdimSchedule {
  readonly alphasCumprod: readonly number[];
  /** Stands in for alphas_cumprod[prev] once the previous timestep falls below 0. */
  readonly finalAlphaCumprod: number;
  readonly dtype: 'float32' | 'float64';
}

function scheduleDtype(c: DdimConfig): Dtype {
  return c.type === 'cogvideox-ddim' && c.betaSchedule === 'scaled_linear' ? float64 : float32;
}

/** betas_for_alpha_bar (cosine), evaluated in Python floats and stored as float32. */
function cosineBetas(n: number): number[] {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  return Array.from({ length: n }, (_, i) => float32(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999)));
}

function betas(c: DdimConfig, dtype: Dtype): number[] {
  switch (c.betaSchedule) {
    case 'linear':
      return torchLinspace(c.betaStart, c.betaEnd, c.numTrainTimesteps, float32);
    case 'scaled_linear':
      return torchLinspace(Math.sqrt(c.betaStart), Math.sqrt(c.betaEnd), c.numTrainTimesteps, dtype).map((b) => dtype(b * b));
    case 'squaredcos_cap_v2':
      return cosineBetas(c.numTrainTimesteps);
  }
}

/** rescale_zero_terminal_snr's core (arXiv 2305.08891, Algorithm 1): shift and stretch sqrt(alphas_cumprod) so the last is 0. */
function zeroTerminalSnr(alphasCumprod: readonly number[], dtype: Dtype): number[] {
  const root = alphasCumprod.map((a) => dtype(Math.sqrt(a)));
  const first = root[0] as number;
  const last = root[root.length - 1] as number;
  const scale = dtype(first / dtype(first - last));
  return root.map((r) => {
    const shifted = dtype(dtype(r - last) * scale);
    return dtype(shifted * shifted);
  });
}

export function ddimSchedule(c: DdimConfig): DdimSchedule {
  const dtype = scheduleDtype(c);
  let b = betas(c, dtype);
  // DDIMScheduler rescales the betas (round trip through alphas_cumprod); CogVideoX rescales alphas_cumprod after its SNR shift.
  if (c.type === 'ddim' && c.rescaleBetasZeroSnr) {
    const bar = zeroTerminalSnr(
      torchCumprod(
        b.map((x) => dtype(1 - x)),
        dtype,
      ),
      dtype,
    );
    b = bar.map((a, i) => dtype(1 - (i === 0 ? a : dtype(a / (bar[i - 1] as number)))));
  }
  let alphasCumprod = torchCumprod(
    b.map((x) => dtype(1 - x)),
    dtype,
  );
  if (c.type === 'cogvideox-ddim') {
    const s = c.snrShiftScale;
    alphasCumprod = alphasCumprod.map((a) => dtype(a / dtype(dtype(s) + dtype(dtype(1 - s) * a))));
    if (c.rescaleBetasZeroSnr) alphasCumprod = zeroTerminalSnr(alphasCumprod, dtype);
  }
  return {
    alphasCumprod,
    finalAlphaCumprod: c.setAlphaToOne ? 1 : (alphasCumprod[0] as number),
    dtype: dtype === float32 ? 'float32' : 'float64',
  };
}

export function ddimTimesteps(c: DdimConfig, steps: number): number[] {
  validateSteps(steps, c.numTrainTimesteps);
  const n = c.numTrainTimesteps;
  let timesteps: number[];
  switch (c.timestepSpacing) {
    case 'linspace':
      timesteps = numpyLinspace(0, n - 1, steps)
        .map(roundHalfEven)
        .reverse();
      break;
    case 'leading': {
      const ratio = Math.floor(n / steps);
      timesteps = Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + c.stepsOffset);
      break;
    }
    case 'trailing':
      // numpy's arange(n, 0, -n / steps) sometimes yields steps + 1 values, the last being round(~0) - 1 = -1,
      // which diffusers then runs as an extra step on alphas_cumprod[-1]; the schedule stops at `steps`.
      timesteps = numpyArange(n, -n / steps, steps).map((t) => roundHalfEven(t) - 1);
      break;
  }
  const outside = timesteps.find((t) => t < 0 || t >= n);
  if (outside !== undefined) {
    throw new Error(
      `${steps} steps with steps offset ${c.stepsOffset} reach timestep ${outside}, outside the ${n} training timesteps; use fewer steps`,
    );
  }
  return timesteps;
}

/**
 * The update as each diffusers step() writes it, folded into prev = a * sample + b * model_output.
 * diffusers works these scalars out on 0-d tensors of the schedule's dtype, float32 mostly, whose
 * torch sqrt is not even correctly rounded; against the fixtures, float64 lands closer to diffusers'
 * float64 steps than mimicking that rounding does.
 */
function coefficients(c: DdimConfig, schedule: DdimSchedule, t: number, prevT: number): StepCoefficients {
  const alpha = schedule.alphasCumprod[t] as number;
  const alphaPrev = prevT >= 0 ? (schedule.alphasCumprod[prevT] as number) : schedule.finalAlphaCumprod;
  const sqrtAlpha = Math.sqrt(alpha);
  const sqrtBeta = Math.sqrt(1 - alpha);
  const sqrtAlphaPrev = Math.sqrt(alphaPrev);
  // pred_original_sample = p * sample + q * model_output
  const [p, q] =
    c.predictionType === 'epsilon'
      ? [1 / sqrtAlpha, -sqrtBeta / sqrtAlpha]
      : c.predictionType === 'v_prediction'
        ? [sqrtAlpha, -sqrtBeta]
        : [0, 1];
  if (c.type === 'cogvideox-ddim') {
    // prev = a_t * sample + b_t * pred_original_sample
    const at = Math.sqrt((1 - alphaPrev) / (1 - alpha));
    const bt = sqrtAlphaPrev - sqrtAlpha * at;
    return { sample: at + bt * p, modelOutput: bt * q };
  }
  // prev = sqrt(alpha_prev) * pred_original_sample + sqrt(1 - alpha_prev) * pred_epsilon, pred_epsilon = e * sample + f * model_output
  const direction = Math.sqrt(1 - alphaPrev);
  const [e, f] =
    c.predictionType === 'epsilon'
      ? [0, 1]
      : c.predictionType === 'v_prediction'
        ? [sqrtBeta, sqrtAlpha]
        : [1 / sqrtBeta, -sqrtAlpha / sqrtBeta];
  return { sample: sqrtAlphaPrev * p + direction * e, modelOutput: sqrtAlphaPrev * q + direction * f };
}

export function createDdimScheduler(c: DdimConfig, steps: number): Scheduler {
  const timesteps = ddimTimesteps(c, steps);
  const schedule = ddimSchedule(c);
  // diffusers' stride for the previous timestep, whatever the spacing: with linspace or a trailing
  // non-divisor it is not the next timestep visited (diffusers issue 12633), and the model expects that.
  const stride = Math.floor(c.numTrainTimesteps / steps);
  const coefs = timesteps.map((t) => coefficients(c, schedule, t, t - stride));
  if (coefs.some((k) => !Number.isFinite(k.sample) || !Number.isFinite(k.modelOutput))) {
    // Only epsilon prediction at a zero-SNR timestep gets here: noise alone says nothing about the sample.
    throw new Error(`${c.predictionType} prediction cannot start from a timestep with zero signal (rescaleBetasZeroSnr); use v_prediction`);
  }
  return {
    timesteps,
    initNoiseSigma: 1,
    step: (modelOutput, stepIndex, sample) => linearStep(coefs, modelOutput, stepIndex, sample),
  };
}
