/**
 * The bits of numpy and torch arithmetic the schedulers must reproduce to land on the same numbers
 * as diffusers: its schedules are built from float32 tensors (mostly), numpy float64 ranges and
 * banker's rounding, and a single ulp there moves a coefficient by more than float32 latents resolve.
 */

/** Rounds a float64 result to the dtype of the tensor diffusers holds it in. */
export type Dtype = (x: number) => number;
/** Every float32 op is an exactly rounded float64 op followed by Math.fround (53 >= 2 * 24 + 2 bits). */
export const float32: Dtype = Math.fround;
export const float64: Dtype = (x) => x;

/** np.round and torch.round send halves to the even neighbour; Math.round sends them up. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.linspace(start, stop, num) in float64: start + i * step, with the last value pinned to stop. */
export function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/**
 * np.arange(start, stop, step)[:count] in float64. numpy fills from the first two values, so the
 * stride is (start + step) - start, not step.
 */
export function numpyArange(start: number, step: number, count: number): number[] {
  const delta = start + step - start;
  return Array.from({ length: count }, (_, i) => (i === 0 ? start : i === 1 ? start + step : start + i * delta));
}

/**
 * torch.linspace on the CPU: each value comes from the nearer end with a fused multiply-add. The
 * product step * k is exact in float64 for these sizes, so the float32 case is exact; in float64
 * the missing fusion costs at most an ulp of float64, which nothing downstream can see.
 */
export function torchLinspace(start: number, end: number, steps: number, dtype: Dtype): number[] {
  const a = dtype(start);
  const b = dtype(end);
  if (steps === 1) return [a];
  const step = dtype(dtype(b - a) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  return Array.from({ length: steps }, (_, i) => (i < halfway ? dtype(a + step * i) : dtype(b - step * (steps - i - 1))));
}

/** torch.cumprod: float32 inputs are multiplied in a float64 accumulator and each prefix stored rounded. */
export function torchCumprod(values: readonly number[], dtype: Dtype): number[] {
  let acc = 1;
  return values.map((v) => {
    acc *= v;
    return dtype(acc);
  });
}
