import { useEffect, useState } from 'react';
import type { TakeView } from '../../../shared/api/contract';
import { api } from '../api';
import { useStudio } from '../state/studio-store';
import { BASELINE_LABEL, duration, phaseText } from './labels';
import type { LiveProgress } from './takes-store';

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

/** One take: what it was made with, where it stands, and Cancel or Retry. Clicking a done take plays it. */
export function TakeCard({
  take,
  progress,
  selected,
  onSelect,
}: {
  take: TakeView;
  progress: LiveProgress | undefined;
  selected: boolean;
  onSelect: () => void;
}) {
  const toast = useStudio((s) => s.toast);
  const [acting, setActing] = useState(false);
  const { status, params } = take;
  const done = status === 'done';

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

  return (
    <li
      className={`take-card${selected ? ' selected' : ''}`}
      data-testid="take-card"
      data-status={status}
      data-take-id={take.id}
      aria-current={selected ? 'true' : undefined}
    >
      <button
        type="button"
        className="take-main"
        disabled={!done}
        onClick={onSelect}
        title={done ? 'Play this take beside its conditioning' : undefined}
      >
        <span className="take-title">
          <TakeName name={take.name} />
          <span className={`take-status ${status}`}>{status}</span>
        </span>
        <span className="take-model">
          <span>{take.model.name}</span>
          {take.model.baseline ? (
            <span className="badge baseline" title={BASELINE_LABEL}>
              baseline
            </span>
          ) : null}
        </span>
        {take.model.baseline ? <span className="take-baseline small">{BASELINE_LABEL}</span> : null}
        <span className="small muted">
          seed {params.seed} · {params.steps} step{params.steps === 1 ? '' : 's'} · guidance {params.guidance} ·{' '}
          {take.providerUsed ? `ran on ${take.providerUsed}` : `provider ${params.provider}`}
        </span>
      </button>
      {status === 'running' || status === 'queued' ? <TakeProgressLine take={take} progress={progress} /> : null}
      {take.providerNotice ? (
        <div className="take-warning small" role="note">
          ⚠ {take.providerNotice}
        </div>
      ) : null}
      {done && take.timings.totalMs !== null ? (
        <span className="small muted">
          Done in {duration(take.timings.totalMs)}
          {take.output ? ` · ${take.output.width}×${take.output.height}, ${take.output.frames} frames` : ''}
        </span>
      ) : null}
      {status === 'failed' && take.message ? <div className="take-error small">{take.message}</div> : null}
      {(status === 'cancelled' || status === 'queued') && take.message ? <span className="small muted">{take.message}</span> : null}
      {status === 'queued' || status === 'running' ? (
        <div className="take-actions">
          <button type="button" className="small-button danger" disabled={acting} onClick={() => void act('takes.cancel')}>
            Cancel
          </button>
        </div>
      ) : status === 'failed' || status === 'cancelled' ? (
        <div className="take-actions">
          <button type="button" className="small-button" disabled={acting} onClick={() => void act('takes.retry')}>
            Retry
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** "<shot name> take N": the shot name gives way (ellipsis) before the take number does. */
export function TakeName({ name }: { name: string }) {
  const m = /^(.*\S)\s+(take \d+)$/.exec(name);
  return (
    <span className="take-name" title={name}>
      <span className="take-name-head">{m ? m[1] : name}</span>
      {/* The space keeps the text whole for copy and screen readers; flex drops it from the layout (gap spaces it). */}
      {m ? ' ' : null}
      {m ? <span className="take-name-tail">{m[2]}</span> : null}
    </span>
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
  const after = progress?.phase === 'decode' || progress?.phase === 'write';
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
