import { useEffect, useMemo, useRef, useState } from 'react';
import { ConditioningPanel } from '../conditioning/ConditioningPanel';
import { CompareView } from '../generation/CompareView';
import { GeneratePanel } from '../generation/GeneratePanel';
import { isTyping } from '../generation/TakeCard';
import { TakeList } from '../generation/TakeList';
import { useTakes, useTakesSync } from '../generation/takes-store';
import { useStudio } from '../state/studio-store';
import { activeShot } from '../timeline/timeline-actions';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const UNDO_KEY = isMac ? '⌘Z' : 'Ctrl+Z';
/** How long the "Deleted … Undo" banner stays (the undo itself stays available in the bin). */
const BANNER_MS = 12_000;

/**
 * The active shot's conditioning, the Generate form and the shot's takes (the selected one
 * playing in its card); the compare view of the ticked takes. Ctrl/Cmd+Z with focus in the bin
 * restores the last deleted takes (elsewhere it stays the document's undo).
 */
export function ShotBinPanel() {
  const project = useStudio((s) => s.project);
  const shot = useStudio((s) => activeShot(s.project?.document));
  useTakesSync(project?.dir ?? null, shot?.id ?? null);
  const takes = useTakes((s) => s.takes);
  const compareIds = useTakes((s) => s.compareIds);
  const renders = useTakes((s) => s.renders);
  const scrollRef = useRef<HTMLDivElement>(null);
  const compared = useMemo(
    () => (compareIds ?? []).flatMap((id) => takes.filter((t) => t.id === id && t.status === 'done')),
    [compareIds, takes],
  );

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z' || isTyping(e.target)) return;
    if (useTakes.getState().deletions.length === 0) return;
    // The bin's undo, not the document's (use-shortcuts listens on window).
    e.preventDefault();
    e.stopPropagation();
    void useTakes.getState().undoDelete();
  };

  return (
    <aside className="panel shot-bin" aria-label="Shot bin" onKeyDown={onKeyDown}>
      <div className="panel-header">
        <span>Shot bin</span>
      </div>
      {project && shot ? (
        <>
          <div className="shot-bin-body" ref={scrollRef}>
            {/* It reads the latest render when it mounts: a render Generate made remounts it to show that one. */}
            <ConditioningPanel key={renders} />
            <GeneratePanel shot={shot} />
            {/* The selected take plays inside its card, where it was clicked. */}
            <TakeList scrollRef={scrollRef} shot={shot} />
          </div>
          <UndoBanner />
          {compared.length > 0 ? <CompareView takes={compared} shot={shot} onClose={() => useTakes.getState().closeCompare()} /> : null}
        </>
      ) : (
        <div className="empty-state">
          {project ? (
            <>
              <strong>No shot yet</strong>
              <span>Create a shot in the timeline; its conditioning, takes and generation appear here.</span>
            </>
          ) : (
            <span>Open or create a project to see its takes.</span>
          )}
        </div>
      )}
    </aside>
  );
}

/** "Deleted N takes — Undo" after each delete, for a while; Undo and Ctrl+Z in the bin restore them. */
function UndoBanner() {
  const last = useTakes((s) => s.deletions.at(-1) ?? null);
  const [hidden, setHidden] = useState<number | null>(null);
  useEffect(() => {
    if (!last) return;
    const timer = setTimeout(() => setHidden(last.seq), BANNER_MS);
    return () => clearTimeout(timer);
  }, [last]);
  if (!last || hidden === last.seq) return null;
  const n = last.ids.length;
  return (
    <div className="undo-banner" role="status" data-testid="undo-banner">
      <span title="Moved to the project's trash (.trash/takes)">
        Deleted {n} take{n === 1 ? '' : 's'}
      </span>
      <span className="spacer" />
      <button
        type="button"
        className="small-button"
        onClick={() => void useTakes.getState().undoDelete()}
        title={`Restore them (${UNDO_KEY})`}
      >
        Undo
      </button>
      <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setHidden(last.seq)}>
        ×
      </button>
    </div>
  );
}
