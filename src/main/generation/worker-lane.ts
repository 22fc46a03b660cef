import type { TakeMetrics } from '../../shared/model/metrics';
import type { PipelineResult, ProgressReport } from '../pipeline/pipeline';
import type { WorkerChannel, WorkerFactory } from './worker-process';
import type { FailureKind, WorkerJob } from './worker-protocol';

export type JobOutcome =
  | { status: 'done'; result: PipelineResult; metrics: TakeMetrics | null; metricsError: string | null }
  | { status: 'cancelled' }
  | { status: 'failed'; kind: FailureKind | 'crash'; message: string };

interface Pending {
  job: WorkerJob;
  onProgress: (p: ProgressReport) => void;
  resolve: (o: JobOutcome) => void;
  cancelTimer?: NodeJS.Timeout;
}

export interface LaneOptions {
  factory: WorkerFactory;
  /** Stop the process (and so free all its memory) after this long without work. */
  idleMs: number;
  /** A cancel not honoured within this long (a step that never ends) kills the process. */
  cancelGraceMs: number;
}

/**
 * One device's pipeline process: runs one job at a time, starts the process on demand and
 * stops it when idle. If the process dies mid-job (out of memory, a native crash), the job
 * fails with that reason and the next job starts a fresh process.
 */
export class WorkerLane {
  private channel: WorkerChannel | null = null;
  private current: Pending | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: LaneOptions) {}

  run(job: WorkerJob, onProgress: (p: ProgressReport) => void): Promise<JobOutcome> {
    if (this.current) return Promise.reject(new Error('this lane is already running a job'));
    this.clearIdle();
    return new Promise((resolve) => {
      this.current = { job, onProgress, resolve };
      this.ensureChannel().send({ type: 'run', job });
    });
  }

  cancel(takeId: string): void {
    const cur = this.current;
    if (!cur || cur.job.takeId !== takeId || !this.channel) return;
    this.channel.send({ type: 'cancel', takeId });
    cur.cancelTimer ??= setTimeout(() => {
      if (this.current === cur) this.stopProcess();
    }, this.opts.cancelGraceMs);
  }

  /** Kill the process now; a running job ends as cancelled. */
  stop(): void {
    this.stopProcess();
    this.clearIdle();
  }

  private ensureChannel(): WorkerChannel {
    if (this.channel) return this.channel;
    const channel = this.opts.factory();
    this.channel = channel;
    channel.onMessage((msg) => {
      const cur = this.current;
      if (msg.type === 'progress' && cur?.job.takeId === msg.takeId) cur.onProgress(msg.progress);
      else if (msg.type === 'done' && cur?.job.takeId === msg.takeId)
        this.finish({ status: 'done', result: msg.result, metrics: msg.metrics, metricsError: msg.metricsError });
      else if (msg.type === 'cancelled' && cur?.job.takeId === msg.takeId) this.finish({ status: 'cancelled' });
      else if (msg.type === 'failed' && cur?.job.takeId === msg.takeId)
        this.finish({ status: 'failed', kind: msg.kind, message: msg.message });
    });
    channel.onExit((code, signal) => {
      if (this.channel !== channel) return;
      this.channel = null;
      const cur = this.current;
      if (!cur) return;
      if (cur.cancelTimer) this.finish({ status: 'cancelled' });
      else {
        const why = signal === 'SIGKILL' ? 'it was killed (most likely out of memory)' : signal ? `signal ${signal}` : `exit code ${code}`;
        this.finish({ status: 'failed', kind: 'crash', message: `the pipeline process ended unexpectedly: ${why}` });
      }
    });
    return channel;
  }

  private finish(outcome: JobOutcome): void {
    const cur = this.current;
    if (!cur) return;
    if (cur.cancelTimer) clearTimeout(cur.cancelTimer);
    this.current = null;
    cur.resolve(outcome);
    this.armIdle();
  }

  private stopProcess(): void {
    const channel = this.channel;
    this.channel = null;
    channel?.kill();
    const cur = this.current;
    if (cur) this.finish({ status: 'cancelled' });
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      if (!this.current) this.stopProcess();
    }, this.opts.idleMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
