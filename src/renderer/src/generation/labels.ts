import type { TakeProgress } from '../../../shared/model/take';

/** Shown wherever a baseline model or its takes appear, so its output is never mistaken for a learned model's. */
export const BASELINE_LABEL = 'Baseline: hand overlay, no learned dynamics';

/** What a running take is doing before and after the denoising steps. */
const PHASES: Record<TakeProgress['phase'], string> = {
  queued: 'Waiting for the pipeline',
  load: 'Loading model',
  text: 'Encoding prompt',
  encode: 'Encoding conditioning',
  denoise: 'Denoising',
  decode: 'Decoding',
  write: 'Writing video',
  metrics: 'Measuring quality',
};

export function phaseText(p: TakeProgress): string {
  if (p.phase !== 'denoise') return PHASES[p.phase];
  // `step` counts finished steps; the one running now is the next (the last stays N of N).
  return `Step ${Math.min(p.step + 1, p.steps)} of ${p.steps}`;
}

/** m:ss, or s.s for short spans (a baseline take is seconds long). */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s - m * 60)).padStart(2, '0')}`;
}
