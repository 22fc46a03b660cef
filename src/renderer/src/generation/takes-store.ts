import { useEffect } from 'react';
import { create } from 'zustand';
import type { CallInput, TakeView } from '../../../shared/api/contract';
import type { GenerationParams, TakeProgress } from '../../../shared/model/take';
import { api } from '../api';
import { useStudio } from '../state/studio-store';
import { type BinFilter, NO_FILTER, newestFirst, type SortKey } from './bin-view';

export type ReviewPatch = Omit<CallInput<'takes.review'>, 'takeId'>;

/** One delete, as the bin's undo restores it. */
export interface Deletion {
  ids: string[];
  seq: number;
}

/**
 * The takes of the active shot as the shot bin shows them: the list main returns, kept up to
 * date by the take.updated, take.removed and take.progress events. Progress is not stored by
 * main, so it lives here only while a take runs. Also the bin's own state: which takes are
 * ticked (for compare and bulk delete), sort and filter, the deletes that Undo can restore.
 */
interface TakesState {
  /** The shot whose takes these are (null: no project or no shot). */
  shotId: string | null;
  /** Newest first. */
  takes: TakeView[];
  /** Take folders main could not read, with why. */
  unreadable: { dir: string; problem: string }[];
  progress: Record<string, LiveProgress>;
  /** The take the player shows. */
  selectedId: string | null;
  loading: boolean;
  /** Counts conditioning renders that Generate made, so the conditioning panel can show the new one. */
  renders: number;
  /** Ticked takes, in the order they were ticked (the first two are A and B in the compare view). */
  checked: string[];
  /** The last take clicked or ticked, where a Shift-click range starts. */
  anchorId: string | null;
  sort: SortKey;
  filter: BinFilter;
  /** Deletes this session can undo, the last one last. */
  deletions: Deletion[];
  /** The takes the compare view shows; null when it is closed. */
  compareIds: string[] | null;
  /** "Use settings": the Generate form takes these over (seq changes each time). */
  settingsRequest: { params: GenerationParams; takeName: string; seq: number } | null;

  rendered(): void;
  load(shotId: string | null): Promise<void>;
  apply(take: TakeView): void;
  /** take.removed: gone to the trash (here or in another window). */
  remove(takeId: string): void;
  /** Takes takes.generate returned; events may already have brought newer states of them. */
  addQueued(takes: TakeView[]): void;
  applyProgress(progress: TakeProgress): void;
  select(takeId: string | null): void;
  setChecked(ids: string[], anchorId?: string | null): void;
  toggleChecked(takeId: string): void;
  setSort(sort: SortKey): void;
  setFilter(patch: Partial<BinFilter>): void;
  /** Rename, rate, flag, tag or annotate; shown at once, saved in order per take. */
  review(takeId: string, patch: ReviewPatch): Promise<void>;
  /** Move takes to the project's trash (running ones are kept and said so). */
  trash(takeIds: string[]): Promise<void>;
  /** Restore the last delete; false when there is none. */
  undoDelete(): Promise<boolean>;
  rerun(takeId: string, seed?: number): Promise<void>;
  useSettings(take: TakeView): void;
  openCompare(ids: string[]): void;
  closeCompare(): void;
}

/** A progress event and when it arrived (ETA and elapsed keep counting between events). */
export type LiveProgress = TakeProgress & { receivedAt: number };

let loadSeq = 0;
let deletionSeq = 0;
let settingsSeq = 0;
/** Take states pushed since the last load started (they may be newer than its answer). */
let sinceLoad = new Map<string, TakeView>();
/** Takes removed since the last load started (its answer may still list them). */
let removedSinceLoad = new Set<string>();
/** Review edits sent and not yet answered, per take: laid over any state that arrives meanwhile. */
const pendingReview = new Map<string, { patch: ReviewPatch; count: number; chain: Promise<unknown> }>();

function withPending(take: TakeView): TakeView {
  const p = pendingReview.get(take.id)?.patch;
  if (!p) return take;
  const { name, ...review } = p;
  return { ...take, name: name ?? take.name, review: { ...take.review, ...review } };
}

const toast = (kind: 'info' | 'error', text: string) => useStudio.getState().toast(kind, text);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const useTakes = create<TakesState>((set, get) => ({
  shotId: null,
  takes: [],
  unreadable: [],
  progress: {},
  selectedId: null,
  loading: false,
  renders: 0,
  checked: [],
  anchorId: null,
  sort: 'newest',
  filter: NO_FILTER,
  deletions: [],
  compareIds: null,
  settingsRequest: null,

  rendered() {
    set({ renders: get().renders + 1 });
  },

  async load(shotId) {
    const seq = ++loadSeq;
    // Reloading the same shot (after a reconnect) keeps what is shown until the answer comes.
    const same = shotId === get().shotId;
    set(
      same
        ? { loading: true }
        : {
            shotId,
            takes: [],
            unreadable: [],
            progress: {},
            selectedId: null,
            loading: shotId !== null,
            checked: [],
            anchorId: null,
            deletions: [],
            compareIds: null,
            // A model or tag of the other shot may match nothing here.
            filter: { ...get().filter, modelId: null, tag: null },
          },
    );
    sinceLoad = new Map();
    removedSinceLoad = new Set();
    if (!shotId) return;
    try {
      const { takes, unreadable } = await api.invoke('takes.list', { shotId });
      if (seq !== loadSeq) return;
      // Events arrive on another channel than the answer: those that came while it was on its way may be newer, and win.
      const live = sinceLoad;
      const merged = [...takes.map((t) => live.get(t.id) ?? t), ...[...live.values()].filter((t) => !takes.some((x) => x.id === t.id))]
        .filter((t) => !removedSinceLoad.has(t.id))
        .map(withPending);
      const ids = new Set(merged.map((t) => t.id));
      const running = new Set(merged.filter((t) => t.status === 'running').map((t) => t.id));
      const progress = Object.fromEntries(Object.entries(get().progress).filter(([id]) => running.has(id)));
      const { selectedId, checked, compareIds } = get();
      set({
        takes: merged.sort(newestFirst),
        unreadable,
        progress,
        loading: false,
        selectedId: selectedId && ids.has(selectedId) ? selectedId : null,
        checked: checked.filter((id) => ids.has(id)),
        compareIds: compareIds ? compareIds.filter((id) => ids.has(id)) : null,
      });
    } catch {
      // No project (closed meanwhile) or the host is gone: an empty list says as much as an error would.
      if (seq === loadSeq) set({ loading: false });
    }
  },

  apply(incoming) {
    if (incoming.shotId === null || incoming.shotId !== get().shotId) return;
    sinceLoad.set(incoming.id, incoming);
    removedSinceLoad.delete(incoming.id);
    const take = withPending(incoming);
    const others = get().takes.filter((t) => t.id !== take.id);
    const progress = { ...get().progress };
    if (take.status !== 'running') delete progress[take.id];
    set({ takes: [take, ...others].sort(newestFirst), progress });
  },

  remove(takeId) {
    sinceLoad.delete(takeId);
    removedSinceLoad.add(takeId);
    const s = get();
    if (!s.takes.some((t) => t.id === takeId)) return;
    const progress = { ...s.progress };
    delete progress[takeId];
    const compareIds = s.compareIds?.filter((id) => id !== takeId) ?? null;
    set({
      takes: s.takes.filter((t) => t.id !== takeId),
      progress,
      selectedId: s.selectedId === takeId ? null : s.selectedId,
      checked: s.checked.filter((id) => id !== takeId),
      anchorId: s.anchorId === takeId ? null : s.anchorId,
      compareIds: compareIds && compareIds.length > 0 ? compareIds : null,
    });
  },

  addQueued(takes) {
    for (const take of takes) if (!get().takes.some((t) => t.id === take.id)) get().apply(take);
  },

  applyProgress(p) {
    if (p.shotId !== get().shotId) return;
    // A late progress event must not bring back the bar of a take that already ended.
    const take = get().takes.find((t) => t.id === p.takeId);
    if (take && take.status !== 'running' && take.status !== 'queued') return;
    set({ progress: { ...get().progress, [p.takeId]: { ...p, receivedAt: Date.now() } } });
  },

  select(takeId) {
    set({ selectedId: takeId });
  },

  setChecked(ids, anchorId) {
    set({ checked: [...new Set(ids)], ...(anchorId !== undefined ? { anchorId } : {}) });
  },

  toggleChecked(takeId) {
    const checked = get().checked;
    set({ checked: checked.includes(takeId) ? checked.filter((id) => id !== takeId) : [...checked, takeId], anchorId: takeId });
  },

  setSort(sort) {
    set({ sort });
  },

  setFilter(patch) {
    set({ filter: { ...get().filter, ...patch } });
  },

  async review(takeId, patch) {
    const take = get().takes.find((t) => t.id === takeId);
    if (!take) return;
    // Laid over the take until every edit sent is answered, so an event with an older state cannot flash back.
    const entry = pendingReview.get(takeId) ?? { patch: {}, count: 0, chain: Promise.resolve() };
    entry.patch = { ...entry.patch, ...patch };
    entry.count++;
    pendingReview.set(takeId, entry);
    set({ takes: get().takes.map((t) => (t.id === takeId ? withPending(t) : t)) });
    const send = async () => {
      try {
        return await api.invoke('takes.review', { takeId, ...patch });
      } catch (err) {
        toast('error', `${take.name}: ${(err as Error).message}`);
        return null;
      }
    };
    entry.chain = entry.chain.then(send);
    const answer = (await entry.chain) as TakeView | null;
    if (--entry.count === 0) pendingReview.delete(takeId);
    if (answer) get().apply(answer);
    else if (entry.count === 0) {
      // Refused: show what main has.
      const fresh = (await api.invoke('takes.list', { shotId: take.shotId ?? undefined }).catch(() => null))?.takes.find(
        (t) => t.id === takeId,
      );
      if (fresh) get().apply(fresh);
    }
  },

  async trash(takeIds) {
    const takes = get().takes.filter((t) => takeIds.includes(t.id));
    const running = takes.filter((t) => t.status === 'running');
    const ids = takes.filter((t) => t.status !== 'running').map((t) => t.id);
    if (ids.length === 0) {
      if (running.length) toast('error', `${running.length === 1 ? 'The take is' : 'These takes are'} running; cancel before deleting`);
      return;
    }
    try {
      const { trashed } = await api.invoke('takes.trash', { takeIds: ids });
      for (const id of trashed) get().remove(id);
      set({ deletions: [...get().deletions, { ids: trashed, seq: ++deletionSeq }].slice(-50) });
      if (running.length) toast('info', `${plural(running.length, 'running take')} kept: cancel before deleting`);
    } catch (err) {
      toast('error', `Not deleted: ${(err as Error).message}`);
    }
  },

  async undoDelete() {
    const last = get().deletions.at(-1);
    if (!last) return false;
    set({ deletions: get().deletions.slice(0, -1) });
    try {
      const restored = await api.invoke('takes.restore', { takeIds: last.ids });
      for (const take of restored) get().apply(take);
      toast('info', `Restored ${plural(restored.length, 'take')}`);
    } catch (err) {
      toast('error', `Not restored: ${(err as Error).message}`);
    }
    return true;
  },

  async rerun(takeId, seed) {
    try {
      const take = await api.invoke('takes.rerun', seed === undefined ? { takeId } : { takeId, seed });
      get().addQueued([take]);
    } catch (err) {
      toast('error', `Re-run failed: ${(err as Error).message}`);
    }
  },

  useSettings(take) {
    set({ settingsRequest: { params: take.params, takeName: take.name, seq: ++settingsSeq } });
  },

  openCompare(ids) {
    if (ids.length > 0) set({ compareIds: ids.slice(0, 4) });
  },

  closeCompare() {
    set({ compareIds: null });
  },
}));

/** Follow the active shot's takes: load on shot or project change, apply live events. */
export function useTakesSync(projectDir: string | null, shotId: string | null): void {
  useEffect(() => {
    const offTake = api.on('take.updated', (t) => useTakes.getState().apply(t));
    const offRemoved = api.on('take.removed', ({ takeId }) => useTakes.getState().remove(takeId));
    const offProgress = api.on('take.progress', (p) => useTakes.getState().applyProgress(p));
    return () => {
      offTake();
      offRemoved();
      offProgress();
    };
  }, []);
  // Reloaded after the web host's event socket reconnects too: events sent meanwhile were lost.
  const connected = useStudio((s) => s.connected);
  useEffect(() => {
    if (connected) void useTakes.getState().load(projectDir ? shotId : null);
  }, [projectDir, shotId, connected]);
}

/**
 * Undo in the shot bin: restores the last delete. For the Electron menu's Undo (whose
 * accelerator never reaches the page): true when focus is in the bin and a delete was undone.
 */
export function undoInBin(): boolean {
  const active = document.activeElement;
  if (!active?.closest('.shot-bin') || useTakes.getState().deletions.length === 0) return false;
  void useTakes.getState().undoDelete();
  return true;
}
