import { create } from 'zustand';
import type { AppInfo, ProjectState, ProjectStatus } from '../../../shared/api/contract';
import { ApiError, type ApiErrorShape } from '../../../shared/api/errors';
import type { ProjectDocument } from '../../../shared/project/schema';
import type { RecentProject, Settings, SettingsPatch } from '../../../shared/settings/schema';
import { api, onConnectionChange } from '../api';
import { pickMainSceneFile, SCENE_EXTENSIONS, uploadFiles } from '../api/upload';
import { History } from './history';

export type DialogKind = 'new' | 'open' | 'settings' | 'import' | 'samples' | 'export';
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}
export interface OpenFailure extends ApiErrorShape {
  dir: string;
}

const HISTORY_LIMIT = 200;

interface StudioState {
  info: AppInfo | null;
  settings: Settings | null;
  recent: (RecentProject & { exists: boolean })[];
  project: ProjectState | null;
  status: ProjectStatus | null;
  connected: boolean;
  /** The last failed open, shown with its file and field until dismissed. */
  openFailure: OpenFailure | null;
  dialog: DialogKind | null;
  toasts: Toast[];
  busy: boolean;
  /** Fraction of an upload sent, while one runs. */
  uploadFraction: number | null;
  /** Whether undo / redo have a step (the history itself is the module's History). */
  canUndo: boolean;
  canRedo: boolean;

  init(): Promise<void>;
  refreshRecent(): Promise<void>;
  createProject(dir: string, name: string): Promise<boolean>;
  openProject(dir: string, fromBackup?: boolean): Promise<boolean>;
  saveProject(): Promise<void>;
  closeProject(): Promise<void>;
  /** Import a scene by path (desktop, or a path on the web host's machine). */
  importScene(path: string): Promise<boolean>;
  /** Import DWM reference samples (videos_static/, videos_hands/, prompts…) as shots. */
  importSamples(dir: string): Promise<boolean>;
  /** Import dropped or chosen files through the web host's upload route. */
  importFiles(files: File[]): Promise<boolean>;
  /** Apply a document edit as one undoable step. */
  editDocument(recipe: (doc: ProjectDocument) => ProjectDocument): Promise<void>;
  /**
   * A drag is one undo step: begin remembers the document, preview shows each intermediate
   * state locally (nothing is sent or recorded), commit sends the result and records one
   * step, cancel (Escape) restores the start.
   */
  beginTransaction(): void;
  previewDocument(recipe: (doc: ProjectDocument) => ProjectDocument): void;
  commitTransaction(): Promise<void>;
  cancelTransaction(): void;
  undo(): Promise<void>;
  redo(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<void>;
  setDialog(dialog: DialogKind | null): void;
  dismissOpenFailure(): void;
  toast(kind: Toast['kind'], text: string): void;
  dismissToast(id: number): void;
}

let toastSeq = 0;
const historyFlags = () => ({ canUndo: history.canUndo, canRedo: history.canRedo });
/** Undo history of the open project's document (cleared when another project opens). */
const history = new History<ProjectDocument>(HISTORY_LIMIT);
// Document updates go to main one after another, so each carries the revision of the one before.
let updateChain: Promise<unknown> = Promise.resolve();

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const useStudio = create<StudioState>((set, get) => {
  const sendDocument = (document: ProjectDocument) => {
    const run = async () => {
      const project = get().project;
      if (!project) return;
      try {
        const next = await api.invoke('project.update', { document, baseRevision: project.revision });
        set({ project: next });
      } catch (err) {
        get().toast('error', `Edit not applied: ${message(err)}`);
        const current = await api.invoke('project.current', {}).catch(() => null);
        history.clear();
        set({ project: current, ...historyFlags() });
      }
    };
    updateChain = updateChain.then(run, run);
    return updateChain as Promise<void>;
  };

  /** Run an import that main applies to the document; it becomes one undo step like any edit. */
  const importWith = async (run: () => Promise<ProjectState>): Promise<boolean> => {
    const before = get().project;
    if (!before) return false;
    set({ busy: true });
    try {
      await updateChain;
      const project = await run();
      const added = project.document.scenes.find((s) => !before.document.scenes.some((b) => b.id === s.id));
      history.record(before.document, project.document);
      set({ project, ...historyFlags(), dialog: null });
      if (added) get().toast('info', `Imported "${added.name}"`);
      return true;
    } catch (err) {
      get().toast('error', message(err));
      return false;
    } finally {
      set({ busy: false });
    }
  };

  const applyHistoryStep = async (direction: 'undo' | 'redo') => {
    const project = get().project;
    if (!project) return;
    const target = direction === 'undo' ? history.undo(project.document) : history.redo(project.document);
    if (!target) return;
    set({ project: { ...project, document: target, dirty: true }, ...historyFlags() });
    await sendDocument(target);
  };

  return {
    info: null,
    settings: null,
    recent: [],
    project: null,
    status: null,
    connected: true,
    openFailure: null,
    dialog: null,
    toasts: [],
    busy: false,
    uploadFraction: null,
    canUndo: false,
    canRedo: false,

    async init() {
      api.on('project.status', (status) => {
        set({ status });
        const project = get().project;
        if (project && status.dir === project.dir) {
          set({ project: { ...project, dirty: status.dirty, savedAt: status.savedAt } });
        }
      });
      onConnectionChange((connected) => set({ connected }));
      try {
        const [info, settings, project] = await Promise.all([
          api.invoke('app.info', {}),
          api.invoke('settings.get', {}),
          api.invoke('project.current', {}),
        ]);
        set({ info, settings, project });
        await get().refreshRecent();
      } catch (err) {
        get().toast('error', `The studio could not start: ${message(err)}`);
      }
    },

    async refreshRecent() {
      set({ recent: await api.invoke('project.recent', {}) });
    },

    async createProject(dir, name) {
      set({ busy: true });
      try {
        const project = await api.invoke('project.create', { dir, name });
        history.clear();
        set({ project, ...historyFlags(), dialog: null, openFailure: null });
        get().toast('info', `Created "${project.document.name}"`);
        await get().refreshRecent();
        return true;
      } catch (err) {
        get().toast('error', message(err));
        return false;
      } finally {
        set({ busy: false });
      }
    },

    async openProject(dir, fromBackup = false) {
      set({ busy: true });
      try {
        const project = await api.invoke('project.open', { dir, fromBackup });
        history.clear();
        set({ project, ...historyFlags(), dialog: null, openFailure: null });
        if (project.openedFromBackup) get().toast('info', 'Opened the last good version; saving moves the unreadable project.json aside.');
        if (project.migratedFrom !== null) get().toast('info', `Upgraded this project from schema ${project.migratedFrom}.`);
        await get().refreshRecent();
        return true;
      } catch (err) {
        const shape = err instanceof ApiError ? err.toShape() : { code: 'INTERNAL' as const, message: message(err) };
        set({ openFailure: { ...shape, dir }, dialog: null });
        return false;
      } finally {
        set({ busy: false });
      }
    },

    async saveProject() {
      if (!get().project) return;
      await updateChain;
      try {
        const project = await api.invoke('project.save', {});
        set({ project });
        get().toast('info', 'Saved');
      } catch (err) {
        get().toast('error', message(err));
      }
    },

    async closeProject() {
      if (!get().project) return;
      await updateChain;
      try {
        await api.invoke('project.close', {});
        history.clear();
        set({ project: null, ...historyFlags() });
        await get().refreshRecent();
      } catch (err) {
        get().toast('error', message(err));
      }
    },

    async importScene(path) {
      return importWith(() => api.invoke('scene.import', { path }));
    },

    async importSamples(dir) {
      const before = get().project?.document.shots.length ?? 0;
      const ok = await importWith(() => api.invoke('samples.import', { dir }));
      const after = get().project?.document.shots.length ?? 0;
      if (ok) get().toast('info', `Imported ${after - before} sample shot${after - before === 1 ? '' : 's'}`);
      return ok;
    },

    async importFiles(files) {
      const main = pickMainSceneFile(files.map((f) => f.name));
      if (!main) {
        get().toast('error', `None of the files is a scene (${SCENE_EXTENSIONS.map((e) => `.${e}`).join(', ')})`);
        return false;
      }
      return importWith(async () => {
        set({ uploadFraction: 0 });
        try {
          const uploadId = await uploadFiles(files, (f) => set({ uploadFraction: f }));
          return await api.invoke('scene.importUpload', { uploadId, main });
        } finally {
          set({ uploadFraction: null });
        }
      });
    },

    async editDocument(recipe) {
      const project = get().project;
      if (!project) return;
      const next = recipe(project.document);
      if (!history.record(project.document, next)) return;
      set({ project: { ...project, document: next, dirty: true }, ...historyFlags() });
      await sendDocument(next);
    },

    beginTransaction() {
      const project = get().project;
      if (project) history.begin(project.document);
    },
    previewDocument(recipe) {
      const project = get().project;
      if (!project || !history.inTransaction) return;
      set({ project: { ...project, document: recipe(project.document), dirty: true } });
    },
    async commitTransaction() {
      const project = get().project;
      if (!project || !history.commit(project.document)) return;
      set(historyFlags());
      await sendDocument(project.document);
    },
    cancelTransaction() {
      const start = history.cancel();
      const project = get().project;
      if (project && start) set({ project: { ...project, document: start } });
    },

    undo: () => applyHistoryStep('undo'),
    redo: () => applyHistoryStep('redo'),

    async updateSettings(patch) {
      try {
        set({ settings: await api.invoke('settings.update', patch) });
      } catch (err) {
        get().toast('error', message(err));
      }
    },

    setDialog(dialog) {
      set({ dialog });
    },
    dismissOpenFailure() {
      set({ openFailure: null });
    },
    toast(kind, text) {
      const id = ++toastSeq;
      set({ toasts: [...get().toasts, { id, kind, text }] });
      setTimeout(() => get().dismissToast(id), kind === 'error' ? 8000 : 3000);
    },
    dismissToast(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  };
});
