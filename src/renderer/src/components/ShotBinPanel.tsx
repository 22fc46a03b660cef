import { ConditioningPanel } from '../conditioning/ConditioningPanel';
import { GeneratePanel } from '../generation/GeneratePanel';
import { TakeList } from '../generation/TakeList';
import { TakePlayer } from '../generation/TakePlayer';
import { useTakes, useTakesSync } from '../generation/takes-store';
import { useStudio } from '../state/studio-store';
import { activeShot } from '../timeline/timeline-actions';

/** The active shot's conditioning, the Generate form, the selected take's player and the shot's takes. */
export function ShotBinPanel() {
  const project = useStudio((s) => s.project);
  const shot = useStudio((s) => activeShot(s.project?.document));
  useTakesSync(project?.dir ?? null, shot?.id ?? null);
  const selected = useTakes((s) => s.takes.find((t) => t.id === s.selectedId && t.status === 'done') ?? null);
  const select = useTakes((s) => s.select);
  const renders = useTakes((s) => s.renders);
  return (
    <aside className="panel shot-bin" aria-label="Shot bin">
      <div className="panel-header">
        <span>Shot bin</span>
      </div>
      {project && shot ? (
        <div className="shot-bin-body">
          {/* It reads the latest render when it mounts: a render Generate made remounts it to show that one. */}
          <ConditioningPanel key={renders} />
          <GeneratePanel shot={shot} />
          {selected ? <TakePlayer key={selected.id} take={selected} shot={shot} onClose={() => select(null)} /> : null}
          <TakeList />
        </div>
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
