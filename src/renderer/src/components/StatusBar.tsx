import { effectiveModel, specLabel, useModels } from '../generation/models-store';
import { useStudio } from '../state/studio-store';

function savedLabel(dirty: boolean, saving: boolean, savedAt: string | null, error: string | null): string {
  if (error) return 'Save failed';
  if (saving) return 'Saving…';
  if (dirty) return 'Unsaved changes';
  if (!savedAt) return 'Not saved yet';
  return `Saved ${new Date(savedAt).toLocaleTimeString()}`;
}

/** Project, save state, model and inference device at a glance. */
export function StatusBar() {
  const project = useStudio((s) => s.project);
  const status = useStudio((s) => s.status);
  const info = useStudio((s) => s.info);
  const settings = useStudio((s) => s.settings);
  const connected = useStudio((s) => s.connected);
  // The model chosen for generation once the list is loaded (it sets the conditioning spec); the default until then.
  const chosen = useModels((s) => effectiveModel(s.list, s.chosenId));
  const model = chosen ?? info?.models[0] ?? null;
  const gpu = info?.inferenceBackends.find((b) => b.available && b.name !== 'cpu' && b.name !== 'webgpu');
  const device =
    settings?.executionProvider && settings.executionProvider !== 'auto'
      ? settings.executionProvider.toUpperCase()
      : gpu
        ? `Auto (${gpu.name.toUpperCase()})`
        : 'Auto (CPU)';
  const saveError = status?.dir === project?.dir ? (status?.error ?? null) : null;
  return (
    <footer className="statusbar">
      <span className="status-item" title={project?.dir}>
        {project ? `Project: ${project.dir}` : 'No project'}
      </span>
      {project ? (
        <span className={`status-item ${saveError ? 'error' : ''}`} data-testid="save-state" title={saveError ?? undefined}>
          {savedLabel(project.dirty, status?.saving ?? false, project.savedAt, saveError)}
        </span>
      ) : null}
      <span className="spacer" />
      {!connected ? <span className="status-item error">Disconnected from the studio host; reconnecting…</span> : null}
      <span
        className="status-item"
        title={chosen ? `The model chosen for generation: ${specLabel(chosen.conditioning)}` : 'The default model'}
      >
        Model: {model ? `${model.name}${model.baseline ? ' (baseline, no learned dynamics)' : ''}` : 'none installed'}
      </span>
      <span
        className="status-item"
        title={`Runtimes in this install: ${info?.inferenceBackends.map((b) => `${b.name}${b.available ? '' : ' (missing)'}`).join(', ')}`}
      >
        Device: {device}
      </span>
      <span className="status-item muted">{info ? `${info.transport === 'web' ? 'Web host' : 'Desktop'} · v${info.version}` : ''}</span>
    </footer>
  );
}
