import { create } from 'zustand';
import type { AppInfo, ProjectState, ProjectStatus } from '../../../shared/api/contract';
import { ApiError, type ApiErrorShape } from '../../../shared/api/errors';
import type { ProjectDocument } from '../../../shared/project/schema';
import type { RecentProject, Settings, SettingsPatch } from '../../../shared/settings/schema';
import { api, onConnectionChange } from '../api';
import { pickMainSceneFile, SCENE_EXTENSIONS, uploadFiles } from '../api/upload';

export type DialogKind = 'new' | 'open' | 'settings' | 'import';
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
  /** Undo history of document states (the current document is not in it). */
  past: ProjectDocument[];
  future: ProjectDocument[];

  init(): Promise<void>;
  refreshRecent(): Promise<void>;
  createProject(dir: string, name: string): Promise<boolean>;
  openProject(dir: string, fromBackup?: boolean): Promise<boolean>;
  saveProject(): Promise<void>;
  closeProject(): Promise<void>;
  /** Import a scene by path (desktop, or a path on the web host's machine). */
  importScene(path: string): Promise<boolean>;
  /** Import dropped or chosen files through the web host's upload route. */
  importFiles(files: File[]): Promise<boolean>;
  /** Apply a document edit as one undoable step. */
  editDocument(recipe: (doc: ProjectDocument) => ProjectDocument): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<void>;
  setDialog(dialog: DialogKind | null): void;
  dismissOpenFailure(): void;
  toast(kind: Toast['kind'], text: string): void;
  dismissToast(id: number): void;
}

let toastSeq = 0;
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
        set({ project: current, past: [], future: [] });
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
      set({ project, past: [...get().past, before.document].slice(-HISTORY_LIMIT), future: [], dialog: null });
      if (added) get().toast('info', `Imported "${added.name}"`);
      return true;
    } catch (err) {
      get().toast('error', message(err));
      return false;
    } finally {
      set({ busy: false });
    }
  };

  const applyHistoryStep = async (from: 'past' | 'future') => {
    const { project, past, future } = get();
    if (!project) return;
    const stack = from === 'past' ? past : future;
    const target = stack[stack.length - 1];
    if (!target) return;
    const rest = stack.slice(0, -1);
    const current = project.document;
    if (from === 'past') set({ past: rest, future: [...future, current] });
    else set({ future: rest, past: [...past, current] });
    set({ project: { ...project, document: target, dirty: true } });
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
    past: [],
    future: [],

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
        set({ project, past: [], future: [], dialog: null, openFailure: null });
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
        set({ project, past: [], future: [], dialog: null, openFailure: null });
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
        set({ project: null, past: [], future: [] });
        await get().refreshRecent();
      } catch (err) {
        get().toast('error', message(err));
      }
    },

    async importScene(path) {
      return importWith(() => api.invoke('scene.import', { path }));
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
      if (JSON.stringify(next) === JSON.stringify(project.document)) return;
      set({
        project: { ...project, document: next, dirty: true },
        past: [...get().past, project.document].slice(-HISTORY_LIMIT),
        future: [],
      });
      await sendDocument(next);
    },

    undo: () => applyHistoryStep('past'),
    redo: () => applyHistoryStep('future'),

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
