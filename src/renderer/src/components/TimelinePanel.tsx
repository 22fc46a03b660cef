import { useStudio } from '../state/studio-store';

/** Camera and hand tracks of the current shot. The shell shows the shot format; keyframing lands next. */
export function TimelinePanel() {
  const project = useStudio((s) => s.project);
  const defaults = project?.document.shotDefaults;
  return (
    <section className="panel timeline" aria-label="Timeline">
      <div className="panel-header">
        <span>Timeline</span>
        {defaults ? (
          <span className="muted small" data-testid="shot-format">
            {defaults.frames} frames · {defaults.fps} fps · {defaults.width}×{defaults.height}
          </span>
        ) : null}
      </div>
      <div className="empty-state">
        {project ? (
          <>
            <strong>No shot yet</strong>
            <span>
              A shot keys the egocentric camera and both hands over {defaults?.frames ?? 49} frames. Keyframing is not available in this
              build yet.
            </span>
          </>
        ) : (
          <span>Open or create a project to edit its shots.</span>
        )}
      </div>
    </section>
  );
}
