import type { TakeMetrics } from '../../shared/model/metrics';
import { measureTakeFiles } from '../metrics/take-metrics';
import { loadBundle } from '../models/bundle';
import { CancelledError, InputError, runPipeline } from '../pipeline/pipeline';
import { BundleError, SessionCache } from '../pipeline/sessions';
import type { FailureKind, ParentMessage, WorkerJob, WorkerMessage } from './worker-protocol';

/**
 * The pipeline's own process (a utilityProcess in Electron, a forked Node process in the web
 * host and tests), so neither the UI nor the API ever waits on a denoising step, and a crash
 * or an out-of-memory kill in the native runtime takes down only this process. It keeps the
 * ONNX sessions between takes; the parent stops it when idle.
 */

interface Port {
  send(msg: WorkerMessage): void;
  onMessage(cb: (msg: ParentMessage) => void): void;
}

function connect(): Port {
  const parentPort = (
    process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', cb: (e: { data: unknown }) => void): void } }
  ).parentPort;
  if (parentPort) {
    return { send: (m) => parentPort.postMessage(m), onMessage: (cb) => parentPort.on('message', (e) => cb(e.data as ParentMessage)) };
  }
  if (!process.send) throw new Error('pipeline-worker must be started as a child process with an IPC channel');
  return { send: (m) => process.send?.(m), onMessage: (cb) => process.on('message', (m) => cb(m as ParentMessage)) };
}

const port = connect();
const sessions = new SessionCache();
let running: { takeId: string; abort: AbortController } | null = null;
const queue: WorkerJob[] = [];

port.onMessage((msg) => {
  if (msg.type === 'run') {
    queue.push(msg.job);
    void pump();
  } else if (msg.type === 'cancel') {
    const queuedAt = queue.findIndex((j) => j.takeId === msg.takeId);
    if (queuedAt >= 0) {
      queue.splice(queuedAt, 1);
      port.send({ type: 'cancelled', takeId: msg.takeId });
    } else if (running?.takeId === msg.takeId) running.abort.abort();
  } else if (msg.type === 'release') {
    if (!running) void sessions.release().then(() => port.send({ type: 'released' }));
  }
});
port.send({ type: 'ready', pid: process.pid });

async function pump(): Promise<void> {
  if (running) return;
  const job = queue.shift();
  if (!job) return;
  running = { takeId: job.takeId, abort: new AbortController() };
  try {
    await runJob(job, running.abort.signal);
  } finally {
    running = null;
    void pump();
  }
}

async function runJob(job: WorkerJob, signal: AbortSignal): Promise<void> {
  try {
    const load = await loadBundle(job.bundleDir);
    if (!load.ok) throw new BundleError(load.invalid.problem);
    const result = await runPipeline(
      { ...job, bundle: load.bundle },
      { sessions, signal, onProgress: (progress) => port.send({ type: 'progress', takeId: job.takeId, progress }) },
    );
    // Quality figures while the videos are at hand; a take is still good if they cannot be measured.
    port.send({
      type: 'progress',
      takeId: job.takeId,
      progress: { phase: 'metrics', step: job.steps, steps: job.steps, elapsedMs: result.timings.totalMs, etaMs: null },
    });
    let metrics: TakeMetrics | null = null;
    let metricsError: string | null = null;
    try {
      metrics = await measureTakeFiles({
        take: job.outVideo,
        reference: job.groundTruth ?? undefined,
        static: job.staticVideo,
        hands: job.handsVideo,
      });
    } catch (err) {
      metricsError = (err as Error).message;
    }
    port.send({ type: 'done', takeId: job.takeId, result, metrics, metricsError });
  } catch (err) {
    if (err instanceof CancelledError || signal.aborted) {
      // A cancelled take frees its memory: the user cancels most often because something is too big or too slow.
      await sessions.release();
      port.send({ type: 'cancelled', takeId: job.takeId });
      return;
    }
    const { kind, message } = classify(err as Error);
    if (kind === 'memory' || kind === 'provider') await sessions.release();
    port.send({ type: 'failed', takeId: job.takeId, kind, message });
  }
}

function classify(err: Error): { kind: FailureKind; message: string } {
  const message = err.message || String(err);
  if (err instanceof InputError) return { kind: 'input', message };
  if (err instanceof BundleError) return { kind: 'bundle', message };
  if (/bad_alloc|out of memory|Failed to allocate|OOM|Array buffer allocation failed|Invalid typed array length/i.test(message)) {
    return {
      kind: 'memory',
      message: `ran out of memory (${message.split('\n')[0]}); try a smaller model, fewer frames, or the CPU provider`,
    };
  }
  if (/no execution provider could run/i.test(message)) return { kind: 'provider', message };
  return { kind: 'internal', message };
}
