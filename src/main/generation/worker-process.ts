import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

/** A running pipeline process, whatever started it (Node's fork or Electron's utilityProcess). */
export interface WorkerChannel {
  send(msg: ParentMessage): void;
  onMessage(cb: (msg: WorkerMessage) => void): void;
  /** Called once when the process ends; signal is set when it was killed (e.g. by the OOM killer). */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type WorkerFactory = () => WorkerChannel;

/**
 * The worker entry beside this module: pipeline-worker.ts when running from source through
 * tsx (the CLI, the web host, tests), pipeline-worker.js in a build.
 */
export function workerEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const name of ['pipeline-worker.js', 'pipeline-worker.ts']) {
    const file = path.join(here, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`pipeline-worker not found beside ${here}`);
}

/** Node's child_process.fork; TypeScript sources get tsx's loader, found from this install. */
export const forkWorker: WorkerFactory = () => {
  const entry = workerEntry();
  const execArgv = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  return {
    send: (msg) => {
      if (child.connected) child.send(msg);
    },
    onMessage: (cb) => child.on('message', (m) => cb(m as WorkerMessage)),
    onExit: (cb) => child.once('exit', (code, signal) => cb(code, signal)),
    kill: () => {
      child.kill('SIGKILL');
    },
  };
};
