import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GenerationService } from '../../../src/main/generation/generation-service';
import { forkWorker, type WorkerChannel, type WorkerFactory } from '../../../src/main/generation/worker-process';
import { RenderService } from '../../../src/main/services/conditioning/render-service';
import { ProjectService } from '../../../src/main/services/project-service';
import { SettingsStore } from '../../../src/main/services/settings-store';
import { DEFAULT_CONDITIONING_SPEC } from '../../../src/shared/conditioning/spec';
import type { TakeProgress, TakeRecord } from '../../../src/shared/model/take';
import { BASELINE_BUNDLE, makeConditioning, probe, TINY_BUNDLE, tempDir } from '../pipeline/helpers';

/**
 * The queue with the real pipeline process (Node's fork of pipeline-worker.ts through tsx),
 * the tiny random-weight bundle and real files: persistence across a restart, cancel within
 * a step, failures recorded, retry, variations.
 */
const TINY_SPEC = { ...DEFAULT_CONDITIONING_SPEC, width: 64, height: 48, frames: 9, fps: 8 };

interface Harness {
  projects: ProjectService;
  generation: GenerationService;
  updates: TakeRecord[];
  progress: TakeProgress[];
  shotId: string;
  dir: string;
}

const open: Harness[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.generation.shutdown();
    await h.projects.close();
  }
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

/**
 * A project holding one shot conditioned by generated videos (a reference-layout import):
 * 64x48 and 9 frames for the tiny bundle, or the full 720x480, 49 frames for the baseline,
 * whose steps take long enough (about a second here) to watch a cancel or a quit land mid-run.
 */
async function makeProject(spec = TINY_SPEC): Promise<{ root: string; projectDir: string }> {
  const root = await tempDir('queue');
  dirs.push(root);
  const layout = path.join(root, 'layout');
  for (const sub of ['videos_static', 'videos_hands', 'prompts']) await fs.mkdir(path.join(layout, sub), { recursive: true });
  makeConditioning(layout, spec, { static: 'videos_static/s1.mp4', hands: 'videos_hands/s1.mp4' });
  await fs.writeFile(path.join(layout, 'prompts', 's1.txt'), 'open the drawer');
  const settings = new SettingsStore(path.join(root, 'user'));
  await settings.load();
  const projects = new ProjectService({ settings, appVersion: 'test' });
  await projects.create(path.join(root, 'project'), 'queue test', { sampleRoom: false });
  await projects.importSamples(layout, { spec });
  await projects.close();
  return { root, projectDir: path.join(root, 'project') };
}

async function startStudio(root: string, projectDir: string, opts: { idleMs?: number; factory?: WorkerFactory } = {}): Promise<Harness> {
  const settings = new SettingsStore(path.join(root, 'user'));
  await settings.load();
  const updates: TakeRecord[] = [];
  const progress: TakeProgress[] = [];
  let generation: GenerationService | null = null;
  const projects = new ProjectService({ settings, appVersion: 'test', onStatus: () => void generation?.sync() });
  generation = new GenerationService({
    projects,
    renders: new RenderService(projects),
    settings,
    builtinModelRoots: [path.dirname(TINY_BUNDLE), path.dirname(BASELINE_BUNDLE)],
    appVersion: 'test',
    onTake: (t) => updates.push(t),
    onProgress: (p) => progress.push(p),
    idleMs: opts.idleMs ?? 60_000,
    ...(opts.factory ? { factory: opts.factory } : {}),
    cancelGraceMs: 10_000,
  });
  const state = await projects.open(projectDir);
  await generation.sync();
  const shotId = state.document.shots[0]?.id ?? '';
  const h = { projects, generation, updates, progress, shotId, dir: projectDir };
  open.push(h);
  return h;
}

async function waitFor<T>(what: string, poll: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await poll();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function statusOnDisk(projectDir: string, id: string): Promise<string> {
  return JSON.parse(await fs.readFile(path.join(projectDir, 'takes', id, 'take.json'), 'utf8')).status;
}

describe('generation queue', () => {
  it('gives a sample shot a model of its size when none is named, not the learned default', async () => {
    // Reference-size samples (720x480, 49 frames); the learned default here is the tiny bundle (64x48, 9 frames).
    const { root, projectDir } = await makeProject(DEFAULT_CONDITIONING_SPEC);
    const h = await startStudio(root, projectDir);
    expect((await h.generation.defaultModel()).manifest.id).toBe('tiny-random');
    const [take] = await h.generation.enqueue({ shotId: h.shotId, count: 1, steps: 1 });
    expect(take?.params.modelId).toBe('dwm-baseline-overlay');
    await waitFor('take done', async () => (await h.generation.get(take?.id ?? '')).status === 'done', 120_000);
    // Named, the learned model is still refused for the samples' size, naming the file.
    await expect(h.generation.enqueue({ shotId: h.shotId, count: 1, modelId: 'tiny-random' })).rejects.toThrow(
      /static\.mp4: 720x480, 49 frames at 8 fps; the model ".*" needs 64x48, 9 frames at 8 fps/,
    );
  }, 150_000);

  it('runs variations with consecutive seeds and records everything in take.json', async () => {
    const { root, projectDir } = await makeProject();
    const h = await startStudio(root, projectDir);
    const takes = await h.generation.enqueue({ shotId: h.shotId, count: 2, seed: 100, steps: 3 });
    expect(takes.map((t) => t.params.seed)).toEqual([100, 101]);
    expect(takes.map((t) => t.name)).toEqual(['Sample s1 take 1', 'Sample s1 take 2']);
    for (const t of takes) await waitFor('take done', async () => (await h.generation.get(t.id)).status === 'done');
    const done = await h.generation.get(takes[0]?.id ?? '');
    expect(done).toMatchObject({
      status: 'done',
      providerUsed: 'cpu',
      attempts: 1,
      params: { modelId: 'tiny-random', prompt: 'open the drawer', steps: 3, guidance: 6, provider: 'auto' },
      output: { frames: 9, width: 64, height: 48, fps: 8 },
      appVersion: 'test',
    });
    expect(done.model.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(done.timings.stepMs).toHaveLength(3);
    // Measured once done: no ground truth in this layout, so scene consistency and flicker only.
    expect(done.metrics).toMatchObject({ frames: 9, width: 64, height: 48, reference: null, staticBaseline: null });
    expect(done.metrics?.consistency?.psnr).toBeGreaterThan(0);
    expect(done.metrics?.flicker).toBeGreaterThanOrEqual(0);
    const onDisk = JSON.parse(await fs.readFile(path.join(projectDir, 'takes', done.id, 'take.json'), 'utf8'));
    expect(onDisk).toEqual(done);
    expect(probe(path.join(projectDir, 'takes', done.id, 'generated.mp4'))).toMatchObject({ frames: 9, width: 64, height: 48, fps: 8 });
    const steps = h.progress.filter((p) => p.takeId === done.id && p.phase === 'denoise').map((p) => p.step);
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(h.updates.filter((u) => u.id === done.id).map((u) => u.status)).toEqual(['queued', 'running', 'done']);
  });

  it('keeps queued takes across a restart and requeues the one that was running', async () => {
    const { root, projectDir } = await makeProject(DEFAULT_CONDITIONING_SPEC);
    const first = await startStudio(root, projectDir);
    const [long] = await first.generation.enqueue({ shotId: first.shotId, modelId: 'dwm-baseline-overlay', count: 1, steps: 40 });
    const short = await first.generation.enqueue({ shotId: first.shotId, modelId: 'dwm-baseline-overlay', count: 2, steps: 1 });
    const longId = long?.id ?? '';
    await waitFor('first take running', () => first.progress.some((p) => p.takeId === longId && p.phase === 'denoise' && p.step >= 1));
    // The app quits mid-job.
    await first.generation.shutdown();
    await first.projects.close();
    open.splice(open.indexOf(first), 1);
    const all = [longId, ...short.map((t) => t.id)];
    expect(await Promise.all(all.map((id) => statusOnDisk(projectDir, id)))).toEqual(['queued', 'queued', 'queued']);
    await expect(fs.stat(path.join(projectDir, 'takes', longId, 'generated.mp4'))).rejects.toThrow();

    const second = await startStudio(root, projectDir);
    expect((await second.generation.get(longId)).message).toMatch(/stopped while this take was running/);
    // The interrupted take runs again first (attempt 2); cancelling it lets the others through.
    await waitFor('restarted take running', async () => (await second.generation.get(longId)).attempts === 2);
    await second.generation.cancel(longId);
    for (const t of short)
      await waitFor('queued take done after restart', async () => (await second.generation.get(t.id)).status === 'done', 120_000);
    expect((await second.generation.get(longId)).status).toBe('cancelled');
    expect(probe(path.join(projectDir, 'takes', short[0]?.id ?? '', 'generated.mp4'))).toMatchObject({
      frames: 49,
      width: 720,
      height: 480,
      fps: 8,
    });
  }, 240_000);

  it('cancels a running take within one step and can retry it', async () => {
    const { root, projectDir } = await makeProject(DEFAULT_CONDITIONING_SPEC);
    const h = await startStudio(root, projectDir);
    const [take] = await h.generation.enqueue({ shotId: h.shotId, modelId: 'dwm-baseline-overlay', count: 1, steps: 50 });
    const id = take?.id ?? '';
    await waitFor('a step done', () => h.progress.find((p) => p.takeId === id && p.phase === 'denoise' && p.step >= 1));
    const stepAtCancel = Math.max(...h.progress.filter((p) => p.takeId === id && p.phase === 'denoise').map((p) => p.step));
    await h.generation.cancel(id);
    await waitFor('cancelled', async () => (await h.generation.get(id)).status === 'cancelled');
    const lastStep = Math.max(...h.progress.filter((p) => p.takeId === id && p.phase === 'denoise').map((p) => p.step));
    // The step under way when the cancel arrived may finish; no further one starts.
    expect(lastStep - stepAtCancel).toBeLessThanOrEqual(1);
    expect(await statusOnDisk(projectDir, id)).toBe('cancelled');
    await expect(fs.stat(path.join(projectDir, 'takes', id, 'generated.mp4'))).rejects.toThrow();

    const retried = await h.generation.retry(id);
    expect(retried).toMatchObject({ status: 'queued', message: null });
    await waitFor('running again', async () => (await h.generation.get(id)).attempts === 2);
    await h.generation.cancel(id);
    await waitFor('cancelled again', async () => (await h.generation.get(id)).status === 'cancelled');
  }, 120_000);

  it('records a failure with its reason when the conditioning files vanish before the run', async () => {
    const { root, projectDir } = await makeProject();
    const h = await startStudio(root, projectDir);
    // A long first take keeps the lane busy while the second one's input disappears.
    const [blocker, victim] = await h.generation.enqueue({ shotId: h.shotId, count: 2, steps: 80 });
    await fs.rm(path.join(projectDir, 'takes', victim?.id ?? '', 'hands.mp4'));
    await h.generation.cancel(blocker?.id ?? '');
    const failed = await waitFor('victim failed', async () => {
      const t = await h.generation.get(victim?.id ?? '');
      return t.status === 'failed' ? t : undefined;
    });
    expect(failed.message).toMatch(/hands\.mp4/);
    expect(await statusOnDisk(projectDir, failed.id)).toBe('failed');
  }, 120_000);

  it('refuses to queue a shot whose conditioning does not fit the model, naming the file', async () => {
    const { root, projectDir } = await makeProject();
    const h = await startStudio(root, projectDir);
    const state = h.projects.current();
    const shot = state?.document.shots[0];
    if (!state || !shot?.conditioning) throw new Error('no conditioned shot');
    makeConditioning(
      path.join(projectDir, path.dirname(shot.conditioning.handsVideo)),
      { ...TINY_SPEC, frames: 7 },
      {
        static: 'unused.mp4',
        hands: path.basename(shot.conditioning.handsVideo),
      },
    );
    await expect(h.generation.enqueue({ shotId: h.shotId, count: 1 })).rejects.toThrow(
      /s1\/hands\.mp4: 64x48, 7 frames at 8 fps; the model "Tiny random \(test fixture\)" needs 64x48, 9 frames/,
    );
    expect((await h.generation.list()).takes).toHaveLength(0);
  });

  it('fails the take with the reason when the pipeline process is killed mid-run (as by the OOM killer), then recovers', async () => {
    const { root, projectDir } = await makeProject(DEFAULT_CONDITIONING_SPEC);
    const channels: WorkerChannel[] = [];
    const h = await startStudio(root, projectDir, { factory: () => channels[channels.push(forkWorker()) - 1] as WorkerChannel });
    const [victim] = await h.generation.enqueue({ shotId: h.shotId, modelId: 'dwm-baseline-overlay', count: 1, steps: 30 });
    const id = victim?.id ?? '';
    await waitFor('running', () => h.progress.some((p) => p.takeId === id && p.phase === 'denoise' && p.step >= 1));
    channels[0]?.kill();
    const failed = await waitFor('failed', async () => {
      const t = await h.generation.get(id);
      return t.status === 'failed' ? t : undefined;
    });
    expect(failed.message).toBe('the pipeline process ended unexpectedly: it was killed (most likely out of memory)');
    await expect(fs.stat(path.join(projectDir, 'takes', id, 'generated.mp4'))).rejects.toThrow();
    // The next take gets a fresh process.
    const [next] = await h.generation.enqueue({ shotId: h.shotId, modelId: 'dwm-baseline-overlay', count: 1, steps: 1 });
    await waitFor('next done', async () => (await h.generation.get(next?.id ?? '')).status === 'done', 60_000);
    expect(channels).toHaveLength(2);
  }, 120_000);

  it('stops the pipeline process after the idle time, freeing the model', async () => {
    const { root, projectDir } = await makeProject();
    let exits = 0;
    const factory: WorkerFactory = () => {
      const ch = forkWorker();
      ch.onExit(() => exits++);
      return ch;
    };
    const h = await startStudio(root, projectDir, { idleMs: 300, factory });
    const [take] = await h.generation.enqueue({ shotId: h.shotId, count: 1, steps: 2 });
    await waitFor('done', async () => (await h.generation.get(take?.id ?? '')).status === 'done');
    await waitFor('process stopped when idle', () => exits === 1, 10_000);
  });

  it('reviews, trashes and restores takes, re-runs one, and makes its thumbnails once done', async () => {
    const { root, projectDir } = await makeProject();
    const h = await startStudio(root, projectDir);
    const [a, b] = await h.generation.enqueue({ shotId: h.shotId, count: 2, steps: 2 });
    const aId = a?.id ?? '';
    const bId = b?.id ?? '';
    const done = await waitFor('a done', async () => {
      const t = await h.generation.get(aId);
      return t.status === 'done' ? t : undefined;
    });
    expect(done.files).toMatchObject({ poster: 'poster.jpg', preview: 'preview.webp' });
    expect(probe(path.join(projectDir, 'takes', aId, 'poster.jpg'))).toMatchObject({ width: 240 });

    const reviewed = await h.generation.review(aId, {
      rating: 4,
      flagged: true,
      tags: ['drawer', ' drawer ', 'good'],
      note: 'hand slips',
      name: 'Best so far',
    });
    expect(reviewed).toMatchObject({
      name: 'Best so far',
      review: { rating: 4, flagged: true, tags: ['drawer', 'good'], note: 'hand slips' },
    });
    expect(JSON.parse(await fs.readFile(path.join(projectDir, 'takes', aId, 'take.json'), 'utf8')).review.rating).toBe(4);

    await waitFor('b done', async () => (await h.generation.get(bId)).status === 'done');
    await h.generation.trash([bId]);
    expect((await h.generation.list(h.shotId)).takes.map((t) => t.id)).toEqual([aId]);
    await expect(fs.stat(path.join(projectDir, '.trash', 'takes', bId, 'generated.mp4'))).resolves.toBeTruthy();
    await expect(fs.stat(path.join(projectDir, 'takes', bId))).rejects.toThrow();
    await h.generation.restore([bId]);
    expect((await h.generation.list(h.shotId)).takes.map((t) => t.id).sort()).toEqual([aId, bId].sort());
    await expect(h.generation.restore([bId])).resolves.toEqual([]);

    const rerun = await h.generation.rerun(aId, 999);
    expect(rerun).toMatchObject({ rerunOf: aId, status: 'queued', params: { ...done.params, seed: 999 }, name: 'Sample s1 take 3' });
    const again = await waitFor('re-run done', async () => {
      const t = await h.generation.get(rerun.id);
      return t.status === 'done' ? t : undefined;
    });
    expect(again.model.hash).toBe(done.model.hash);
  }, 120_000);
});
