import path from 'node:path';
import type { TakeRecord } from '../../shared/model/take';
import type { PipelineInput } from '../pipeline/pipeline';
import { providerCandidates } from '../pipeline/providers';
import { listInferenceBackends } from '../services/inference-backends';

/** The pipeline input a take's record and folder describe (everything but the loaded bundle). */
export function pipelineInputOf(take: TakeRecord, takeDir: string): Omit<PipelineInput, 'bundle'> {
  const p = take.params;
  return {
    staticVideo: path.join(takeDir, take.files.staticVideo),
    handsVideo: path.join(takeDir, take.files.handsVideo),
    outVideo: path.join(takeDir, take.files.video),
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidance: p.guidance,
    providers: providerCandidates(p.provider, listInferenceBackends()),
  };
}
