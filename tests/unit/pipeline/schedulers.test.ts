import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DdimConfig, ddimSchedule } from '../../../src/main/pipeline/schedulers/ddim';
import { createScheduler } from '../../../src/main/pipeline/schedulers/index';
import type { SchedulerConfig } from '../../../src/shared/model/manifest';

/**
 * Replays tests/fixtures/schedulers, written by tools/reference/make_scheduler_fixtures.py from
 * diffusers 0.42.1 (see its docstring for how the trajectories are built).
 */

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/schedulers');

interface Run {
  steps: number;
  timesteps: number[];
  initialSample: number[];
  modelOutputs: number[][];
  /** `sample` is the float32 input diffusers stepped from; `prevSample` its float64 result. */
  checkpoints: { step: number; sample: number[]; prevSample: number[] }[];
}
interface Case {
  name: string;
  config: SchedulerConfig;
  alphasCumprod: { dtype: string; index: number[]; values: number[]; finalAlphaCumprod: number } | null;
  runs: Run[];
}
interface TimestepTable {
  name: string;
  config: SchedulerConfig;
  runs: { steps: number; timesteps: number[] }[];
}

const read = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json') && f !== 'timesteps.json')
  .map((f) => read(f) as Case);
const tables = (read('timesteps.json') as { tables: TimestepTable[] }).tables;

/**
 * Largest |actual - expected|, in units of the largest magnitude involved (at least 1): a rounding
 * error in a coefficient moves the result in proportion to the inputs it multiplies, which can be
 * larger than the result.
 */
function scaledError(actual: Float32Array, expected: readonly number[], ...inputs: readonly number[][]): number {
  const scale = Math.max(1, ...[expected, ...inputs].flat().map(Math.abs));
  return Math.max(...expected.map((e, i) => Math.abs((actual[i] as number) - e))) / scale;
}

const ULP = 2 ** -24;

/**
 * DDIMScheduler's zero-SNR rescale goes through torch's float32 sqrt, which is not correctly rounded
 * (about one result in five is an ulp off), so diffusers' alphas_cumprod there sit an ulp or two from
 * any correctly rounded rebuild; sqrt(1 - alpha_prev) near t = 0 magnifies that up to ~1 / (2 sqrt(beta_0)) = 17x.
 */
const roughSchedule = (c: Case) => c.config.type === 'ddim' && c.config.rescaleBetasZeroSnr;

describe.each(cases)('$name against diffusers', (c) => {
  if (c.alphasCumprod) {
    const ref = c.alphasCumprod;
    it(`builds alphas_cumprod as diffusers does (${ref.dtype})`, () => {
      const schedule = ddimSchedule(c.config as DdimConfig);
      expect(schedule.dtype).toBe(ref.dtype);
      expect(schedule.finalAlphaCumprod).toBe(ref.finalAlphaCumprod);
      // Compared as sqrt(alphas_cumprod), the factor the steps use, where an ulp of float32 is an ulp.
      const expected = ref.dtype === 'float32' ? ref.values.map(Math.fround) : ref.values;
      const error = Math.max(
        ...ref.index.map((t, i) => Math.abs(Math.sqrt(schedule.alphasCumprod[t] as number) - Math.sqrt(expected[i] as number))),
      );
      expect(error).toBeLessThanOrEqual(ref.dtype === 'float64' ? 1e-15 : roughSchedule(c) ? 4 * ULP : ULP);
    });
  }

  describe.each(c.runs)('$steps steps', (run) => {
    const scheduler = createScheduler(c.config, run.steps);

    it("has diffusers' timesteps", () => {
      expect(scheduler.initNoiseSigma).toBe(1);
      // Flow timesteps are float32 stored in shortest form; DDIM's are integers.
      expect(scheduler.timesteps).toEqual(run.timesteps.map(Math.fround));
    });

    it("steps from diffusers' inputs to diffusers' outputs", () => {
      // One float32 rounding of the result (half an ulp) plus diffusers' own float32 rounding of its
      // coefficients (0-d float32 tensors): two ulps of the magnitudes involved. Any wrong
      // coefficient is off by orders of magnitude more.
      const errors = run.checkpoints.map(({ step, sample, prevSample }) => {
        const modelOutput = run.modelOutputs[step] as number[];
        const out = scheduler.step(Float32Array.from(modelOutput), step, Float32Array.from(sample));
        return scaledError(out, prevSample, sample, modelOutput);
      });
      expect(Math.max(...errors)).toBeLessThanOrEqual(roughSchedule(c) ? 16 * ULP : 2 * ULP);
    });

    it("runs the whole loop to diffusers' final sample", () => {
      let sample: Float32Array = Float32Array.from(run.initialSample);
      for (let i = 0; i < run.steps; i++) sample = scheduler.step(Float32Array.from(run.modelOutputs[i] as number[]), i, sample);
      // Free-running, an ulp of disagreement at one step is carried and scaled by the later ones
      // (epsilon steps multiply the sample by sqrt(alpha_prev / alpha), up to 15x over a run).
      const error = scaledError(sample, run.checkpoints.at(-1)?.prevSample ?? []);
      expect(error).toBeLessThanOrEqual(64 * ULP);
    });
  });
});

describe.each(tables)('timesteps: $name', (table) => {
  it.each(table.runs)('$steps steps', ({ steps, timesteps }) => {
    const actual = createScheduler(table.config, steps).timesteps;
    const trailing = table.config.type !== 'flow-euler' && table.config.timestepSpacing === 'trailing';
    if (trailing && timesteps.length === steps + 1) {
      // numpy's arange overshoots for these step counts and diffusers runs an extra step at timestep -1.
      expect(timesteps.at(-1)).toBe(-1);
      expect(actual).toEqual(timesteps.slice(0, steps));
    } else {
      expect(actual).toEqual(timesteps.map(Math.fround));
    }
  });
});

describe('the schedulers on inputs of their own', () => {
  const cogvideoxFun: SchedulerConfig = {
    type: 'cogvideox-ddim',
    numTrainTimesteps: 1000,
    betaSchedule: 'scaled_linear',
    betaStart: 0.00085,
    betaEnd: 0.012,
    predictionType: 'v_prediction',
    timestepSpacing: 'trailing',
    stepsOffset: 0,
    setAlphaToOne: true,
    rescaleBetasZeroSnr: true,
    snrShiftScale: 1,
  };
  const wan: SchedulerConfig = { type: 'flow-euler', numTrainTimesteps: 1000, shift: 5 };
  const sample = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 2);
  const modelOutput = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i * 0.3));
  const maxDiff = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
  const stepOf = (config: SchedulerConfig, steps = 10, index = 3) => createScheduler(config, steps).step(modelOutput, index, sample);

  it('reads the model output as the prediction type says', () => {
    const asEpsilon = stepOf({ ...cogvideoxFun, predictionType: 'epsilon', rescaleBetasZeroSnr: false });
    const asV = stepOf({ ...cogvideoxFun, rescaleBetasZeroSnr: false });
    const asSample = stepOf({ ...cogvideoxFun, predictionType: 'sample', rescaleBetasZeroSnr: false });
    expect(maxDiff(asEpsilon, asV)).toBeGreaterThan(0.1);
    expect(maxDiff(asSample, asV)).toBeGreaterThan(0.1);
  });

  it('gives DDIM and CogVideoX DDIM the same step when the SNR shift is 1 (they differ in spelling and dtype only)', () => {
    for (const predictionType of ['epsilon', 'v_prediction', 'sample'] as const) {
      const cogvideox = stepOf({ ...cogvideoxFun, predictionType, rescaleBetasZeroSnr: false });
      const ddim = stepOf({ ...cogvideoxFun, type: 'ddim', predictionType, rescaleBetasZeroSnr: false });
      // Their schedules differ by float32 rounding (DDIM builds scaled_linear betas in float32).
      expect(maxDiff(cogvideox, ddim)).toBeLessThan(1e-5);
    }
    expect(maxDiff(stepOf({ ...cogvideoxFun, snrShiftScale: 3 }), stepOf(cogvideoxFun))).toBeGreaterThan(0.01);
  });

  it('moves a flow sample by (next sigma - sigma) * velocity, ending at sigma 0', () => {
    const scheduler = createScheduler(wan, 4);
    const last = scheduler.step(modelOutput, 3, sample);
    const sigma = (scheduler.timesteps[3] as number) / 1000;
    expect(
      maxDiff(
        last,
        sample.map((x, i) => x - sigma * (modelOutput[i] as number)),
      ),
    ).toBeLessThan(1e-6);
  });

  it('returns a new array and leaves its inputs alone', () => {
    for (const config of [cogvideoxFun, wan]) {
      const before = [Float32Array.from(sample), Float32Array.from(modelOutput)];
      const out = createScheduler(config, 10).step(modelOutput, 0, sample);
      expect(out).not.toBe(sample);
      expect(out).toHaveLength(sample.length);
      expect([sample, modelOutput]).toEqual(before);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1001])('rejects %s steps', (steps) => {
    expect(() => createScheduler(cogvideoxFun, steps)).toThrow(/steps must be an integer from 1 to 1000/);
    expect(() => createScheduler(wan, steps)).toThrow(/steps must be an integer from 1 to 1000/);
  });

  it('rejects a step count whose offset timesteps run past the schedule', () => {
    const sd: SchedulerConfig = { ...cogvideoxFun, type: 'ddim', timestepSpacing: 'leading', stepsOffset: 1 };
    expect(() => createScheduler(sd, 1000)).toThrow(/reach timestep 1000, outside the 1000 training timesteps/);
    expect(createScheduler(sd, 999).timesteps[0]).toBe(999);
  });

  it('rejects epsilon prediction on a zero-SNR schedule, where diffusers would divide by zero', () => {
    expect(() => createScheduler({ ...cogvideoxFun, predictionType: 'epsilon' }, 10)).toThrow(/zero signal/);
    expect(() => createScheduler({ ...cogvideoxFun, type: 'ddim', predictionType: 'epsilon' }, 10)).toThrow(/zero signal/);
  });

  it('rejects a bad step index or mismatched lengths', () => {
    const scheduler = createScheduler(wan, 10);
    for (const index of [-1, 10, 0.5]) {
      expect(() => scheduler.step(modelOutput, index, sample)).toThrow(/step index must be an integer from 0 to 9/);
    }
    expect(() => scheduler.step(modelOutput.subarray(1), 0, sample)).toThrow(/model output has 63 values but the sample has 64/);
  });
});
