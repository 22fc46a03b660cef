import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Shot } from '../../../shared/animation/schema';
import type { TakeView } from '../../../shared/api/contract';
import { mediaUrl } from '../scene/media-url';
import { figures, fmtDb, fmtMad, fmtSsim } from './bin-view';
import { type DiffStats, diffHeat, HEAT_GRADIENT } from './diff-heat';
import { Transport, transportKey, usePlayheadVideos } from './playhead';

/** A video the A/B tools can show: a compared take, the static conditioning, or the ground truth. */
interface Source {
  id: string;
  /** "A", "B"… for takes; a word otherwise. */
  letter: string;
  label: string;
  url: string;
}

type Mode = 'side' | 'wipe' | 'diff' | 'flicker';
const MODES: { value: Mode; label: string; title: string }[] = [
  { value: 'side', label: 'Side by side', title: 'Every compared take (and the ground truth) at the playhead' },
  { value: 'wipe', label: 'Wipe', title: 'A over B, split by a handle you drag' },
  { value: 'diff', label: 'Difference', title: '|A − B| per pixel as a heat map' },
  { value: 'flicker', label: 'Flicker', title: 'A and B in turn every 250 ms' },
];
const LETTERS = ['A', 'B', 'C', 'D'];
const FLICKER_MS = 250;

/**
 * Two to four takes of a shot, compared: side by side, an A/B wipe, an |A − B| heat map and
 * A/B flicker, all following the timeline's playhead (the timeline stays visible below and
 * drives them), and the takes' figures in a table sorted by any column. It covers the scene
 * panel and the viewport; Escape or Close returns to them.
 */
export function CompareView({ takes, shot, onClose }: { takes: TakeView[]; shot: Shot; onClose: () => void }) {
  const root = useRef<HTMLElement>(null);
  const first = takes[0];
  const fps = first?.output?.fps ?? shot.fps;
  const frames = first?.output?.frames ?? shot.frames;
  const last = shot.frames - 1;
  const { shownFrame, seekToPlayhead } = usePlayheadVideos(root, frames, fps);
  const [mode, setMode] = useState<Mode>('side');
  const groundTruth = shot.conditioning?.groundTruth ?? null;

  const sources = useMemo<Source[]>(() => {
    const list: Source[] = takes.map((t, i) => ({
      id: t.id,
      letter: LETTERS[i] ?? String(i + 1),
      label: t.name,
      url: `${mediaUrl(t.paths.video)}?v=${t.attempts}`,
    }));
    if (first) list.push({ id: 'static', letter: 'Static', label: 'Static scene (conditioning)', url: mediaUrl(first.paths.staticVideo) });
    if (groundTruth) list.push({ id: 'gt', letter: 'GT', label: 'Ground truth', url: mediaUrl(groundTruth) });
    return list;
  }, [takes, first, groundTruth]);
  const [aId, setA] = useState(() => takes[0]?.id ?? '');
  const [bId, setB] = useState(() => takes[1]?.id ?? takes[0]?.id ?? '');
  // A take leaving the comparison (deleted) falls back to the first ones.
  const a = sources.find((s) => s.id === aId) ?? sources[0];
  const b = sources.find((s) => s.id === bId) ?? sources[1] ?? sources[0];

  // Focus moves in, so Escape and ← → work at once; it goes back to where it was on close.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    root.current?.focus();
    return () => before?.focus?.();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const t = e.target as HTMLElement;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement) return;
    transportKey(e, last);
  };

  const video = (s: Source, testId?: string, extra?: React.VideoHTMLAttributes<HTMLVideoElement>) => (
    <video
      key={s.id}
      data-sync
      src={s.url}
      // The difference view reads frames back from a canvas; the desktop app's media protocol allows it with CORS.
      crossOrigin="anonymous"
      muted
      playsInline
      preload="auto"
      onLoadedData={seekToPlayhead}
      data-testid={testId}
      {...extra}
    />
  );

  const host = document.querySelector('.workspace');
  const view = (
    <section
      ref={root}
      className={`compare${host ? '' : ' floating'}`}
      aria-label="Compare takes"
      data-testid="compare"
      data-mode={mode}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="compare-head">
        <strong>Compare</strong>
        <span className="muted small">
          {takes.length} takes · {shot.name}
        </span>
        <div className="segmented compare-modes" role="tablist" aria-label="Compare mode">
          {MODES.map((m) => (
            <button
              key={m.value}
              type="button"
              role="tab"
              aria-selected={mode === m.value}
              className={mode === m.value ? 'active' : undefined}
              title={m.title}
              onClick={() => setMode(m.value)}
            >
              {m.label}
            </button>
          ))}
        </div>
        {mode !== 'side' && a && b ? (
          <span className="compare-ab-pick">
            <SourcePick label="A" value={a.id} sources={sources} onChange={setA} />
            <button
              type="button"
              className="small-button"
              title="Swap A and B"
              aria-label="Swap A and B"
              onClick={() => {
                setA(b.id);
                setB(a.id);
              }}
            >
              ⇄
            </button>
            <SourcePick label="B" value={b.id} sources={sources} onChange={setB} />
          </span>
        ) : null}
        <span className="spacer" />
        <button type="button" className="small-button" onClick={onClose} title="Close the comparison (Esc)">
          Close
        </button>
      </div>
      <div className="compare-stage">
        {mode === 'side' ? (
          <div className={`compare-grid n${sources.filter((s) => s.id !== 'static').length}`}>
            {sources
              .filter((s) => s.id !== 'static')
              .map((s) => (
                <figure key={s.id} className={s.id === 'gt' ? 'ground-truth' : undefined}>
                  {video(s, s.id === 'gt' ? 'compare-ground-truth' : 'compare-video')}
                  <figcaption>
                    <b>{s.letter}</b> {s.label}
                    {takes.find((t) => t.id === s.id) ? ` · seed ${takes.find((t) => t.id === s.id)?.params.seed}` : ''}
                  </figcaption>
                </figure>
              ))}
          </div>
        ) : a && b ? (
          mode === 'wipe' ? (
            <Wipe a={a} b={b} video={video} />
          ) : mode === 'diff' ? (
            <Difference a={a} b={b} video={video} shownFrame={shownFrame} />
          ) : (
            <Flicker a={a} b={b} video={video} />
          )
        ) : null}
      </div>
      <Transport last={last} shownFrame={shownFrame} testId="compare-frame" />
      <MetricsTable takes={takes} groundTruth={groundTruth !== null} />
    </section>
  );
  return host ? createPortal(view, host) : view;
}

function SourcePick({
  label,
  value,
  sources,
  onChange,
}: {
  label: string;
  value: string;
  sources: Source[];
  onChange: (id: string) => void;
}) {
  const id = useId();
  return (
    <label htmlFor={id} className="small">
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-label={`Video ${label}`}>
        {sources.map((s) => (
          <option key={s.id} value={s.id}>
            {s.letter.length === 1 ? `${s.letter}: ` : ''}
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}

type VideoFn = (s: Source, testId?: string, extra?: React.VideoHTMLAttributes<HTMLVideoElement>) => React.ReactNode;

/** A over B, A clipped at the handle: drag anywhere on the picture, or use the slider (← → on it). */
function Wipe({ a, b, video }: { a: Source; b: Source; video: VideoFn }) {
  const [pos, setPos] = useState(50);
  const stage = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const at = (clientX: number) => {
    const r = stage.current?.getBoundingClientRect();
    if (r && r.width > 0) setPos(Math.round(Math.min(100, Math.max(0, ((clientX - r.left) / r.width) * 100)) * 10) / 10);
  };
  const clip = `inset(0 ${(100 - pos).toFixed(1)}% 0 0)`;
  return (
    <div className="compare-ab-wrap">
      <div
        ref={stage}
        className="compare-ab wipe"
        data-testid="wipe"
        data-pos={pos}
        onPointerDown={(e) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
          at(e.clientX);
        }}
        onPointerMove={(e) => dragging.current && at(e.clientX)}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerCancel={() => {
          dragging.current = false;
        }}
      >
        {video(b, 'wipe-b')}
        <div className="wipe-top" style={{ clipPath: clip }} data-testid="wipe-a">
          {video(a)}
        </div>
        <div className="wipe-handle" style={{ left: `${pos}%` }} data-testid="wipe-handle" />
        <span className="ab-label left">A · {a.label}</span>
        <span className="ab-label right">B · {b.label}</span>
      </div>
      <input
        type="range"
        min={0}
        max={100}
        step={0.5}
        value={pos}
        onChange={(e) => setPos(Number(e.target.value))}
        aria-label="Wipe position"
        className="wipe-slider"
      />
    </div>
  );
}

/** A and B in turn every 250 ms (both keep following the playhead). */
function Flicker({ a, b, video }: { a: Source; b: Source; video: VideoFn }) {
  const [showB, setShowB] = useState(false);
  const [on, setOn] = useState(true);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setShowB((v) => !v), FLICKER_MS);
    return () => clearInterval(timer);
  }, [on]);
  const shown = showB ? b : a;
  return (
    <div className="compare-ab-wrap">
      <div className="compare-ab flicker" data-testid="flicker" data-showing={showB ? 'B' : 'A'}>
        {video(b, 'flicker-b')}
        <div className="flicker-top" style={{ visibility: showB ? 'hidden' : 'visible' }}>
          {video(a, 'flicker-a')}
        </div>
        <span className="ab-label left">
          {showB ? 'B' : 'A'} · {shown.label}
        </span>
      </div>
      <div className="compare-ab-tools">
        <button type="button" className="small-button" aria-pressed={on} onClick={() => setOn(!on)} title="Alternate A and B every 250 ms">
          {on ? 'Flickering' : 'Flicker'}
        </button>
        {on ? null : (
          <button type="button" className="small-button" onClick={() => setShowB(!showB)} title="Show the other one">
            Show {showB ? 'A' : 'B'}
          </button>
        )}
      </div>
    </div>
  );
}

const GAINS = [1, 4, 16];

/**
 * |A − B| at the playhead: both videos' current frames drawn to offscreen canvases, the
 * per-pixel difference mapped to the heat ramp. Redrawn whenever either video lands on a
 * frame (seeked) or the gain changes. The statistics go on the canvas as data attributes too.
 */
function Difference({ a, b, video, shownFrame }: { a: Source; b: Source; video: VideoFn; shownFrame: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const offscreen = useRef<{ a: HTMLCanvasElement; b: HTMLCanvasElement } | null>(null);
  const draws = useRef(0);
  const [gain, setGain] = useState(4);
  const [stats, setStats] = useState<DiffStats | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const draw = useCallback(() => {
    const [va, vb] = [...(wrap.current?.querySelectorAll<HTMLVideoElement>('video') ?? [])];
    const out = canvas.current;
    if (!va || !vb || !out || va.readyState < 2 || vb.readyState < 2 || va.seeking || vb.seeking) return;
    // Both must show the same frame (one may still be on its way to it).
    if (Math.abs(va.currentTime - vb.currentTime) > 0.5 / 60) return;
    const w = va.videoWidth;
    const h = va.videoHeight;
    if (!w || !h) return;
    offscreen.current ??= { a: document.createElement('canvas'), b: document.createElement('canvas') };
    const read = (c: HTMLCanvasElement, v: HTMLVideoElement) => {
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
      const ctx = c.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2D canvas');
      ctx.drawImage(v, 0, 0, w, h);
      return ctx.getImageData(0, 0, w, h).data;
    };
    try {
      const da = read(offscreen.current.a, va);
      const db = read(offscreen.current.b, vb);
      if (out.width !== w || out.height !== h) {
        out.width = w;
        out.height = h;
      }
      const ctx = out.getContext('2d');
      if (!ctx) return;
      const image = ctx.createImageData(w, h);
      const s = diffHeat(da, db, image.data, gain);
      ctx.putImageData(image, 0, 0);
      draws.current++;
      out.dataset.draws = String(draws.current);
      out.dataset.mean = s.mean.toFixed(4);
      out.dataset.max = s.max.toFixed(2);
      out.dataset.time = va.currentTime.toFixed(4);
      setStats(s);
      setProblem(null);
    } catch (err) {
      // A video from another origin (no CORS) cannot be read back.
      setProblem((err as Error).message);
    }
  }, [gain]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: A and B change the video elements listened to; each frame redraws once seeked.
  useEffect(() => {
    const videos = [...(wrap.current?.querySelectorAll<HTMLVideoElement>('video') ?? [])];
    let raf = 0;
    const schedule = () => {
      if (!raf)
        raf = requestAnimationFrame(() => {
          raf = 0;
          draw();
        });
    };
    for (const v of videos) {
      v.addEventListener('seeked', schedule);
      v.addEventListener('loadeddata', schedule);
    }
    schedule();
    return () => {
      cancelAnimationFrame(raf);
      for (const v of videos) {
        v.removeEventListener('seeked', schedule);
        v.removeEventListener('loadeddata', schedule);
      }
    };
    // A and B change the videos; the frame changes what they show (seeked follows).
  }, [draw, a.url, b.url, shownFrame]);

  return (
    <div className="compare-diff" ref={wrap}>
      <div className="compare-diff-main">
        <canvas ref={canvas} data-testid="diff-canvas" aria-label={`Difference of A and B at frame ${shownFrame}`} />
        {problem ? <div className="take-warning small">The difference cannot be computed here: {problem}</div> : null}
      </div>
      <div className="compare-diff-side">
        <figure>
          {video(a, 'diff-a')}
          <figcaption>A · {a.label}</figcaption>
        </figure>
        <figure>
          {video(b, 'diff-b')}
          <figcaption>B · {b.label}</figcaption>
        </figure>
        <div className="diff-legend small">
          <span className="diff-ramp" style={{ background: HEAT_GRADIENT }} />
          <span className="diff-ramp-labels">
            <span>0</span>
            <span>{Math.round(255 / gain)}+ levels</span>
          </span>
          <label>
            Gain{' '}
            <select value={gain} onChange={(e) => setGain(Number(e.target.value))} aria-label="Difference gain">
              {GAINS.map((g) => (
                <option key={g} value={g}>
                  ×{g}
                </option>
              ))}
            </select>
          </label>
          <span data-testid="diff-stats">
            {stats
              ? `mean ${stats.mean.toFixed(2)} · max ${stats.max.toFixed(0)} · ${(stats.over8 * 100).toFixed(1)}% over 8`
              : 'waiting for both frames…'}
          </span>
        </div>
      </div>
    </div>
  );
}

type Column = {
  key: string;
  label: string;
  value: (t: TakeView) => number | null;
  fmt: (v: number | null) => string;
  higherIsBetter: boolean;
};

/** The compared takes' figures; click a column to sort by it (again: the other way). */
function MetricsTable({ takes, groundTruth }: { takes: TakeView[]; groundTruth: boolean }) {
  const columns: Column[] = [
    { key: 'seed', label: 'Seed', value: (t) => t.params.seed, fmt: (v) => (v === null ? '—' : String(v)), higherIsBetter: false },
    { key: 'rating', label: 'Rating', value: (t) => t.review.rating, fmt: (v) => (v ? '★'.repeat(v) : '—'), higherIsBetter: true },
    ...(groundTruth
      ? [
          { key: 'psnr', label: 'PSNR', value: figures.psnr, fmt: fmtDb, higherIsBetter: true },
          { key: 'ssim', label: 'SSIM', value: figures.ssim, fmt: fmtSsim, higherIsBetter: true },
          { key: 'regionPsnr', label: 'Region PSNR', value: figures.regionPsnr, fmt: fmtDb, higherIsBetter: true },
        ]
      : []),
    { key: 'consistency', label: 'Consistency', value: figures.consistency, fmt: fmtDb, higherIsBetter: true },
    { key: 'flicker', label: 'Flicker', value: figures.flicker, fmt: fmtMad, higherIsBetter: false },
  ];
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(null);
  const column = columns.find((c) => c.key === sort?.key);
  const rows = takes.map((t, i) => ({ take: t, letter: LETTERS[i] ?? String(i + 1) }));
  if (column && sort) {
    rows.sort((x, y) => {
      const p = column.value(x.take);
      const q = column.value(y.take);
      if (p === null || q === null) return p === q ? 0 : p === null ? 1 : -1;
      return sort.desc ? q - p : p - q;
    });
  }
  // The do-nothing baseline's reference figures (the same for every take of the shot).
  const baseline = takes.find((t) => t.metrics?.staticBaseline)?.metrics?.staticBaseline ?? null;
  return (
    <table className="compare-metrics small" data-testid="compare-metrics">
      <thead>
        <tr>
          <th scope="col">Take</th>
          {columns.map((c) => (
            <th key={c.key} scope="col" aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button
                type="button"
                className="link-button"
                onClick={() => setSort({ key: c.key, desc: sort?.key === c.key ? !sort.desc : c.higherIsBetter })}
              >
                {c.label}
                {sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
              </button>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(({ take, letter }) => (
          <tr key={take.id} data-take-id={take.id}>
            <th scope="row">
              <b>{letter}</b> {take.name}
            </th>
            {columns.map((c) => (
              <td key={c.key}>{c.fmt(c.value(take))}</td>
            ))}
          </tr>
        ))}
        {groundTruth && baseline ? (
          <tr className="muted">
            <th scope="row">Static (do nothing)</th>
            {columns.map((c) => (
              <td key={c.key}>
                {c.key === 'psnr'
                  ? fmtDb(baseline.psnr)
                  : c.key === 'ssim'
                    ? fmtSsim(baseline.ssim)
                    : c.key === 'regionPsnr'
                      ? fmtDb(baseline.regionPsnr)
                      : c.key === 'flicker'
                        ? fmtMad(baseline.flicker)
                        : ''}
              </td>
            ))}
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
