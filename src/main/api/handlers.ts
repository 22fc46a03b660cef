import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, CallInput, CallName, CallOutput } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { exportTakes } from '../export/export-takes';
import { selectTakes } from '../export/select-takes';
import type { GenerationService } from '../generation/generation-service';
import { TakeStore } from '../generation/take-store';
import { toModelList, toModelSummary, toTakeView } from '../generation/views';
import { addModelFolder, inspectBundle } from '../models/add-model';
import type { RenderService } from '../services/conditioning/render-service';
import { listInferenceBackends } from '../services/inference-backends';
import type { ProjectService } from '../services/project-service';
import type { SettingsStore } from '../services/settings-store';
import type { TrainingClipsService } from '../services/training-clips/training-clips-service';

/** What differs between the Electron shell and the web host; everything else is shared. */
export interface HostAdapter {
  transport: AppInfo['transport'];
  /** Native folder picker; absent in the web host. */
  pickFolder?: (title: string, purpose: 'create' | 'open') => Promise<string | null>;
  /** Native file picker; absent in the web host. */
  pickFile?: (title: string, filter: 'scene') => Promise<string | null>;
  /** Show a file in the system file manager; absent in the web host (the UI offers a download there). */
  revealPath?: (file: string) => void;
  /** Where uploaded files are staged before import (web host only). */
  uploads?: UploadStaging;
}

export interface UploadStaging {
  /** The folder holding the files of one upload, or an error when there is none. */
  folderOf(uploadId: string): Promise<string>;
  discard(uploadId: string): Promise<void>;
}

/** Long operations report here; the studio turns reports into task.progress events. */
export type TaskReporter = (task: { id: string; label: string; fraction: number | null; done: boolean }) => void;

export interface Services {
  appName: string;
  appVersion: string;
  settings: SettingsStore;
  projects: ProjectService;
  renders: RenderService;
  trainingClips: TrainingClipsService;
  generation: GenerationService;
  reportTask: TaskReporter;
}

export type Handlers = { [N in CallName]: (input: CallOutputOfInput<N>) => Promise<CallOutput<N>> };
/** Handlers receive the input after schema parsing (defaults applied). */
type CallOutputOfInput<N extends CallName> = import('zod').output<import('../../shared/api/contract').Calls[N]['input']>;

export function createHandlers(services: Services, host: HostAdapter): Handlers {
  const { settings, projects } = services;
  const runningExports = new Map<string, AbortController>();
  return {
    'app.info': async () => ({
      name: services.appName,
      version: services.appVersion,
      transport: host.transport,
      platform: `${process.platform}-${process.arch}`,
      nativeDialogs: host.pickFolder !== undefined,
      userDataDir: settings.userDataDir,
      projectsDir: path.join(os.homedir(), 'DWM Studio Projects'),
      inferenceBackends: listInferenceBackends(),
      models: await modelsDefaultFirst(services.generation),
    }),
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => settings.update(patch),
    'project.recent': async () => settings.get().recentProjects.map((r) => ({ ...r, exists: existsSync(r.dir) })),
    'project.current': async () => projects.current(),
    'project.create': async ({ dir, name }) => projects.create(dir, name, { sampleRoom: true }),
    'project.open': async ({ dir, fromBackup }) => projects.open(dir, fromBackup),
    'project.update': async ({ document, baseRevision }) => projects.update(document, baseRevision),
    'project.save': async () => projects.save(),
    'project.close': async () => ({ closed: await projects.close() }),
    'scene.import': async ({ path: source, name }) =>
      withTask(services.reportTask, `Importing ${path.basename(source)}`, () => projects.importScene(source, name ? { name } : {})),
    'scene.importUpload': async ({ uploadId, main, name }) => {
      if (!host.uploads) throw new ApiError('UNSUPPORTED', 'Uploads exist only in the web host; import by path instead');
      const folder = await host.uploads.folderOf(uploadId);
      if (path.basename(main) !== main)
        throw new ApiError('BAD_INPUT', `scene.importUpload: "${main}" is not a plain file name`, { field: 'main' });
      try {
        return await withTask(services.reportTask, `Importing ${main}`, () =>
          projects.importScene(path.join(folder, main), { name: name ?? main.replace(/\.[^.]+$/, '') }),
        );
      } finally {
        await host.uploads.discard(uploadId);
      }
    },
    'samples.import': async ({ dir }) => {
      // Samples are checked against what the default model needs (the documented default when no model is installed),
      // then against the other installed models: the reference samples (720x480) fit the overlay baseline, not the
      // small learned default (144x96). When none fits, the default model's refusal names every problem.
      const listing = await services.generation.models();
      const first = await services.generation.defaultModel(listing).catch(() => null);
      const specs = first ? [first, ...listing.models.filter((m) => m !== first)].map((m) => m.manifest.conditioning) : [undefined];
      return withTask(services.reportTask, `Importing samples from ${path.basename(dir)}`, async () => {
        let refusal: unknown = null;
        for (const spec of specs) {
          try {
            return await projects.importSamples(dir, spec ? { spec } : {});
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 'BAD_INPUT')) throw err;
            refusal ??= err;
          }
        }
        throw refusal;
      });
    },
    'render.begin': async ({ shotId, pngs, modelId }) => services.renders.begin(shotId, { pngs, modelId }),
    'render.finish': async ({ renderId }) => services.renders.finish(renderId),
    'render.abort': async ({ renderId }) => ({ aborted: await services.renders.abort(renderId) }),
    'render.latest': async ({ shotId, modelId }) => {
      const spec = modelId === undefined ? undefined : (await services.generation.conditioningModel(modelId))?.manifest.conditioning;
      return services.renders.latest(shotId, spec);
    },
    'synth.begin': async (size) => services.trainingClips.begin(size),
    'synth.clip': async ({ setId, meta }) => services.trainingClips.beginClip(setId, meta),
    'synth.clipFinish': async ({ clipId }) => services.trainingClips.finishClip(clipId),
    'synth.finish': async ({ setId }) => services.trainingClips.finish(setId),
    'synth.abort': async ({ setId }) => ({ aborted: await services.trainingClips.abort(setId) }),
    'models.list': async () => {
      const listing = await services.generation.models();
      const fallback = await services.generation.defaultModel(listing).catch(() => null);
      return toModelList(listing, fallback?.manifest.id ?? null);
    },
    'models.validate': async ({ path: dir }) => {
      const check = await inspectBundle(dir, await services.generation.models());
      const usable = check.installed ?? check.bundle;
      return {
        dir: check.dir,
        id: check.id,
        problems: check.problems,
        model: usable ? toModelSummary(usable) : null,
        installed: !!check.installed,
      };
    },
    'models.add': async ({ path: dir }) => {
      const { bundle, added } = await addModelFolder(dir, await services.generation.models(), settings);
      return { model: toModelSummary(bundle), added };
    },
    'takes.list': async ({ shotId }) => {
      const { takes, unreadable } = await services.generation.list(shotId);
      return { takes: takes.map(toTakeView), unreadable };
    },
    'takes.generate': async (req) => (await services.generation.enqueue(req)).map(toTakeView),
    'takes.cancel': async ({ takeId }) => toTakeView(await services.generation.cancel(takeId)),
    'takes.retry': async ({ takeId }) => toTakeView(await services.generation.retry(takeId)),
    'takes.review': async ({ takeId, ...patch }) => toTakeView(await services.generation.review(takeId, patch)),
    'takes.trash': async ({ takeIds }) => ({ trashed: (await services.generation.trash(takeIds)).map((t) => t.id) }),
    'takes.restore': async ({ takeIds }) => (await services.generation.restore(takeIds)).map(toTakeView),
    'takes.reveal': async ({ takeId }) => {
      const take = await services.generation.get(takeId);
      const file = path.join(services.generation.takeDir(takeId), take.status === 'done' ? take.files.video : 'take.json');
      if (!host.revealPath)
        throw new ApiError('UNSUPPORTED', 'The file manager can be opened only from the desktop app; download the take instead');
      host.revealPath(file);
      return { revealed: true };
    },
    'export.takes': async ({ exportId, format, outDir, takeIds, filter, append }) => {
      const state = projects.current();
      if (!state) throw new ApiError('NO_PROJECT', 'No project is open');
      const takes = await selectTakes(new TakeStore(state.dir), state.document.shots, {
        takeIds,
        filter: filter && { shot: filter.shotId, minRating: filter.minRating, flaggedOnly: filter.flaggedOnly, modelId: filter.modelId },
      });
      const abort = new AbortController();
      runningExports.set(exportId, abort);
      const label = `Exporting ${takes.length} take${takes.length === 1 ? '' : 's'} (${format})`;
      try {
        return await exportTakes({
          format,
          outDir,
          takes,
          append,
          signal: abort.signal,
          onProgress: (fraction, what) => services.reportTask({ id: exportId, label: `${label}: ${what}`, fraction, done: false }),
        });
      } finally {
        runningExports.delete(exportId);
        services.reportTask({ id: exportId, label, fraction: 1, done: true });
      }
    },
    'export.cancel': async ({ exportId }) => {
      const abort = runningExports.get(exportId);
      abort?.abort();
      return { cancelled: abort !== undefined };
    },
    'takes.rerun': async ({ takeId, seed }) => toTakeView(await services.generation.rerun(takeId, seed)),
    'dialog.pickFile': async ({ title, filter }) => {
      if (!host.pickFile) throw new ApiError('UNSUPPORTED', 'File dialogs exist only in the desktop app; type the file path instead');
      return { path: await host.pickFile(title, filter) };
    },
    'dialog.pickFolder': async ({ title, purpose }) => {
      if (!host.pickFolder) throw new ApiError('UNSUPPORTED', 'Folder dialogs exist only in the desktop app; type the folder path instead');
      return { path: await host.pickFolder(title, purpose) };
    },
  };
}

export type { CallInput };

let taskSeq = 0;

/** Run a long operation with start and end reports (the UI shows them in the status bar). */
async function withTask<T>(report: TaskReporter, label: string, run: () => Promise<T>): Promise<T> {
  const id = `task-${++taskSeq}`;
  report({ id, label, fraction: null, done: false });
  try {
    return await run();
  } finally {
    report({ id, label, fraction: 1, done: true });
  }
}

async function modelsDefaultFirst(generation: GenerationService): Promise<AppInfo['models']> {
  const listing = await generation.models();
  const first = await generation.defaultModel(listing).catch(() => null);
  const ordered = first ? [first, ...listing.models.filter((m) => m !== first)] : listing.models;
  return ordered.map(({ manifest: m }) => ({ id: m.id, name: m.name, baseline: m.baseline }));
}
