export interface Scheduler {
  /** Timesteps in the order the loop visits them (what the denoiser receives as its timestep input). */
  readonly timesteps: readonly number[];
  /** Scale of the initial noise (1 for these schedulers, but keep the field). */
  readonly initNoiseSigma: number;
  /** One denoising step (index into timesteps): returns the new, less noisy sample as a new Float32Array; never modifies its inputs. */
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array): Float32Array;
}

/**
 * Every step here (DDIM with eta = 0 and no clipping, Euler on a flow) is linear in the sample and
 * the model output, so a step is two float64 coefficients and one pass over the latents, rounded
 * once to float32 instead of once per intermediate tensor.
 */
export interface StepCoefficients {
  readonly sample: number;
  readonly modelOutput: number;
}

export function validateSteps(steps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw new Error(`steps must be an integer from 1 to ${numTrainTimesteps} (the schedule's training timesteps), got ${steps}`);
  }
}

export function linearStep(
  coefficients: readonly StepCoefficients[],
  modelOutput: Float32Array,
  stepIndex: number,
  sample: Float32Array,
): Float32Array {
  const c = coefficients[stepIndex];
  if (!Number.isInteger(stepIndex) || c === undefined) {
    throw new Error(`step index must be an integer from 0 to ${coefficients.length - 1}, got ${stepIndex}`);
  }
  if (modelOutput.length !== sample.length) {
    throw new Error(`model output has ${modelOutput.length} values but the sample has ${sample.length}`);
  }
  const a = c.sample;
  const b = c.modelOutput;
  const n = sample.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * (sample[i] as number) + b * (modelOutput[i] as number);
  return out;
}
