import type { TakeMetrics } from '../../shared/model/metrics';
import type { PipelineInput, PipelineResult, ProgressReport } from '../pipeline/pipeline';

/** What the pipeline process needs for one take: the pipeline's input with the bundle as a folder (plain data crosses the process boundary). */
export type WorkerJob = Omit<PipelineInput, 'bundle'> & {
  takeId: string;
  bundleDir: string;
  /** The shot's recorded video, when it has one: metrics are measured against it. */
  groundTruth: string | null;
};

export type ParentMessage =
  | { type: 'run'; job: WorkerJob }
  | { type: 'cancel'; takeId: string }
  /** Free the sessions (model switch, idle); the process stays. */
  | { type: 'release' };

export type FailureKind = 'input' | 'bundle' | 'provider' | 'memory' | 'internal';

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'progress'; takeId: string; progress: ProgressReport }
  | { type: 'done'; takeId: string; result: PipelineResult; metrics: TakeMetrics | null; metricsError: string | null }
  | { type: 'cancelled'; takeId: string }
  | { type: 'failed'; takeId: string; kind: FailureKind; message: string }
  | { type: 'released' };
