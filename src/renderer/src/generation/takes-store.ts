import { useEffect } from 'react';
import { create } from 'zustand';
import type { TakeView } from '../../../shared/api/contract';
import type { TakeProgress } from '../../../shared/model/take';
import { api } from '../api';
import { useStudio } from '../state/studio-store';

/**
 * The takes of the active shot as the shot bin shows them: the list main returns, kept up to
 * date by the take.updated and take.progress events. Progress is not stored by main, so it
 * lives here only while a take runs.
 */
interface TakesState {
  /** The shot whose takes these are (null: no project or no shot). */
  shotId: string | null;
  /** Newest first. */
  takes: TakeView[];
  /** Take folders main could not read, with why. */
  unreadable: { dir: string; problem: string }[];
  progress: Record<string, LiveProgress>;
  selectedId: string | null;
  loading: boolean;
  /** Counts conditioning renders that Generate made, so the conditioning panel can show the new one. */
  renders: number;
  rendered(): void;
  load(shotId: string | null): Promise<void>;
  apply(take: TakeView): void;
  /** Takes takes.generate returned; events may already have brought newer states of them. */
  addQueued(takes: TakeView[]): void;
  applyProgress(progress: TakeProgress): void;
  select(takeId: string | null): void;
}

/** A progress event and when it arrived (ETA and elapsed keep counting between events). */
export type LiveProgress = TakeProgress & { receivedAt: number };

/** Newest first; variations queued in the same millisecond by their number, highest first. */
function newestFirst(a: TakeView, b: TakeView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  const n = (t: TakeView) => Number(/(\d+)$/.exec(t.name)?.[1] ?? 0);
  return n(b) - n(a);
}

let loadSeq = 0;
/** Take states pushed since the last load started (they may be newer than its answer). */
let sinceLoad = new Map<string, TakeView>();

export const useTakes = create<TakesState>((set, get) => ({
  shotId: null,
  takes: [],
  unreadable: [],
  progress: {},
  selectedId: null,
  loading: false,
  renders: 0,

  rendered() {
    set({ renders: get().renders + 1 });
  },

  async load(shotId) {
    const seq = ++loadSeq;
    // Reloading the same shot (after a reconnect) keeps what is shown until the answer comes.
    const same = shotId === get().shotId;
    set(same ? { loading: true } : { shotId, takes: [], unreadable: [], progress: {}, selectedId: null, loading: shotId !== null });
    sinceLoad = new Map();
    if (!shotId) return;
    try {
      const { takes, unreadable } = await api.invoke('takes.list', { shotId });
      if (seq !== loadSeq) return;
      // Events arrive on another channel than the answer: those that came while it was on its way may be newer, and win.
      const live = sinceLoad;
      const merged = [...takes.map((t) => live.get(t.id) ?? t), ...[...live.values()].filter((t) => !takes.some((x) => x.id === t.id))];
      const running = new Set(merged.filter((t) => t.status === 'running').map((t) => t.id));
      const progress = Object.fromEntries(Object.entries(get().progress).filter(([id]) => running.has(id)));
      set({ takes: merged.sort(newestFirst), unreadable, progress, loading: false });
    } catch {
      // No project (closed meanwhile) or the host is gone: an empty list says as much as an error would.
      if (seq === loadSeq) set({ loading: false });
    }
  },

  apply(take) {
    if (take.shotId === null || take.shotId !== get().shotId) return;
    sinceLoad.set(take.id, take);
    const others = get().takes.filter((t) => t.id !== take.id);
    const progress = { ...get().progress };
    if (take.status !== 'running') delete progress[take.id];
    set({ takes: [take, ...others].sort(newestFirst), progress });
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
}));

/** Follow the active shot's takes: load on shot or project change, apply live events. */
export function useTakesSync(projectDir: string | null, shotId: string | null): void {
  useEffect(() => {
    const offTake = api.on('take.updated', (t) => useTakes.getState().apply(t));
    const offProgress = api.on('take.progress', (p) => useTakes.getState().applyProgress(p));
    return () => {
      offTake();
      offProgress();
    };
  }, []);
  // Reloaded after the web host's event socket reconnects too: events sent meanwhile were lost.
  const connected = useStudio((s) => s.connected);
  useEffect(() => {
    if (connected) void useTakes.getState().load(projectDir ? shotId : null);
  }, [projectDir, shotId, connected]);
}
