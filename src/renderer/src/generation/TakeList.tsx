import { type RefObject, useCallback, useMemo, useRef } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import { BinToolbar } from './BinToolbar';
import { visibleTakes } from './bin-view';
import { isTyping, type PickMode, TakeCard } from './TakeCard';
import { useTakes } from './takes-store';
import { useWindowed } from './use-windowed';

/** Card heights assumed before a card is measured (with and without the ground-truth figures), px. */
const ESTIMATE = { plain: 250, groundTruth: 290 };

/**
 * The active shot's takes, sorted and filtered as the toolbar says. Only the cards near the
 * visible part of the bin are rendered, so a shot with hundreds of takes scrolls smoothly.
 * Ctrl+A ticks every shown take, Escape clears the ticks.
 */
export function TakeList({ scrollRef, shot }: { scrollRef: RefObject<HTMLElement | null>; shot: Shot }) {
  const groundTruth = Boolean(shot.conditioning?.groundTruth);
  const takes = useTakes((s) => s.takes);
  const sort = useTakes((s) => s.sort);
  const filter = useTakes((s) => s.filter);
  const progress = useTakes((s) => s.progress);
  const unreadable = useTakes((s) => s.unreadable);
  const selectedId = useTakes((s) => s.selectedId);
  const checked = useTakes((s) => s.checked);
  const loading = useTakes((s) => s.loading);

  const shown = useMemo(() => visibleTakes(takes, sort, filter), [takes, sort, filter]);
  const keys = useMemo(() => shown.map((t) => t.id), [shown]);
  const checkedSet = useMemo(() => new Set(checked), [checked]);
  const listRef = useRef<HTMLUListElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const win = useWindowed({
    keys,
    estimate: groundTruth ? ESTIMATE.groundTruth : ESTIMATE.plain,
    gap: 6,
    overscan: 700,
    scrollRef,
    listRef,
  });
  // The callbacks below are given to memoised cards: they read the latest list from a ref instead of closing over it.
  const shownRef = useRef(shown);
  shownRef.current = shown;

  const focusCard = useCallback((takeId: string | null) => {
    requestAnimationFrame(() => {
      const card = takeId ? listRef.current?.querySelector<HTMLElement>(`[data-take-id="${takeId}"]`) : null;
      (card ?? containerRef.current)?.focus();
    });
  }, []);

  const onPick = useCallback((takeId: string, mode: PickMode) => {
    const s = useTakes.getState();
    if (mode === 'toggle' || !s.anchorId) return s.toggleChecked(takeId);
    const list = shownRef.current;
    const a = list.findIndex((t) => t.id === s.anchorId);
    const b = list.findIndex((t) => t.id === takeId);
    if (a < 0 || b < 0) return s.toggleChecked(takeId);
    const range = list.slice(Math.min(a, b), Math.max(a, b) + 1).map((t) => t.id);
    s.setChecked([...s.checked, ...range]);
  }, []);

  const onMove = useCallback(
    (takeId: string, delta: number) => {
      const list = shownRef.current;
      const next = list[list.findIndex((t) => t.id === takeId) + delta];
      if (next) focusCard(next.id);
    },
    [focusCard],
  );

  /** Delete, then keep focus in the list (on the next card) so Delete can go on and Ctrl+Z undoes. */
  const deleteIds = useCallback(
    async (ids: string[]) => {
      const list = shownRef.current;
      const gone = new Set(ids);
      const last = Math.max(...list.map((t, i) => (gone.has(t.id) ? i : -1)));
      const next =
        list.slice(last + 1).find((t) => !gone.has(t.id)) ?? [...list.slice(0, Math.max(0, last))].reverse().find((t) => !gone.has(t.id));
      await useTakes.getState().trash(ids);
      focusCard(next?.id ?? null);
    },
    [focusCard],
  );
  const onDelete = useCallback(
    (takeId: string) => {
      const { checked } = useTakes.getState();
      void deleteIds(checked.includes(takeId) && checked.length > 1 ? checked : [takeId]);
    },
    [deleteIds],
  );

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (isTyping(e.target)) return;
    const s = useTakes.getState();
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'a') {
      s.setChecked(shownRef.current.map((t) => t.id));
    } else if (e.key === 'Escape' && s.checked.length > 0) {
      s.setChecked([], null);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Ctrl+A and Escape work wherever focus is in the list.
    <div className="takes" data-testid="takes" ref={containerRef} tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="section-label">Takes{takes.length > 0 ? <span className="takes-count"> · {takes.length}</span> : null}</div>
      {unreadable.length > 0 ? (
        <div className="take-warning small" title={unreadable.map((u) => `${u.dir}: ${u.problem}`).join('\n')}>
          ⚠ {unreadable.length} take folder{unreadable.length === 1 ? '' : 's'} could not be read
        </div>
      ) : null}
      {takes.length > 0 ? <BinToolbar all={takes} shown={shown} onDelete={(ids) => void deleteIds(ids)} /> : null}
      {takes.length === 0 ? (
        <span className="muted small">{loading ? 'Loading takes…' : 'No takes of this shot yet: Generate makes one.'}</span>
      ) : shown.length === 0 ? (
        <span className="muted small">No take matches the filters.</span>
      ) : null}
      <ul
        className="take-list"
        ref={listRef}
        style={{ paddingTop: win.padTop, paddingBottom: win.padBottom }}
        data-testid="take-list"
        data-rendered={win.end - win.start}
      >
        {shown.slice(win.start, win.end).map((take) => (
          <TakeCard
            key={take.id}
            take={take}
            progress={progress[take.id]}
            playing={take.id === selectedId}
            checked={checkedSet.has(take.id)}
            groundTruth={groundTruth}
            onPick={onPick}
            onDelete={onDelete}
            onMove={onMove}
            shot={take.id === selectedId ? shot : undefined}
            measureRef={win.measure(take.id)}
          />
        ))}
      </ul>
    </div>
  );
}
