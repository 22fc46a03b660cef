import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Shot } from '../../shared/animation/schema';
import { ApiError } from '../../shared/api/errors';
import type { ModelManifest } from '../../shared/model/manifest';
import {
  emptyTakeTimings,
  type GenerationParams,
  newTakeRecord,
  type ProviderChoice,
  type TakeProgress,
  type TakeRecord,
} from '../../shared/model/take';
import { bundleHash, type ModelBundle } from '../models/bundle';
import { chooseDefaultModel, discoverModels, type ModelListing } from '../models/model-registry';
import { providerCandidates } from '../pipeline/providers';
import type { RenderService } from '../services/conditioning/render-service';
import { copyWritable } from '../services/fs/copy-writable';
import { listInferenceBackends } from '../services/inference-backends';
import type { ProjectService } from '../services/project-service';
import type { SettingsStore } from '../services/settings-store';
import { checkConditioning, firstModelFitting } from './conditioning-fit';
import { pipelineInputOf } from './take-input';
import { TakeStore, type UnreadableTake } from './take-store';
import { moveToTrash, restoreFromTrash } from './take-trash';
import { makeThumbnails } from './thumbnails';
import { type JobOutcome, WorkerLane } from './worker-lane';
import { forkWorker, type WorkerFactory } from './worker-process';

export interface GenerationServiceOptions {
  projects: ProjectService;
  renders: RenderService;
  settings: SettingsStore;
  /** Folders searched for bundles before the user's own (the app's resources/models). */
  builtinModelRoots: string[];
  appVersion: string;
  onTake: (take: TakeRecord) => void;
  onProgress: (progress: TakeProgress) => void;
  /** A take left the list (moved to the project's trash). */
  onRemoved?: (take: TakeRecord) => void;
  factory?: WorkerFactory;
  /** Overrides settings.pipelineIdleSeconds (tests). */
  idleMs?: number;
  cancelGraceMs?: number;
  log?: (msg: string) => void;
}

export interface ReviewPatch {
  name?: string | undefined;
  rating?: number | undefined;
  flagged?: boolean | undefined;
  tags?: string[] | undefined;
  note?: string | undefined;
}

export interface EnqueueRequest {
  shotId: string;
  modelId?: string | undefined;
  prompt?: string | undefined;
  negativePrompt?: string | undefined;
  seed?: number | undefined;
  steps?: number | undefined;
  guidance?: number | undefined;
  provider?: ProviderChoice | undefined;
  /** Variations: this many takes with consecutive seeds. */
  count: number;
}

/** The render's camera and hand poses, copied beside the conditioning videos (export reads them). */
const POSES_FILE = 'poses.json';

const INTERRUPTED = 'The studio stopped while this take was running; it was queued again.';

/**
 * The generation queue. Takes are the queue: each is a folder with take.json whose status
 * says queued, running, done, failed or cancelled, so queued work survives a restart and a
 * take interrupted by a quit is queued again when the project reopens. One pipeline process
 * per device (lane) runs that device's takes in order.
 */
export class GenerationService {
  private store: TakeStore | null = null;
  private takes = new Map<string, TakeRecord>();
  private unreadable: UnreadableTake[] = [];
  private lanes = new Map<string, WorkerLane>();
  private running = new Map<string, { lane: WorkerLane; requeue: boolean; cancelled: boolean }>();
  private pumping = false;
  private repump = false;
  private closed = false;
  private attaching: Promise<void> = Promise.resolve();

  constructor(private readonly opts: GenerationServiceOptions) {}

  modelRoots(): string[] {
    return [...this.opts.builtinModelRoots, ...this.opts.settings.get().modelFolders];
  }

  async models(): Promise<ModelListing> {
    return discoverModels(this.modelRoots());
  }

  /** The model new takes use when none is named: the setting, else the first learned model, else the first baseline. */
  async defaultModel(listing?: ModelListing): Promise<ModelBundle> {
    const { models } = listing ?? (await this.models());
    const chosen = chooseDefaultModel(models, this.opts.settings.get().defaultModelId);
    if (!chosen) throw new ApiError('NOT_FOUND', `No model bundle is installed (searched ${this.modelRoots().join(', ')})`);
    return chosen;
  }

  /**
   * The model a take of this shot uses when none is named: the default, except for a shot whose
   * conditioning was imported from files (reference samples), which gets the first installed
   * model (the default first) made for the files' size, length and rate. When none fits, the
   * default, whose refusal then names the mismatch.
   */
  private async modelForShot(projectDir: string, shot: Shot, listing: ModelListing): Promise<ModelBundle> {
    const first = await this.defaultModel(listing);
    const imported = shot.conditioning;
    if (!imported) return first;
    return firstModelFitting(first, listing.models, (m) => this.conditioningOf(projectDir, shot.id, imported, m));
  }

  /**
   * The model a conditioning render is made for: the one named (an error when it is not
   * installed, rather than a render at the wrong size), else the default, else null when no
   * model is installed at all.
   */
  async conditioningModel(modelId?: string): Promise<ModelBundle | null> {
    const listing = await this.models();
    if (modelId === undefined) return this.defaultModel(listing).catch(() => null);
    const found = listing.models.find((m) => m.manifest.id === modelId);
    if (found) return found;
    const broken = listing.invalid.find((m) => m.id === modelId);
    throw new ApiError(
      'NOT_FOUND',
      broken ? `Model "${modelId}" cannot be used: ${broken.problem}` : `No model "${modelId}" is installed`,
      { field: 'modelId' },
    );
  }

  /** Follow the open project (serialised: open and close can follow each other quickly). */
  sync(): Promise<void> {
    this.attaching = this.attaching
      .then(() => this.attach(this.opts.projects.dir))
      .catch((err: Error) => {
        this.opts.log?.(`takes could not be loaded: ${err.message}`);
      });
    return this.attaching;
  }

  /** Load the project's takes, queue again what a quit interrupted, start work. */
  private async attach(dir: string | null): Promise<void> {
    if ((this.store?.root ?? null) === dir) return;
    // Takes of the project being left stop; they resume when it is opened again.
    for (const [, run] of this.running) {
      run.requeue = true;
      run.lane.stop();
    }
    this.store = dir ? new TakeStore(dir) : null;
    this.takes.clear();
    this.unreadable = [];
    if (!this.store) return;
    const { takes, unreadable } = await this.store.list();
    this.unreadable = unreadable;
    for (const take of takes) {
      let t = take;
      if (t.status === 'running') {
        t = { ...t, status: 'queued', message: INTERRUPTED };
        await this.store.write(t);
      }
      this.takes.set(t.id, t);
    }
    void this.pump();
  }

  async list(shotId?: string): Promise<{ takes: TakeRecord[]; unreadable: UnreadableTake[] }> {
    await this.sync();
    this.requireStore();
    const takes = [...this.takes.values()].filter((t) => shotId === undefined || t.shotId === shotId);
    return { takes, unreadable: this.unreadable };
  }

  async get(takeId: string): Promise<TakeRecord> {
    await this.sync();
    this.requireStore();
    const take = this.takes.get(takeId);
    if (!take) throw new ApiError('NOT_FOUND', `No take ${takeId} in this project`, { field: 'takeId' });
    return take;
  }

  takeDir(takeId: string): string {
    return this.requireStore().dirOf(takeId);
  }

  async enqueue(req: EnqueueRequest): Promise<TakeRecord[]> {
    await this.sync();
    const store = this.requireStore();
    const project = this.opts.projects.current();
    const shot = project?.document.shots.find((s) => s.id === req.shotId);
    if (!project || !shot) throw new ApiError('NOT_FOUND', `No shot ${req.shotId} in the open project`, { field: 'shotId' });
    if (!Number.isInteger(req.count) || req.count < 1 || req.count > 64) {
      throw new ApiError('BAD_INPUT', 'count must be 1 to 64 takes', { field: 'count' });
    }
    const listing = await this.models();
    const bundle = req.modelId
      ? listing.models.find((m) => m.manifest.id === req.modelId)
      : await this.modelForShot(project.dir, shot, listing);
    if (!bundle) {
      const broken = listing.invalid.find((m) => m.id === req.modelId);
      throw new ApiError(
        'NOT_FOUND',
        broken ? `Model "${req.modelId}" cannot be used: ${broken.problem}` : `No model "${req.modelId}" is installed`,
        {
          field: 'modelId',
        },
      );
    }
    const m = bundle.manifest;
    const sources = await this.conditioningOf(project.dir, shot.id, shot.conditioning, m);
    await checkConditioning(sources, m);
    const hash = await bundleHash(bundle);
    const base: Omit<GenerationParams, 'seed'> = {
      modelId: m.id,
      prompt: req.prompt ?? shot.prompt,
      negativePrompt: req.negativePrompt ?? m.defaults.negativePrompt,
      steps: req.steps ?? m.defaults.steps,
      guidance: req.guidance ?? m.defaults.guidance,
      provider: req.provider ?? this.opts.settings.get().executionProvider,
    };
    const firstSeed = req.seed ?? m.defaults.seed;
    let number = this.nextTakeNumber(shot.id);
    const created: TakeRecord[] = [];
    for (let i = 0; i < req.count; i++) {
      const id = randomUUID();
      const dir = store.dirOf(id);
      await fs.mkdir(dir, { recursive: true });
      try {
        // The conditioning as it is now: re-rendering the shot later must not change what this take was made from.
        await copyWritable(sources.staticVideo, path.join(dir, 'static.mp4'));
        await copyWritable(sources.handsVideo, path.join(dir, 'hands.mp4'));
        if (sources.poses) await copyWritable(sources.poses, path.join(dir, POSES_FILE));
        const queued = newTakeRecord({
          id,
          shotId: shot.id,
          name: `${shot.name} take ${number++}`,
          params: { ...base, seed: (firstSeed + i) >>> 0 },
          model: { id: m.id, name: m.name, version: m.version, baseline: m.baseline, hash },
          appVersion: this.opts.appVersion,
        });
        const take = sources.poses ? { ...queued, files: { ...queued.files, poses: POSES_FILE } } : queued;
        await store.write(take);
        this.takes.set(id, take);
        created.push(take);
        this.opts.onTake(take);
      } catch (err) {
        await fs.rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
    void this.pump();
    return created;
  }

  async cancel(takeId: string): Promise<TakeRecord> {
    const take = await this.get(takeId);
    const run = this.running.get(takeId);
    if (run) {
      run.cancelled = true;
      run.lane.cancel(takeId);
      return take;
    }
    if (take.status !== 'queued')
      throw new ApiError('BAD_INPUT', `${take.name} is ${take.status}; only queued or running takes can be cancelled`);
    return this.save({ ...take, status: 'cancelled', message: 'Cancelled before it started.' });
  }

  async retry(takeId: string): Promise<TakeRecord> {
    const take = await this.get(takeId);
    if (take.status !== 'failed' && take.status !== 'cancelled') {
      throw new ApiError('BAD_INPUT', `${take.name} is ${take.status}; only failed or cancelled takes can be retried`);
    }
    const requeued = await this.save({
      ...take,
      status: 'queued',
      message: null,
      timings: { ...emptyTakeTimings(), queuedAt: new Date().toISOString() },
    });
    void this.pump();
    return requeued;
  }

  /** Rename, rate, flag, tag or annotate a take. */
  async review(takeId: string, patch: ReviewPatch): Promise<TakeRecord> {
    const take = await this.get(takeId);
    const review = { ...take.review };
    if (patch.rating !== undefined) review.rating = patch.rating;
    if (patch.flagged !== undefined) review.flagged = patch.flagged;
    if (patch.tags !== undefined) review.tags = [...new Set(patch.tags.map((t) => t.trim()).filter(Boolean))];
    if (patch.note !== undefined) review.note = patch.note;
    return this.save({ ...take, name: patch.name?.trim() || take.name, review });
  }

  /** Move takes to the project's trash (restore() undoes it). Queued ones are cancelled; running ones must be cancelled first. */
  async trash(takeIds: string[]): Promise<TakeRecord[]> {
    const store = this.requireStore();
    const takes = await Promise.all(takeIds.map((id) => this.get(id)));
    const running = takes.find((t) => this.running.has(t.id));
    if (running) throw new ApiError('BAD_INPUT', `${running.name} is running; cancel it before deleting it`, { field: 'takeIds' });
    const trashed: TakeRecord[] = [];
    for (const take of takes) {
      const kept = take.status === 'queued' ? { ...take, status: 'cancelled' as const, message: 'Deleted before it ran.' } : take;
      if (kept !== take) await store.write(kept);
      await moveToTrash(store.root, store.dirOf(take.id), take.id);
      this.takes.delete(take.id);
      trashed.push(kept);
      this.opts.onRemoved?.(kept);
    }
    return trashed;
  }

  /** Bring takes back from the project's trash (undo of trash()). */
  async restore(takeIds: string[]): Promise<TakeRecord[]> {
    await this.sync();
    const store = this.requireStore();
    const restored: TakeRecord[] = [];
    for (const id of takeIds) {
      if (this.takes.has(id)) continue;
      await restoreFromTrash(store.root, store.dirOf(id), id).catch((err: Error) => {
        throw new ApiError('NOT_FOUND', err.message, { field: 'takeIds' });
      });
      const take = await store.read(id);
      this.takes.set(id, take);
      this.opts.onTake(take);
      restored.push(take);
    }
    return restored;
  }

  /** A new take from another's settings and conditioning: the same seed, or another one. */
  async rerun(takeId: string, seed?: number): Promise<TakeRecord> {
    const store = this.requireStore();
    const source = await this.get(takeId);
    const project = this.opts.projects.current();
    const shot = project?.document.shots.find((s) => s.id === source.shotId);
    const id = randomUUID();
    const dir = store.dirOf(id);
    await fs.mkdir(dir, { recursive: true });
    try {
      for (const file of [source.files.staticVideo, source.files.handsVideo, ...(source.files.poses ? [source.files.poses] : [])]) {
        await copyWritable(path.join(store.dirOf(source.id), file), path.join(dir, file));
      }
      const fresh = newTakeRecord({
        id,
        shotId: source.shotId,
        name: shot && source.shotId ? `${shot.name} take ${this.nextTakeNumber(source.shotId)}` : `${source.name} (re-run)`,
        params: { ...source.params, seed: seed ?? source.params.seed },
        model: source.model,
        appVersion: this.opts.appVersion,
        rerunOf: source.id,
      });
      const take = source.files.poses ? { ...fresh, files: { ...fresh.files, poses: source.files.poses } } : fresh;
      await store.write(take);
      this.takes.set(id, take);
      this.opts.onTake(take);
      void this.pump();
      return take;
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Quit: running takes are stopped and stay queued, so they run again next time. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const [, run] of this.running) {
      run.requeue = true;
      run.lane.stop();
    }
    for (const lane of this.lanes.values()) lane.stop();
    // Let the outcome handlers write the requeued state before the process exits.
    const deadline = Date.now() + 5000;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** The recorded video of the take's shot (samples imported from the reference layout have one). */
  private groundTruthOf(take: TakeRecord, store: TakeStore): string | null {
    const shot = this.opts.projects.current()?.document.shots.find((s) => s.id === take.shotId);
    const gt = shot?.conditioning?.groundTruth;
    return gt && this.opts.projects.dir === store.root ? path.join(store.root, gt) : null;
  }

  private requireStore(): TakeStore {
    if (!this.store) throw new ApiError('NO_PROJECT', 'No project is open');
    return this.store;
  }

  private nextTakeNumber(shotId: string): number {
    let max = 0;
    for (const t of this.takes.values()) {
      if (t.shotId !== shotId) continue;
      const n = Number(/take (\d+)$/.exec(t.name)?.[1] ?? 0);
      if (n > max) max = n;
    }
    return max + 1;
  }

  private async conditioningOf(
    projectDir: string,
    shotId: string,
    fromFiles: { staticVideo: string; handsVideo: string } | undefined,
    m: ModelManifest,
  ): Promise<{ staticVideo: string; handsVideo: string; poses: string | null }> {
    if (fromFiles) {
      return {
        staticVideo: path.join(projectDir, fromFiles.staticVideo),
        handsVideo: path.join(projectDir, fromFiles.handsVideo),
        poses: null,
      };
    }
    // Only a render made for this model's spec will do: one for another model has the wrong size, length or colours.
    const latest = await this.opts.renders.latest(shotId, m.conditioning);
    if (!latest) {
      const { width, height, frames, fps } = m.conditioning;
      const other = await this.opts.renders.latest(shotId);
      throw new ApiError(
        'NOT_FOUND',
        other
          ? `This shot's conditioning videos were rendered for another model; render them again for "${m.name}" (${width}x${height}, ${frames} frames at ${fps} fps)`
          : 'This shot has no conditioning videos yet: render them first (Render conditioning)',
        { field: 'shotId' },
      );
    }
    return {
      staticVideo: path.join(projectDir, latest.staticVideo),
      handsVideo: path.join(projectDir, latest.handsVideo),
      poses: path.join(projectDir, latest.poses),
    };
  }

  private async save(take: TakeRecord, store = this.requireStore()): Promise<TakeRecord> {
    await store.write(take);
    if (this.store === store) {
      this.takes.set(take.id, take);
      this.opts.onTake(take);
    }
    return take;
  }

  private laneFor(choice: ProviderChoice): WorkerLane {
    const key = providerCandidates(choice, listInferenceBackends())[0] ?? 'cpu';
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new WorkerLane({
        factory: this.opts.factory ?? forkWorker,
        idleMs: this.opts.idleMs ?? this.opts.settings.get().pipelineIdleSeconds * 1000,
        cancelGraceMs: this.opts.cancelGraceMs ?? 30_000,
      });
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Start the oldest queued take of each idle lane. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.repump = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.repump = false;
        if (this.closed || !this.store) return;
        const busy = new Set([...this.running.values()].map((r) => r.lane));
        for (const take of this.takes.values()) {
          if (take.status !== 'queued' || this.running.has(take.id)) continue;
          const lane = this.laneFor(take.params.provider);
          if (busy.has(lane)) continue;
          busy.add(lane);
          // Not awaited: lanes run side by side; start() marks the take running synchronously.
          void this.start(take, lane, this.store).catch((err: Error) =>
            this.opts.log?.(`take ${take.name} could not run: ${err.stack ?? err.message}`),
          );
        }
      } while (this.repump);
    } finally {
      this.pumping = false;
    }
  }

  private async start(queued: TakeRecord, lane: WorkerLane, store: TakeStore): Promise<void> {
    const run = { lane, requeue: false, cancelled: false };
    this.running.set(queued.id, run);
    const startedAt = new Date();
    let take = await this.save(
      {
        ...queued,
        status: 'running',
        message: null,
        attempts: queued.attempts + 1,
        timings: { ...queued.timings, startedAt: startedAt.toISOString() },
      },
      store,
    );
    const dir = store.dirOf(take.id);
    const { models } = await this.models();
    const bundle = models.find((m) => m.manifest.id === take.params.modelId);
    let outcome: JobOutcome;
    if (run.cancelled || run.requeue || this.closed) {
      // Cancelled, or the app or project closed, while the take was being started.
      run.requeue ||= this.closed;
      outcome = { status: 'cancelled' };
    } else if (!bundle) {
      outcome = { status: 'failed', kind: 'bundle', message: `Model "${take.params.modelId}" is no longer installed` };
    } else {
      const job = { ...pipelineInputOf(take, dir), takeId: take.id, bundleDir: bundle.dir, groundTruth: this.groundTruthOf(take, store) };
      this.emitProgress(take, { phase: 'load', step: 0, steps: take.params.steps, elapsedMs: 0, etaMs: null });
      outcome = await lane.run(job, (p) => this.emitProgress(take, p));
    }
    try {
      take = await this.finishTake(take, outcome, run.requeue, startedAt, store);
    } finally {
      // Only now: shutdown() waits for this, so the final state is on disk before the app exits.
      this.running.delete(take.id);
    }
    this.opts.log?.(`take ${take.name}: ${take.status}${take.message ? ` (${take.message})` : ''}`);
    void this.pump();
  }

  private async finishTake(
    take: TakeRecord,
    outcome: JobOutcome,
    requeue: boolean,
    startedAt: Date,
    store: TakeStore,
  ): Promise<TakeRecord> {
    const finishedAt = new Date().toISOString();
    const timings = { ...take.timings, finishedAt, totalMs: Date.now() - startedAt.getTime() };
    if (outcome.status === 'done') {
      const r = outcome.result;
      if (outcome.metricsError) this.opts.log?.(`metrics of ${take.name}: ${outcome.metricsError}`);
      const thumbs = await makeThumbnails(store.dirOf(take.id), take.files.video, r.frames).catch((err: Error) => {
        // The take is good without them; the bin falls back to the video itself.
        this.opts.log?.(`thumbnails of ${take.name}: ${err.message}`);
        return {};
      });
      return this.save(
        {
          ...take,
          files: { ...take.files, ...thumbs },
          metrics: outcome.metrics,
          status: 'done',
          message: null,
          providerUsed: r.providerUsed,
          providerNotice: r.providerNotice,
          output: { frames: r.frames, width: r.width, height: r.height, fps: r.fps },
          timings: { ...timings, ...r.timings, stepMs: r.stepMs.map((ms) => Math.round(ms * 10) / 10) },
        },
        store,
      );
    }
    // Never leave a half-written video beside a take that is not done.
    await fs.rm(path.join(store.dirOf(take.id), take.files.video), { force: true });
    if (outcome.status === 'cancelled') {
      if (requeue) return this.save({ ...take, status: 'queued', message: INTERRUPTED, timings: { ...timings, finishedAt: null } }, store);
      return this.save({ ...take, status: 'cancelled', message: 'Cancelled.', timings }, store);
    }
    return this.save({ ...take, status: 'failed', message: outcome.message, timings }, store);
  }

  private emitProgress(take: TakeRecord, p: Omit<TakeProgress, 'takeId' | 'shotId'>): void {
    this.opts.onProgress({ ...p, takeId: take.id, shotId: take.shotId });
  }
}
