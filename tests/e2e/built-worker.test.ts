import { fork } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerLane } from '../../src/main/generation/worker-lane';
import type { WorkerChannel } from '../../src/main/generation/worker-process';
import type { WorkerMessage } from '../../src/main/generation/worker-protocol';
import { makeConditioning, probe, TINY_BUNDLE } from '../unit/pipeline/helpers';
import { ROOT, tempDir } from './harness';

/**
 * The pipeline process as the build ships it (out/main/pipeline-worker.js, the entry the
 * desktop app hands to utilityProcess), run here with Node's fork: there is no Electron binary
 * on this machine, so this checks the built bundle and its message protocol, not utilityProcess.
 */
const BUILT = path.join(ROOT, 'out', 'main', 'pipeline-worker.js');

describe('the built pipeline worker', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs a take of the tiny bundle and reports progress, the result and metrics', async () => {
    expect(existsSync(BUILT), `${BUILT} missing: npm run build first`).toBe(true);
    console.log('NOTE: forked with Node, not an Electron utilityProcess (no Electron binary here)');
    dir = await tempDir('built-worker');
    const videos = makeConditioning(dir, { width: 64, height: 48, frames: 9, fps: 8 });
    const lane = new WorkerLane({
      factory: (): WorkerChannel => {
        const child = fork(BUILT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
        return {
          send: (m) => child.connected && child.send(m),
          onMessage: (cb) => child.on('message', (m) => cb(m as WorkerMessage)),
          onExit: (cb) => child.once('exit', (code, signal) => cb(code, signal)),
          kill: () => child.kill('SIGKILL'),
        };
      },
      idleMs: 100,
      cancelGraceMs: 5000,
    });
    const steps: number[] = [];
    const outcome = await lane.run(
      {
        takeId: '00000000-0000-4000-8000-000000000001',
        bundleDir: TINY_BUNDLE,
        ...videos,
        outVideo: path.join(dir, 'generated.mp4'),
        prompt: 'open the drawer',
        negativePrompt: '',
        seed: 1,
        steps: 3,
        guidance: 6,
        providers: ['cpu'],
        groundTruth: null,
      },
      (p) => {
        if (p.phase === 'denoise') steps.push(p.step);
      },
    );
    lane.stop();
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.result).toMatchObject({ providerUsed: 'cpu', frames: 9, width: 64, height: 48 });
    expect(outcome.metrics?.consistency).not.toBeNull();
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(probe(path.join(dir, 'generated.mp4'))).toMatchObject({ frames: 9, width: 64, height: 48, fps: 8 });
  }, 60_000);
});
