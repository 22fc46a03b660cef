import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TakeStore } from '../../../src/main/generation/take-store';
import { buildConditioningPoses } from '../../../src/shared/conditioning/poses';
import { DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';
import { newTakeRecord, type TakeRecord } from '../../../src/shared/model/take';
import { makeConditioning } from '../pipeline/helpers';

export const SMALL = { ...DEFAULT_CONDITIONING_SPEC, width: 64, height: 48, frames: 9, fps: 8 };

/** A synthetic camera path and hand motion, frame by frame (poses.json as a render writes it). */
export function smallPoses(frames = SMALL.frames, spec = SMALL) {
  const fingers = (i: number) => Array.from({ length: 45 }, (_, k) => (k % 3 === 0 ? 0.05 * i : 0));
  return buildConditioningPoses(
    { ...spec, frames },
    {
      camera: Array.from({ length: frames }, (_, i) => ({ position: [0, 1.6, 2 - 0.05 * i], rotation: [0, 0, 0, 1], fovY: 60 })),
      hands: {
        left: Array.from({ length: frames }, (_, i) => ({
          visible: i > 2,
          wristPosition: [-0.2, 1.2, 1 - 0.02 * i],
          wristRotation: [0, 0, 0, 1],
          fingers: fingers(i),
        })),
        right: Array.from({ length: frames }, (_, i) => ({
          visible: true,
          wristPosition: [0.2 + 0.01 * i, 1.2, 1],
          wristRotation: [0, 0, 0, 1],
          fingers: fingers(i),
        })),
      },
    },
  );
}

/**
 * A finished take written straight to disk (as the queue would leave it): videos made with
 * ffmpeg directly, take.json, and poses.json when withPoses.
 */
export async function writeDoneTake(
  projectDir: string,
  opts: { name: string; prompt: string; withPoses: boolean; rating?: number; shotId?: string | null; spec?: typeof SMALL },
): Promise<TakeRecord> {
  const store = new TakeStore(projectDir);
  const id = randomUUID();
  const dir = store.dirOf(id);
  await fs.mkdir(dir, { recursive: true });
  const spec = opts.spec ?? SMALL;
  makeConditioning(dir, spec);
  // A different pattern for the "generated" video, so the three files differ.
  makeConditioning(dir, spec, { static: 'generated.mp4', hands: 'unused.mp4' });
  await fs.rm(path.join(dir, 'unused.mp4'));
  const queued = newTakeRecord({
    id,
    shotId: opts.shotId ?? null,
    name: opts.name,
    params: { modelId: 'tiny-random', prompt: opts.prompt, negativePrompt: '', seed: 1, steps: 2, guidance: 1, provider: 'cpu' },
    model: { id: 'tiny-random', name: 'Tiny', version: '1', baseline: false, hash: 'a'.repeat(64) },
    appVersion: 'test',
  });
  const take: TakeRecord = {
    ...queued,
    status: 'done',
    output: { frames: spec.frames, width: spec.width, height: spec.height, fps: spec.fps },
    review: { ...queued.review, rating: opts.rating ?? 0 },
    files: { ...queued.files, ...(opts.withPoses ? { poses: 'poses.json' } : {}) },
  };
  if (opts.withPoses) await fs.writeFile(path.join(dir, 'poses.json'), JSON.stringify(smallPoses(spec.frames, spec)));
  await store.write(take);
  return take;
}
