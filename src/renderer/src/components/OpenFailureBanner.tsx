import { useStudio } from '../state/studio-store';

/** Why a project did not open, naming the file and the field, with the way out. */
export function OpenFailureBanner() {
  const failure = useStudio((s) => s.openFailure);
  const dismiss = useStudio((s) => s.dismissOpenFailure);
  const openProject = useStudio((s) => s.openProject);
  if (!failure) return null;
  return (
    <div className="banner error" role="alert" data-testid="open-error">
      <div className="banner-text">
        <strong>The project could not be opened.</strong>
        <span>{failure.message}</span>
        {failure.field ? (
          <span className="muted small">
            Field: <code>{failure.field}</code>
          </span>
        ) : null}
      </div>
      <div className="banner-actions">
        {failure.recovery?.includes('openBackup') ? (
          <button
            type="button"
            onClick={() => void openProject(failure.dir, true)}
            title="Open project.json.bak, the last version that was saved without errors"
          >
            Open last good version
          </button>
        ) : null}
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
