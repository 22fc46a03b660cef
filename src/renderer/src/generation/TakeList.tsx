import { TakeCard } from './TakeCard';
import { useTakes } from './takes-store';

/** The active shot's takes, newest first. */
export function TakeList() {
  const takes = useTakes((s) => s.takes);
  const progress = useTakes((s) => s.progress);
  const unreadable = useTakes((s) => s.unreadable);
  const selectedId = useTakes((s) => s.selectedId);
  const loading = useTakes((s) => s.loading);
  const select = useTakes((s) => s.select);

  return (
    <div className="takes" data-testid="takes">
      <div className="section-label">Takes{takes.length > 0 ? <span className="takes-count"> · {takes.length}</span> : null}</div>
      {unreadable.length > 0 ? (
        <div className="take-warning small" title={unreadable.map((u) => `${u.dir}: ${u.problem}`).join('\n')}>
          ⚠ {unreadable.length} take folder{unreadable.length === 1 ? '' : 's'} could not be read
        </div>
      ) : null}
      {takes.length === 0 ? (
        <span className="muted small">{loading ? 'Loading takes…' : 'No takes of this shot yet: Generate makes one.'}</span>
      ) : (
        <ul className="take-list">
          {takes.map((take) => (
            <TakeCard
              key={take.id}
              take={take}
              progress={progress[take.id]}
              selected={take.id === selectedId}
              onSelect={() => select(take.id === selectedId ? null : take.id)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
