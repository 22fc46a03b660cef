import { ConditioningPanel } from '../conditioning/ConditioningPanel';
import { useStudio } from '../state/studio-store';

/** Takes of the current shot. Empty until generation lands; the empty state says what comes next. */
export function ShotBinPanel() {
  const project = useStudio((s) => s.project);
  return (
    <aside className="panel shot-bin" aria-label="Shot bin">
      <div className="panel-header">
        <span>Shot bin</span>
      </div>
      {project ? <ConditioningPanel /> : null}
      <div className="empty-state">
        {project ? (
          <>
            <strong>No takes yet</strong>
            <span>
              Generated takes of the current shot appear here to review and compare. Generation is not available in this build yet.
            </span>
          </>
        ) : (
          <span>Open or create a project to see its takes.</span>
        )}
      </div>
    </aside>
  );
}
