import { create } from 'zustand';

/** Which track a dope-sheet row belongs to. */
export type TrackId = 'camera' | 'left' | 'right';

/** A key on the timeline: the channel (as the animation edit functions address it) and its id. */
export interface KeyRef {
  track: TrackId;
  channel: string;
  id: string;
}

/**
 * Timeline state that is not part of the document: playhead, playback, selection, zoom,
 * expanded tracks. Never saved, never undone.
 */
interface TimelineState {
  /** Playhead; fractional while playing. */
  frame: number;
  playing: boolean;
  loop: boolean;
  selection: KeyRef[];
  /** Horizontal zoom. */
  pxPerFrame: number;
  /** First visible frame (horizontal pan). */
  scroll: number;
  expanded: Record<TrackId, boolean>;
  setFrame(frame: number): void;
  setPlaying(playing: boolean): void;
  setLoop(loop: boolean): void;
  select(keys: KeyRef[], mode?: 'replace' | 'add' | 'toggle'): void;
  clearSelection(): void;
  setView(view: { pxPerFrame?: number; scroll?: number }): void;
  toggleExpanded(track: TrackId): void;
}

export const sameKey = (a: KeyRef, b: KeyRef) => a.track === b.track && a.channel === b.channel && a.id === b.id;

export const useTimeline = create<TimelineState>((set, get) => ({
  frame: 0,
  playing: false,
  loop: true,
  selection: [],
  pxPerFrame: 16,
  scroll: 0,
  expanded: { camera: true, left: false, right: true },
  setFrame(frame) {
    set({ frame });
  },
  setPlaying(playing) {
    set({ playing });
  },
  setLoop(loop) {
    set({ loop });
  },
  select(keys, mode = 'replace') {
    if (mode === 'replace') return set({ selection: keys });
    const current = get().selection;
    if (mode === 'add') return set({ selection: [...current, ...keys.filter((k) => !current.some((c) => sameKey(c, k)))] });
    const toggled = current.filter((c) => !keys.some((k) => sameKey(c, k)));
    set({ selection: [...toggled, ...keys.filter((k) => !current.some((c) => sameKey(c, k)))] });
  },
  clearSelection() {
    set({ selection: [] });
  },
  setView(view) {
    set({
      pxPerFrame: Math.min(80, Math.max(2, view.pxPerFrame ?? get().pxPerFrame)),
      scroll: Math.max(-2, view.scroll ?? get().scroll),
    });
  },
  toggleExpanded(track) {
    set({ expanded: { ...get().expanded, [track]: !get().expanded[track] } });
  },
}));
