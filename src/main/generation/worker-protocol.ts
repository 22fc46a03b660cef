import type { PipelineInput, PipelineResult, ProgressReport } from '../pipeline/pipeline';

/** What the pipeline process needs for one take: the pipeline's input with the bundle as a folder (plain data crosses the process boundary). */
export type WorkerJob = Omit<PipelineInput, 'bundle'> & { takeId: string; bundleDir: string };

export type ParentMessage =
  | { type: 'run'; job: WorkerJob }
  | { type: 'cancel'; takeId: string }
  /** Free the sessions (model switch, idle); the process stays. */
  | { type: 'release' };

export type FailureKind = 'input' | 'bundle' | 'provider' | 'memory' | 'internal';

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; takeId: string; progress: ProgressReport }
  | { type: 'done'; takeId: string; result: PipelineResult }
  | { type: 'cancelled'; takeId: string }
  | { type: 'failed'; takeId: string; kind: FailureKind; message: string }
  | { type: 'released' };
