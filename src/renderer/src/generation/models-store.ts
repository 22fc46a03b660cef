import { create } from 'zustand';
import type { BundleCheck, ModelList, ModelSummary } from '../../../shared/api/contract';
import type { ConditioningSpec } from '../../../shared/conditioning/spec';
import { api } from '../api';
import { useStudio } from '../state/studio-store';

/**
 * The installed models, shared by the Generate panel, the conditioning panel and Settings ›
 * Models, and the model chosen for generation: it decides the size, length, rate and colours
 * the conditioning is rendered at, so the conditioning panel must follow the same choice.
 */
interface ModelsState {
  list: ModelList | null;
  /** Chosen in the Generate panel; null: the default model. */
  chosenId: string | null;
  refresh(): Promise<void>;
  choose(id: string | null): void;
  /**
   * Check a bundle folder and add it; on success the list is reloaded and the model chosen.
   * Returns the check, whose problems say why a bundle was not added.
   */
  add(path: string): Promise<AddOutcome>;
}

export type AddOutcome = { ok: true; model: ModelSummary; added: boolean } | { ok: false; dir: string; problems: string[] };

let refreshSeq = 0;

export const useModels = create<ModelsState>((set, get) => ({
  list: null,
  chosenId: null,

  async refresh() {
    const seq = ++refreshSeq;
    try {
      const list = await api.invoke('models.list', {});
      if (seq === refreshSeq) set({ list });
    } catch (err) {
      useStudio.getState().toast('error', `Models could not be listed: ${(err as Error).message}`);
    }
  },

  choose(id) {
    set({ chosenId: id });
  },

  async add(path) {
    let check: BundleCheck;
    try {
      check = await api.invoke('models.validate', { path });
    } catch (err) {
      return { ok: false, dir: path, problems: [(err as Error).message] };
    }
    if (check.problems.length > 0) return { ok: false, dir: check.dir, problems: check.problems };
    try {
      const { model, added } = await api.invoke('models.add', { path: check.dir });
      // models.add changed the modelFolders setting in main: show the stored settings.
      useStudio.setState({ settings: await api.invoke('settings.get', {}) });
      await get().refresh();
      set({ chosenId: model.id });
      return { ok: true, model, added };
    } catch (err) {
      return { ok: false, dir: check.dir, problems: [(err as Error).message] };
    }
  },
}));

/**
 * The model generation uses: the chosen one, else the default, else the first installed. For a
 * shot whose conditioning was imported (`importedSize`: the videos' size), with no model chosen,
 * the first model made for that size, the default first: the reference samples are 720x480 and
 * fit the overlay baseline, not the small learned default (main picks the same way).
 */
export function effectiveModel(
  list: ModelList | null,
  chosenId: string | null,
  importedSize: { width: number; height: number } | null = null,
): ModelSummary | null {
  if (!list) return null;
  const fallback = list.models.find((m) => m.id === (chosenId ?? list.defaultModelId)) ?? list.models[0] ?? null;
  if (chosenId || !importedSize || !fallback) return fallback;
  const fits = (m: ModelSummary) => m.conditioning.width === importedSize.width && m.conditioning.height === importedSize.height;
  return fits(fallback) ? fallback : (list.models.find(fits) ?? fallback);
}

/** "64x48 · 9 frames · 8 fps": what a model's conditioning (and so its takes) looks like. */
export function specLabel(c: Pick<ConditioningSpec, 'width' | 'height' | 'frames' | 'fps'>): string {
  return `${c.width}x${c.height} · ${c.frames} frames · ${c.fps} fps`;
}
