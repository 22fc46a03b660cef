import { memo, useEffect, useRef, useState } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import type { TakeView } from '../../../shared/api/contract';
import { api } from '../api';
import { mediaUrl } from '../scene/media-url';
import { useStudio } from '../state/studio-store';
import { figures, fmtDb, fmtMad, fmtSsim, withStatic } from './bin-view';
import { BASELINE_LABEL, duration, phaseText } from './labels';
import { TakeName } from './TakeName';
import { TakePlayer } from './TakePlayer';
import { type LiveProgress, type ReviewPatch, useTakes } from './takes-store';

/** Re-render every `ms` while `active`, so elapsed and ETA count between progress events. */
function useNow(active: boolean, ms = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return active ? now : Date.now();
}

/** A field where keys type text (a checkbox or a button is not one: the card's keys work there). */
export function isTyping(el: EventTarget | null): boolean {
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'range', 'submit', 'reset'].includes(el.type);
}

/** How a click on a card was meant: plain, Ctrl/Cmd (toggle in the selection) or Shift (range). */
export type PickMode = 'toggle' | 'range';

export interface TakeCardProps {
  take: TakeView;
  progress: LiveProgress | undefined;
  /** Shown in the player. */
  playing: boolean;
  /** Ticked, for compare and bulk delete. */
  checked: boolean;
  /** The shot has a ground-truth video: the reference figures are shown. */
  groundTruth: boolean;
  /** The list's: a click with Ctrl/Cmd or Shift, or the checkbox. */
  onPick: (takeId: string, mode: PickMode) => void;
  /** The list's: deletes the selection when this card is in it, else this card. */
  onDelete: (takeId: string) => void;
  /** The list's: focus the card above (-1) or below (+1). */
  onMove: (takeId: string, delta: number) => void;
  /** Given to the card in the player only (the player needs the shot's frames, fps and ground truth). */
  shot?: Shot | undefined;
  /** The windowing's measuring ref. */
  measureRef?: ((el: HTMLElement | null) => void) | undefined;
}

/**
 * One take: poster (animated on hover), what it was made with, where it stands, review
 * (stars, flag, tags, note, name), its figures, and its actions. Focused, it takes keys:
 * 0-5 rate, F flag, Delete deletes, Enter plays, Space ticks, F2 renames, ↑ ↓ move.
 */
export const TakeCard = memo(function TakeCard({
  take,
  progress,
  playing,
  checked,
  groundTruth,
  onPick,
  onDelete,
  onMove,
  shot,
  measureRef,
}: TakeCardProps) {
  const toast = useStudio((s) => s.toast);
  const nativeDialogs = useStudio((s) => s.info?.nativeDialogs ?? false);
  const [acting, setActing] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const { status, params } = take;
  const done = status === 'done';
  const active = status === 'running' || status === 'queued';
  const review = (patch: ReviewPatch) => void useTakes.getState().review(take.id, patch);
  const rate = (n: number) => review({ rating: n });
  const play = () => useTakes.getState().select(playing ? null : take.id);

  const act = async (call: 'takes.cancel' | 'takes.retry') => {
    setActing(true);
    try {
      // The new state arrives as a take.updated event; the answer itself adds nothing.
      await api.invoke(call, { takeId: take.id });
    } catch (err) {
      toast('error', (err as Error).message);
    } finally {
      setActing(false);
    }
  };
  const rerun = async (newSeed: boolean) => {
    setActing(true);
    try {
      await useTakes.getState().rerun(take.id, newSeed ? nextFreeSeed(take) : undefined);
    } finally {
      setActing(false);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLLIElement>) => {
    if (isTyping(e.target) || e.altKey) return;
    const mod = e.ctrlKey || e.metaKey;
    const onCard = e.target === e.currentTarget;
    let handled = true;
    if (!mod && /^[0-5]$/.test(e.key)) rate(Number(e.key));
    else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) onDelete(take.id);
    else if (!mod && e.key.toLowerCase() === 'f') review({ flagged: !take.review.flagged });
    else if (!mod && e.key === 'ArrowDown') onMove(take.id, 1);
    else if (!mod && e.key === 'ArrowUp') onMove(take.id, -1);
    else if (!mod && e.key === 'F2') setRenaming(true);
    else if (onCard && !mod && e.key === 'Enter' && done) play();
    else if (onCard && !mod && e.key === ' ') onPick(take.id, 'toggle');
    else handled = false;
    if (!handled) return;
    e.preventDefault();
    // The timeline and viewport listen on window (Delete deletes keys there, F frames the view).
    e.stopPropagation();
  };
  // Ctrl/Cmd-click anywhere on the card ticks it, Shift-click ticks a range; neither presses the button under the pointer.
  const onClickCapture = (e: React.MouseEvent) => {
    if (!(e.ctrlKey || e.metaKey || e.shiftKey) || isTyping(e.target)) return;
    e.preventDefault();
    e.stopPropagation();
    onPick(take.id, e.shiftKey ? 'range' : 'toggle');
  };

  return (
    <li
      ref={measureRef}
      className={`take-card${playing ? ' selected' : ''}${checked ? ' checked' : ''}`}
      data-testid="take-card"
      data-status={status}
      data-take-id={take.id}
      data-rating={take.review.rating}
      aria-current={playing ? 'true' : undefined}
      aria-label={take.name}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the card takes focus so its keys (0-5, F, Delete, ↑ ↓) work; each action is also a button.
      tabIndex={0}
      onKeyDown={onKeyDown}
      onClickCapture={onClickCapture}
    >
      <div className="take-title">
        <input
          type="checkbox"
          className="take-check"
          checked={checked}
          onChange={() => onPick(take.id, 'toggle')}
          aria-label={`Select ${take.name}`}
          title="Select for compare or delete (Ctrl-click a card, Shift-click a range)"
        />
        {renaming ? (
          <RenameField take={take} onDone={() => setRenaming(false)} />
        ) : (
          <>
            {/* biome-ignore lint/a11y/noStaticElementInteractions: double-click renames, as F2 and the ✎ button do. */}
            <span className="take-name-wrap" onDoubleClick={() => setRenaming(true)}>
              <TakeName name={take.name} />
            </span>
            <button
              type="button"
              className="take-icon"
              aria-label="Rename"
              title="Rename (F2, or double-click the name)"
              onClick={() => setRenaming(true)}
            >
              ✎
            </button>
          </>
        )}
        <span className={`take-status ${status}`}>{status}</span>
      </div>
      <div className="take-head">
        <PosterButton take={take} playing={playing} />
        <span className="take-head-text">
          <span className="take-model">
            <span className="take-model-name">{take.model.name}</span>
            {take.model.baseline ? (
              <span className="badge baseline" title={BASELINE_LABEL}>
                baseline
              </span>
            ) : null}
          </span>
          <span className="small muted take-params">
            seed {params.seed} · {params.steps} step{params.steps === 1 ? '' : 's'} · guidance {params.guidance} ·{' '}
            {take.providerUsed ? `ran on ${take.providerUsed}` : `provider ${params.provider}`}
          </span>
          {done && take.timings.totalMs !== null ? (
            <span className="small muted">
              Done in {duration(take.timings.totalMs)}
              {take.output ? ` · ${take.output.width}×${take.output.height}, ${take.output.frames} frames` : ''}
              {take.rerunOf ? ' · re-run' : ''}
            </span>
          ) : null}
        </span>
      </div>
      {playing && done && shot ? <TakePlayer take={take} shot={shot} onClose={() => useTakes.getState().select(null)} /> : null}
      {take.model.baseline ? <span className="take-baseline small">{BASELINE_LABEL}</span> : null}
      {active ? <TakeProgressLine take={take} progress={progress} /> : null}
      {take.providerNotice ? (
        <div className="take-warning small" role="note">
          ⚠ {take.providerNotice}
        </div>
      ) : null}
      {status === 'failed' && take.message ? <div className="take-error small">{take.message}</div> : null}
      {(status === 'cancelled' || status === 'queued') && take.message ? <span className="small muted">{take.message}</span> : null}
      <div className="take-review">
        <Stars rating={take.review.rating} onRate={rate} name={take.name} />
        <button
          type="button"
          className={`take-flag${take.review.flagged ? ' on' : ''}`}
          aria-pressed={take.review.flagged}
          aria-label="Flag"
          title={take.review.flagged ? 'Flagged (F)' : 'Flag this take (F)'}
          onClick={() => review({ flagged: !take.review.flagged })}
        >
          ⚑
        </button>
      </div>
      {done ? <MetricsList take={take} groundTruth={groundTruth} /> : null}
      <Tags take={take} onChange={(tags) => review({ tags })} />
      <Note take={take} onSave={(note) => review({ note })} />
      <div className="take-actions">
        {active ? (
          <button type="button" className="small-button danger" disabled={acting} onClick={() => void act('takes.cancel')}>
            Cancel
          </button>
        ) : null}
        {status === 'failed' || status === 'cancelled' ? (
          <button type="button" className="small-button" disabled={acting} onClick={() => void act('takes.retry')}>
            Retry
          </button>
        ) : null}
        {!active ? (
          <>
            <button
              type="button"
              className="small-button"
              disabled={acting}
              onClick={() => void rerun(false)}
              title={`A new take with these settings and seed ${params.seed}`}
            >
              Re-run
            </button>
            <button
              type="button"
              className="small-button"
              disabled={acting}
              onClick={() => void rerun(true)}
              title="A new take with these settings and the next unused seed"
            >
              New seed
            </button>
          </>
        ) : null}
        <button
          type="button"
          className="small-button"
          onClick={() => useTakes.getState().useSettings(take)}
          title="Fill the Generate form with this take's model, prompt, seed, steps, guidance and device"
        >
          Use settings
        </button>
        {status === 'done' ? (
          nativeDialogs ? (
            <button
              type="button"
              className="small-button"
              onClick={() => void api.invoke('takes.reveal', { takeId: take.id }).catch((err: Error) => toast('error', err.message))}
              title="Show the video in the file manager"
            >
              Reveal
            </button>
          ) : (
            <a
              className="small-button"
              href={mediaUrl(take.paths.video)}
              download={`${take.name}.mp4`}
              title="Download the generated video"
            >
              Download
            </a>
          )
        ) : null}
        <button
          type="button"
          className="small-button danger"
          disabled={status === 'running'}
          onClick={() => onDelete(take.id)}
          title={
            status === 'running' ? 'Cancel the take before deleting it' : 'Move to the project trash (Delete; Ctrl+Z in the bin undoes)'
          }
        >
          Delete
        </button>
      </div>
    </li>
  );
});

/** The next seed no take of this shot used yet, after this take's. */
function nextFreeSeed(take: TakeView): number {
  const used = new Set(useTakes.getState().takes.map((t) => t.params.seed));
  let seed = take.params.seed;
  do seed = (seed + 1) % 0x100000000;
  while (used.has(seed) && seed !== take.params.seed);
  return seed;
}

/** The poster frame (the animated preview while the pointer is over it); pressing it plays the take. Lazy: nothing is fetched until the card is on screen. */
function PosterButton({ take, playing }: { take: TakeView; playing: boolean }) {
  const [hover, setHover] = useState(false);
  const { poster, preview } = take.paths;
  const v = `?v=${take.attempts}`;
  const src = hover && preview ? mediaUrl(preview) + v : poster ? mediaUrl(poster) + v : null;
  const done = take.status === 'done';
  return (
    <button
      type="button"
      className="take-main take-thumb"
      disabled={!done}
      onClick={() => useTakes.getState().select(playing ? null : take.id)}
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
      aria-label={playing ? `Close the player of ${take.name}` : `Play ${take.name}`}
      title={done ? (playing ? 'Close the player' : 'Play this take beside its conditioning (Enter)') : undefined}
      data-testid="take-thumb"
      data-hover={hover ? 'true' : undefined}
    >
      {src ? <img src={src} alt="" loading="lazy" decoding="async" width={96} height={64} /> : <span className="take-thumb-empty" />}
      {done ? <span className="take-thumb-play">{playing ? '■' : '▶'}</span> : null}
    </button>
  );
}

function Stars({ rating, onRate, name }: { rating: number; onRate: (n: number) => void; name: string }) {
  return (
    <fieldset className="take-stars" aria-label={`Rating of ${name}: ${rating} of 5`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          className={n <= rating ? 'on' : undefined}
          aria-label={`${n} star${n === 1 ? '' : 's'}`}
          aria-pressed={n === rating}
          title={n === rating ? 'Clear the rating (0)' : `Rate ${n} (key ${n})`}
          // Clicking the rating given clears it.
          onClick={() => onRate(n === rating ? 0 : n)}
        >
          ★
        </button>
      ))}
    </fieldset>
  );
}

/** The figures: against the ground truth (each beside the do-nothing static baseline's) when there is one, then consistency and flicker. */
function MetricsList({ take, groundTruth }: { take: TakeView; groundTruth: boolean }) {
  const rows: [string, string, string][] = [];
  if (groundTruth) {
    rows.push(
      [
        'PSNR',
        withStatic(figures.psnr(take), figures.staticPsnr(take), fmtDb),
        'Against the ground truth; beside it, the static video (do nothing) scored the same way',
      ],
      [
        'SSIM',
        withStatic(figures.ssim(take), figures.staticSsim(take), fmtSsim),
        'Against the ground truth; beside it, the static baseline',
      ],
      [
        'Region PSNR',
        withStatic(figures.regionPsnr(take), figures.staticRegionPsnr(take), fmtDb),
        'Where the hands are and the world changed; beside it, the static baseline',
      ],
    );
  }
  rows.push(
    ['Consistency', fmtDb(figures.consistency(take)), 'PSNR against the static video outside the interaction region (100 dB: untouched)'],
    ['Flicker', fmtMad(figures.flicker(take)), 'Mean absolute change between consecutive frames (0-255)'],
  );
  return (
    <dl
      className="take-metrics small"
      data-testid="take-metrics"
      data-computed={take.metrics ? 'true' : 'false'}
      title={take.metrics ? undefined : 'Not computed yet'}
    >
      {rows.map(([label, value, title]) => (
        <div key={label} title={title}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function RenameField({ take, onDone }: { take: TakeView; onDone: () => void }) {
  const [name, setName] = useState(take.name);
  const finished = useRef(false);
  const commit = () => {
    if (finished.current) return;
    finished.current = true;
    const trimmed = name.trim();
    if (trimmed && trimmed !== take.name) void useTakes.getState().review(take.id, { name: trimmed });
    onDone();
  };
  return (
    <input
      // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to rename.
      autoFocus
      className="take-rename"
      aria-label="Take name"
      value={name}
      maxLength={200}
      onChange={(e) => setName(e.target.value)}
      onFocus={(e) => e.currentTarget.select()}
      onBlur={commit}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') commit();
        else if (e.key === 'Escape') {
          finished.current = true;
          onDone();
        }
      }}
    />
  );
}

function Tags({ take, onChange }: { take: TakeView; onChange: (tags: string[]) => void }) {
  const [text, setText] = useState('');
  const tags = take.review.tags;
  const add = () => {
    const added = text
      .split(',')
      .map((t) => t.trim().slice(0, 40))
      .filter((t) => t && !tags.includes(t));
    setText('');
    if (added.length) onChange([...tags, ...added].slice(0, 20));
  };
  return (
    <div className="take-tags" data-testid="take-tags">
      {tags.map((tag) => (
        <span key={tag} className="tag-chip">
          {tag}
          <button type="button" aria-label={`Remove tag ${tag}`} onClick={() => onChange(tags.filter((t) => t !== tag))}>
            ×
          </button>
        </span>
      ))}
      <input
        className="tag-input"
        aria-label="Add a tag"
        placeholder="+ tag"
        value={text}
        maxLength={80}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text.trim() && add()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          } else if (e.key === 'Backspace' && text === '' && tags.length) onChange(tags.slice(0, -1));
        }}
      />
    </div>
  );
}

function Note({ take, onSave }: { take: TakeView; onSave: (note: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const note = take.review.note;
  const save = () => {
    if (text !== null && text !== note) onSave(text);
    setText(null);
  };
  return (
    <details className="take-note">
      <summary className="small">
        Note{note ? <span className="muted">: {note.length > 40 ? `${note.slice(0, 40)}…` : note}</span> : null}
      </summary>
      <textarea
        aria-label={`Note on ${take.name}`}
        rows={3}
        maxLength={4000}
        value={text ?? note}
        placeholder="What works, what does not"
        onChange={(e) => setText(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') save();
        }}
      />
    </details>
  );
}

/** The phase (or step i of N), a bar, elapsed and ETA; counted on locally between events. */
function TakeProgressLine({ take, progress }: { take: TakeView; progress: LiveProgress | undefined }) {
  const running = take.status === 'running';
  const now = useNow(running);
  if (!running) {
    return (
      <div className="take-progress" data-testid="take-progress">
        <span className="small muted">Queued</span>
      </div>
    );
  }
  const since = progress ? now - progress.receivedAt : 0;
  const elapsed = progress ? progress.elapsedMs + since : take.timings.startedAt ? now - Date.parse(take.timings.startedAt) : 0;
  const eta = progress?.etaMs != null ? Math.max(0, progress.etaMs - since) : null;
  const denoising = progress?.phase === 'denoise';
  const after = progress?.phase === 'decode' || progress?.phase === 'write' || progress?.phase === 'metrics';
  return (
    <div className="take-progress" data-testid="take-progress">
      {/* No value before denoising: an indeterminate bar, as nothing there is counted in steps. */}
      {denoising || after ? (
        <progress max={progress.steps || 1} value={after ? progress.steps : progress.step} aria-label="Generation progress" />
      ) : (
        <progress aria-label="Generation progress" />
      )}
      <span className="take-progress-text small">
        <span data-testid="take-phase">{progress ? phaseText(progress) : 'Starting'}</span>
        <span className="muted">
          {duration(elapsed)} elapsed{eta !== null && denoising ? ` · about ${duration(eta)} left` : ''}
        </span>
      </span>
    </div>
  );
}
