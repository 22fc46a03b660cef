import { useEffect, useRef, useState } from 'react';
import { getChannel } from '../../../shared/animation/channel-path';
import type { Shot } from '../../../shared/animation/schema';
import { useStudio } from '../state/studio-store';
import { type KeyRef, sameKey, useTimeline } from '../state/timeline-store';
import { type Row, rowKeys, visibleRows } from './rows';
import { moveSelection } from './timeline-actions';

const ROW_HEIGHT = 22;
const RULER_HEIGHT = 22;
const LABEL_WIDTH = 150;
const PAD = 12;
/** Before the first measurement; the real width replaces it at once. */
const INITIAL_WIDTH = 1;

type Drag =
  | { kind: 'keys'; startX: number; delta: number; shot: Shot; selection: KeyRef[] }
  | { kind: 'box'; x0: number; y0: number; x1: number; y1: number; additive: boolean }
  | { kind: 'scrub' };

/**
 * The dope sheet: a row per track (expandable to channels) with its keys as diamonds,
 * a frame ruler, and the playhead. Click selects (Shift adds, Ctrl toggles), dragging keys
 * moves them by whole frames as one undo step, dragging on empty space box-selects, the
 * ruler scrubs, the wheel pans and Ctrl+wheel zooms around the cursor.
 */
export function DopeSheet({ shot }: { shot: Shot }) {
  const expanded = useTimeline((s) => s.expanded);
  const frame = useTimeline((s) => s.frame);
  const selection = useTimeline((s) => s.selection);
  const pxPerFrame = useTimeline((s) => s.pxPerFrame);
  const scroll = useTimeline((s) => s.scroll);
  const { select, setFrame, setView, toggleExpanded, clearSelection } = useTimeline.getState();
  const { beginTransaction, previewDocument, commitTransaction, cancelTransaction } = useStudio.getState();
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(INITIAL_WIDTH);
  const [drag, setDrag] = useState<Drag | null>(null);
  const rows = visibleRows(expanded);
  const height = RULER_HEIGHT + rows.length * ROW_HEIGHT + 4;
  const last = shot.frames - 1;

  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Fit the whole shot when a shot is first shown at its real width.
  const fittedFor = useRef<string | null>(null);
  useEffect(() => {
    if (fittedFor.current === shot.id || width === INITIAL_WIDTH) return;
    fittedFor.current = shot.id;
    setView({ pxPerFrame: Math.max(4, (width - 2 * PAD) / Math.max(shot.frames - 1, 1)), scroll: 0 });
  }, [shot.id, shot.frames, width, setView]);

  const xOf = (f: number) => PAD + (f - scroll) * pxPerFrame;
  const frameAt = (x: number) => (x - PAD) / pxPerFrame + scroll;
  const localPoint = (e: { clientX: number; clientY: number }) => {
    const rect = svgRef.current?.getBoundingClientRect();
    return { x: e.clientX - (rect?.left ?? 0), y: e.clientY - (rect?.top ?? 0) };
  };
  const scrubTo = (x: number) => setFrame(Math.min(last, Math.max(0, Math.round(frameAt(x)))));

  const keyPointerDown = (e: React.PointerEvent, refs: KeyRef[]) => {
    e.stopPropagation();
    (e.target as Element).setPointerCapture(e.pointerId);
    const already = refs.every((r) => selection.some((s) => sameKey(s, r)));
    let next = selection;
    if (e.ctrlKey || e.metaKey) {
      select(refs, 'toggle');
      return;
    }
    if (e.shiftKey) {
      select(refs, 'add');
      next = [...selection, ...refs];
    } else if (!already) {
      select(refs, 'replace');
      next = refs;
    }
    beginTransaction();
    setDrag({ kind: 'keys', startX: localPoint(e).x, delta: 0, shot, selection: next });
  };

  const onPointerDown = (e: React.PointerEvent) => {
    const p = localPoint(e);
    (e.target as Element).setPointerCapture(e.pointerId);
    if (p.y < RULER_HEIGHT) {
      scrubTo(p.x);
      setDrag({ kind: 'scrub' });
      return;
    }
    setDrag({ kind: 'box', x0: p.x, y0: p.y, x1: p.x, y1: p.y, additive: e.shiftKey });
  };

  const onPointerMove = (e: React.PointerEvent) => {
    if (!drag) return;
    const p = localPoint(e);
    if (drag.kind === 'scrub') scrubTo(p.x);
    else if (drag.kind === 'box') setDrag({ ...drag, x1: p.x, y1: p.y });
    else {
      const delta = Math.round((p.x - drag.startX) / pxPerFrame);
      if (delta === drag.delta) return;
      setDrag({ ...drag, delta });
      const moved = moveSelection(drag.shot, drag.selection, delta);
      previewDocument((doc) => ({ ...doc, shots: doc.shots.map((s) => (s.id === moved.id ? moved : s)) }));
    }
  };

  const onPointerUp = () => {
    if (!drag) return;
    if (drag.kind === 'keys') void commitTransaction();
    if (drag.kind === 'box') {
      const [xa, xb] = [Math.min(drag.x0, drag.x1), Math.max(drag.x0, drag.x1)];
      const [ya, yb] = [Math.min(drag.y0, drag.y1), Math.max(drag.y0, drag.y1)];
      if (xb - xa < 3 && yb - ya < 3) {
        if (!drag.additive) clearSelection();
      } else {
        const hits: KeyRef[] = [];
        rows.forEach((row, i) => {
          const y = RULER_HEIGHT + i * ROW_HEIGHT + ROW_HEIGHT / 2;
          if (y < ya || y > yb || row.kind !== 'channel') return;
          for (const k of rowKeys(shot, row, getChannel)) {
            const x = xOf(k.frame);
            if (x >= xa && x <= xb) hits.push({ track: k.path.track, channel: k.path.channel, id: k.id });
          }
        });
        select(hits, drag.additive ? 'add' : 'replace');
      }
    }
    setDrag(null);
  };

  const onWheel = (e: React.WheelEvent) => {
    if (e.ctrlKey || e.metaKey) {
      const p = localPoint(e);
      const anchor = frameAt(p.x);
      const zoom = Math.min(80, Math.max(2, pxPerFrame * (e.deltaY < 0 ? 1.15 : 1 / 1.15)));
      setView({ pxPerFrame: zoom, scroll: anchor - (p.x - PAD) / zoom });
    } else {
      setView({ scroll: scroll + (e.deltaX || e.deltaY) / pxPerFrame / 2 });
    }
  };

  useEffect(() => {
    if (drag?.kind !== 'keys') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        cancelTransaction();
        setDrag(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [drag?.kind, cancelTransaction]);

  // Ruler ticks: every 1, 5 or 10 frames depending on zoom, labels at least 40 px apart.
  const tickStep = pxPerFrame >= 14 ? 1 : pxPerFrame >= 5 ? 5 : 10;
  const labelStep = [1, 2, 5, 10, 20, 50].find((s) => s * pxPerFrame >= 32) ?? 100;
  const ticks: number[] = [];
  for (let f = Math.max(0, Math.ceil(scroll)); f <= last && xOf(f) <= width; f++) if (f % tickStep === 0) ticks.push(f);

  return (
    <div className="dopesheet">
      <div className="dopesheet-labels" style={{ width: LABEL_WIDTH }}>
        <div className="dopesheet-ruler-spacer" style={{ height: RULER_HEIGHT }} />
        {rows.map((row) => (
          <RowLabel key={rowId(row)} row={row} expanded={expanded[row.track]} onToggle={() => toggleExpanded(row.track)} />
        ))}
      </div>
      <svg
        ref={svgRef}
        className="dopesheet-canvas"
        data-testid="dopesheet"
        height={height}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onWheel={onWheel}
        role="presentation"
      >
        <rect x={xOf(0)} y={0} width={Math.max(0, xOf(last) - xOf(0))} height={height} className="shot-range" />
        <rect x={0} y={0} width={width} height={RULER_HEIGHT} className="ruler" />
        {ticks.map((f) => (
          <g key={f}>
            <line x1={xOf(f)} x2={xOf(f)} y1={f % labelStep === 0 ? 10 : 15} y2={RULER_HEIGHT} className="tick" />
            {f % labelStep === 0 ? (
              <text x={xOf(f) + 3} y={11} className="tick-label">
                {f}
              </text>
            ) : null}
          </g>
        ))}
        {rows.map((row, i) => {
          const y = RULER_HEIGHT + i * ROW_HEIGHT;
          const keys = rowKeys(shot, row, getChannel);
          // A track row shows one diamond per frame that has keys, standing for all of them.
          const groups = new Map<number, KeyRef[]>();
          for (const k of keys)
            groups.set(k.frame, [...(groups.get(k.frame) ?? []), { track: k.path.track, channel: k.path.channel, id: k.id }]);
          return (
            <g key={rowId(row)} data-row={rowId(row)}>
              <rect x={0} y={y} width={width} height={ROW_HEIGHT} className={row.kind === 'track' ? 'row track-row' : 'row'} />
              {[...groups.entries()].map(([f, refs]) => {
                const selected = refs.every((r) => selection.some((s) => sameKey(s, r)));
                const cx = xOf(f);
                const cy = y + ROW_HEIGHT / 2;
                const r = row.kind === 'track' ? 5 : 6;
                return (
                  <path
                    key={`${rowId(row)}:${f}`}
                    d={`M ${cx} ${cy - r} L ${cx + r} ${cy} L ${cx} ${cy + r} L ${cx - r} ${cy} Z`}
                    className={`key ${selected ? 'selected' : ''} ${row.kind === 'track' ? 'summary' : ''}`}
                    data-testid="key"
                    data-row={rowId(row)}
                    data-frame={f}
                    onPointerDown={(e) => keyPointerDown(e, refs)}
                  />
                );
              })}
            </g>
          );
        })}
        <line x1={xOf(frame)} x2={xOf(frame)} y1={0} y2={height} className="playhead" />
        <rect x={xOf(frame) - 5} y={2} width={10} height={RULER_HEIGHT - 6} rx={2} className="playhead-handle" />
        {drag?.kind === 'box' ? (
          <rect
            x={Math.min(drag.x0, drag.x1)}
            y={Math.min(drag.y0, drag.y1)}
            width={Math.abs(drag.x1 - drag.x0)}
            height={Math.abs(drag.y1 - drag.y0)}
            className="box-select"
          />
        ) : null}
      </svg>
    </div>
  );
}

function rowId(row: Row): string {
  return row.kind === 'track' ? row.track : `${row.track}.${row.path.channel}`;
}

function RowLabel({ row, expanded, onToggle }: { row: Row; expanded: boolean; onToggle: () => void }) {
  if (row.kind === 'channel') {
    return (
      <div className="row-label channel" style={{ height: ROW_HEIGHT }}>
        {row.label}
      </div>
    );
  }
  return (
    <button type="button" className="row-label track" style={{ height: ROW_HEIGHT }} onClick={onToggle} aria-expanded={expanded}>
      <span className="twisty">{expanded ? '▾' : '▸'}</span>
      {row.label}
    </button>
  );
}
