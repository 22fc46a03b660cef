import { ApiError } from '../../shared/api/errors';
import type { ModelManifest } from '../../shared/model/manifest';
import type { ModelBundle } from '../models/bundle';
import { probeVideo } from '../services/conditioning/ffmpeg';

export interface ConditioningFiles {
  staticVideo: string;
  handsVideo: string;
}

/** Refuse at once what the pipeline would refuse later: a take queued behind others should not fail an hour from now. */
export async function checkConditioning(sources: ConditioningFiles, m: ModelManifest): Promise<void> {
  const { width, height, frames, fps } = m.conditioning;
  for (const file of [sources.staticVideo, sources.handsVideo]) {
    const probe = await probeVideo(file).catch((err: Error) => {
      throw new ApiError('BAD_INPUT', err.message, { file });
    });
    if (probe.width !== width || probe.height !== height || probe.frames !== frames || Math.abs(probe.fps - fps) > 0.01) {
      throw new ApiError(
        'BAD_INPUT',
        `${file}: ${probe.width}x${probe.height}, ${probe.frames} frames at ${probe.fps} fps; the model "${m.name}" needs ${width}x${height}, ${frames} frames at ${fps} fps`,
        { file },
      );
    }
  }
}

/**
 * For conditioning made elsewhere (reference samples, files given on the command line): the first
 * of `preferred`, then the other `models`, whose size, length and rate the files have; `preferred`
 * when none fits, so that its refusal names the mismatch. `sourcesFor` gives the files a model
 * would read (a shot's imported files can differ per model).
 */
export async function firstModelFitting(
  preferred: ModelBundle,
  models: readonly ModelBundle[],
  sourcesFor: (m: ModelManifest) => ConditioningFiles | Promise<ConditioningFiles>,
): Promise<ModelBundle> {
  for (const candidate of [preferred, ...models.filter((m) => m !== preferred)]) {
    const fits = await checkConditioning(await sourcesFor(candidate.manifest), candidate.manifest).then(
      () => true,
      () => false,
    );
    if (fits) return candidate;
  }
  return preferred;
}
