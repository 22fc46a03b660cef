import { type EventName, type EventPayload, events } from '../shared/api/contract';
import { ApiError, type Envelope } from '../shared/api/errors';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createHandlers, type HostAdapter, type Services } from './api/handlers';
import { APP_NAME, APP_VERSION } from './app-meta';
import { bundledModelsDir } from './app-root';
import { GenerationService } from './generation/generation-service';
import { toTakeView } from './generation/views';
import type { WorkerFactory } from './generation/worker-process';
import { RenderService } from './services/conditioning/render-service';
import { ProjectService } from './services/project-service';
import { SettingsStore } from './services/settings-store';
import { TrainingClipsService } from './services/training-clips/training-clips-service';

export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface Studio {
  services: Services;
  dispatch: Dispatch;
  /** Binary frames of a conditioning render (both transports call this). */
  renderFrame(renderId: string, index: number, bytes: Uint8Array): Promise<Envelope<{ received: number }>>;
  /** Subscribe a transport to pushed events; returns the unsubscribe function. */
  subscribe(sink: EventSink): () => void;
  emit: EventSink;
  /** Save pending edits; called when the app quits. */
  shutdown(): Promise<void>;
}

/**
 * The studio's services and API, independent of Electron: the desktop shell and the web
 * host each create one and attach their transport to it.
 */
export interface StudioOptions {
  userDataDir: string;
  host: HostAdapter;
  log?: (msg: string) => void;
  /** How the pipeline process is started (Electron: utilityProcess; default: Node's fork). */
  workerFactory?: WorkerFactory;
  /** Model bundle folders searched before the user's (default: the app's resources/models). */
  builtinModelRoots?: string[];
}

export async function createStudio(opts: StudioOptions): Promise<Studio> {
  const log = opts.log ?? ((msg: string) => console.error(`[dwm-studio] ${msg}`));
  const sinks = new Set<EventSink>();
  const emit: EventSink = (event, payload) => {
    // Events are checked against the contract like call outputs, so a bug cannot send the UI malformed data.
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      log(`internal: event ${event} breaks the contract: ${checked.error.message}`);
      return;
    }
    for (const sink of sinks) sink(event, checked.data as EventPayload<typeof event>);
  };
  const settings = new SettingsStore(opts.userDataDir);
  await settings.load();
  if (settings.loadWarning) log(settings.loadWarning);
  let generation: GenerationService | null = null;
  const projects = new ProjectService({
    settings,
    appVersion: APP_VERSION,
    onStatus: (status) => {
      emit('project.status', status);
      // The queue follows the open project: its takes load (and interrupted ones requeue) on open.
      void generation?.sync();
    },
  });
  const renders = new RenderService(
    projects,
    async (modelId) => (await generation?.conditioningModel(modelId))?.manifest.conditioning ?? null,
  );
  generation = new GenerationService({
    projects,
    renders,
    settings,
    builtinModelRoots: opts.builtinModelRoots ?? [bundledModelsDir()],
    appVersion: APP_VERSION,
    onTake: (take) => emit('take.updated', toTakeView(take)),
    onProgress: (progress) => emit('take.progress', progress),
    onRemoved: (take) => emit('take.removed', { takeId: take.id, shotId: take.shotId }),
    ...(opts.workerFactory ? { factory: opts.workerFactory } : {}),
    log,
  });
  const services: Services = {
    appName: APP_NAME,
    appVersion: APP_VERSION,
    settings,
    projects,
    renders,
    trainingClips: new TrainingClipsService(projects),
    generation,
    reportTask: (task) => emit('task.progress', task),
  };
  const dispatch = createDispatcher(createHandlers(services, opts.host), log);
  return {
    services,
    dispatch,
    async renderFrame(renderId, index, bytes) {
      try {
        // Training clips share the binary channel: their frames are addressed by clip id.
        if (services.trainingClips.hasClip(renderId)) {
          return { ok: true, value: await services.trainingClips.frame(renderId, index, bytes) };
        }
        return { ok: true, value: await services.renders.frame(renderId, index, bytes) };
      } catch (err) {
        if (err instanceof ApiError) return { ok: false, error: err.toShape() };
        log(`render frame failed: ${(err as Error).stack ?? err}`);
        return { ok: false, error: { code: 'INTERNAL', message: (err as Error).message } };
      }
    },
    emit,
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    async shutdown() {
      await services.renders.abortAll();
      await services.trainingClips.abortAll();
      await services.generation.shutdown();
      await projects.close().catch((err: Error) => log(`could not save on exit: ${err.message}`));
    },
  };
}
