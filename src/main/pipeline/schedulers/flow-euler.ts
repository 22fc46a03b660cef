import type { SchedulerConfig } from '../../../shared/model/manifest';
import { linearStep, type Scheduler, validateSteps } from './common';
import { type Dtype, float32, float64, numpyLinspace } from './numerics';

/**
 * diffusers' FlowMatchEulerDiscreteScheduler (0.42) with use_dynamic_shifting = False and the other
 * options at their defaults: sigma runs from 1 towards 0, the model predicts the velocity
 * d sample / d sigma, and a step is one Euler step to the next sigma (0 after the last).
 */

export type FlowEulerConfig = Extract<SchedulerConfig, { type: 'flow-euler' }>;

function shifted(shift: number, sigma: number, dtype: Dtype): number {
  return dtype(dtype(dtype(shift) * sigma) / dtype(1 + dtype(dtype(shift - 1) * sigma)));
}

/** The sigmas the loop visits, as float32 like diffusers' sigmas tensor. */
export function flowSigmas(c: FlowEulerConfig, steps: number): number[] {
  validateSteps(steps, c.numTrainTimesteps);
  const n = c.numTrainTimesteps;
  // The constructor shifts its float32 training sigmas, and set_timesteps spans the range between the
  // shifted ends and shifts again in float64: the last sigma is shifted twice (shift 5, 1000: 0.0244, not 0.005).
  const sigmaMax = shifted(c.shift, 1, float32);
  const sigmaMin = shifted(c.shift, float32(1 / n), float32);
  return numpyLinspace(sigmaMax * n, sigmaMin * n, steps).map((t) => float32(shifted(c.shift, t / n, float64)));
}

export function createFlowEulerScheduler(c: FlowEulerConfig, steps: number): Scheduler {
  const sigmas = flowSigmas(c, steps);
  // sigma * numTrainTimesteps in float32, as diffusers' tensor holds it: not an integer in general.
  const timesteps = sigmas.map((s) => float32(s * c.numTrainTimesteps));
  const coefs = sigmas.map((sigma, i) => ({ sample: 1, modelOutput: float32((sigmas[i + 1] ?? 0) - sigma) }));
  return {
    timesteps,
    initNoiseSigma: 1,
    step: (modelOutput, stepIndex, sample) => linearStep(coefs, modelOutput, stepIndex, sample),
  };
}
