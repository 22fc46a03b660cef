import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';

/**
 * A small windowing for a list inside a scrolling ancestor (the shot bin scrolls as a whole:
 * conditioning, Generate form, player and takes): only the items near the visible part of
 * the scroller are rendered; spacers (the list's padding) stand in for the rest. Items may
 * differ in height: each rendered one is measured (ResizeObserver) and the rest are
 * estimated. The items stay in the normal flow, so the browser's scroll anchoring keeps the
 * view steady when a measured height replaces an estimate above it.
 */
export function useWindowed(opts: {
  keys: string[];
  /** Height assumed for an item not measured yet, px. */
  estimate: number;
  /** Space between items, px (the list's flex gap). */
  gap: number;
  /** Rendered beyond the visible part on each side, px. */
  overscan: number;
  scrollRef: RefObject<HTMLElement | null>;
  listRef: RefObject<HTMLElement | null>;
}) {
  const { keys, estimate, gap, overscan, scrollRef, listRef } = opts;
  const heights = useRef(new Map<string, number>());
  const [measured, setMeasured] = useState(0);
  /** The scroller's visible span, relative to the top of the list. */
  const [view, setView] = useState({ top: 0, height: 1000 });

  // Follow scrolling, resizing, and anything above the list changing height (the player opening).
  // A passive effect: it runs once the whole commit is done, when the scroller's ref (an ancestor's) is set too.
  useEffect(() => {
    const list = listRef.current;
    const scroller = scrollRef.current ?? (list ? scrollParent(list) : null);
    if (!scroller || !list) return;
    let raf = 0;
    const update = () => {
      raf = 0;
      const s = scroller.getBoundingClientRect();
      const top = s.top - list.getBoundingClientRect().top;
      setView((prev) => (Math.abs(prev.top - top) < 0.5 && prev.height === s.height ? prev : { top, height: s.height }));
    };
    const schedule = () => {
      if (!raf) raf = requestAnimationFrame(update);
    };
    update();
    scroller.addEventListener('scroll', schedule, { passive: true });
    const resize = new ResizeObserver(schedule);
    const observeChildren = () => {
      resize.disconnect();
      resize.observe(scroller);
      for (const child of scroller.children) resize.observe(child);
    };
    observeChildren();
    const mutations = new MutationObserver(() => {
      observeChildren();
      schedule();
    });
    mutations.observe(scroller, { childList: true });
    return () => {
      cancelAnimationFrame(raf);
      scroller.removeEventListener('scroll', schedule);
      resize.disconnect();
      mutations.disconnect();
    };
  }, [scrollRef, listRef]);

  // One observer measures every rendered item; heights are kept by key.
  const itemKeys = useRef(new WeakMap<Element, string>());
  const observer = useMemo(() => {
    if (typeof ResizeObserver === 'undefined') return null;
    let raf = 0;
    return new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = itemKeys.current.get(entry.target);
        if (key === undefined) continue;
        const h = entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
        if (h > 0 && Math.abs((heights.current.get(key) ?? -1) - h) > 0.5) {
          heights.current.set(key, h);
          changed = true;
        }
      }
      if (changed && !raf) {
        raf = requestAnimationFrame(() => {
          raf = 0;
          setMeasured((n) => n + 1);
        });
      }
    });
  }, []);
  useEffect(() => () => observer?.disconnect(), [observer]);

  // A stable callback ref per key, so React does not detach and re-attach them on every render.
  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const measure = useCallback(
    (key: string) => {
      let ref = refs.current.get(key);
      if (!ref) {
        let current: HTMLElement | null = null;
        ref = (el) => {
          if (current) observer?.unobserve(current);
          current = el;
          if (el) {
            itemKeys.current.set(el, key);
            observer?.observe(el);
          }
        };
        refs.current.set(key, ref);
      }
      return ref;
    },
    [observer],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `measured` counts changes to the heights map (a ref).
  return useMemo(() => {
    const h = (k: string) => heights.current.get(k) ?? estimate;
    const offsets: number[] = [];
    let y = 0;
    for (const k of keys) {
      offsets.push(y);
      y += h(k) + gap;
    }
    const total = Math.max(0, y - gap);
    const from = view.top - overscan;
    const to = view.top + view.height + overscan;
    let start = 0;
    while (start < keys.length && (offsets[start] ?? 0) + h(keys[start] ?? '') < from) start++;
    let end = start;
    while (end < keys.length && (offsets[end] ?? 0) <= to) end++;
    // Always at least one item, so a list scrolled far past still has something to anchor to.
    if (end === start && start < keys.length) end = start + 1;
    const before = start < keys.length ? (offsets[start] ?? 0) : total;
    const after = end < keys.length ? total - (offsets[end] ?? total) + gap : 0;
    return { start, end, padTop: before, padBottom: Math.max(0, after), total, measure };
  }, [keys, estimate, gap, overscan, view, measured, measure]);
}

/** The nearest ancestor that scrolls vertically. */
function scrollParent(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === 'auto' || overflowY === 'scroll') return p;
  }
  return null;
}
