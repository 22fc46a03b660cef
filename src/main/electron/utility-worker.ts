import { utilityProcess } from 'electron';
import type { WorkerChannel, WorkerFactory } from '../generation/worker-process';
import { workerEntry } from '../generation/worker-process';
import type { ParentMessage, WorkerMessage } from '../generation/worker-protocol';

/**
 * The pipeline in an Electron utilityProcess (Chromium's service-process model): a crash or
 * an out-of-memory kill in the native runtime ends only that process, and the main process,
 * which serves the UI, never runs a denoising step. Same message protocol as the Node fork.
 *
 * Not exercised by the tests: there is no Electron binary on the build machine (see README).
 */
export const utilityWorker: WorkerFactory = (): WorkerChannel => {
  const child = utilityProcess.fork(workerEntry(), [], { serviceName: 'DWM pipeline', stdio: 'inherit' });
  let exited = false;
  return {
    send: (msg: ParentMessage) => {
      if (!exited) child.postMessage(msg);
    },
    onMessage: (cb) => child.on('message', (m: unknown) => cb(m as WorkerMessage)),
    onExit: (cb) =>
      child.once('exit', (code: number) => {
        exited = true;
        cb(code, null);
      }),
    kill: () => {
      if (!exited) child.kill();
    },
  };
};
