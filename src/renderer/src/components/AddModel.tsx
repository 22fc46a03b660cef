import { useId, useState } from 'react';
import { api } from '../api';
import { type AddOutcome, specLabel, useModels } from '../generation/models-store';
import { useStudio } from '../state/studio-store';

/**
 * "Add model…": point at a model bundle folder, have it checked (manifest, files, each graph's
 * inputs and outputs, without loading weights) and added to the model folders. The desktop
 * app opens the folder picker; the web host cannot browse the server's disk, so it asks for
 * the path as text, as Settings › Models does for folders. A refused bundle shows every
 * problem, each naming its file; an added one is chosen for generation.
 *
 * Renders a button and, below it, the path form or the outcome: two siblings, so a grid or a
 * wrapping row can give the second the full width (class add-model-panel).
 */
export function AddModel() {
  const info = useStudio((s) => s.info);
  const toast = useStudio((s) => s.toast);
  const add = useModels((s) => s.add);
  const [typing, setTyping] = useState(false);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<AddOutcome | null>(null);
  const pathId = useId();

  const submit = async (dir: string) => {
    const trimmed = dir.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      const result = await add(trimmed);
      setOutcome(result);
      if (result.ok) {
        setTyping(false);
        setPath('');
        toast(
          'info',
          result.added ? `Added the model "${result.model.name}"` : `"${result.model.name}" is installed already; it is now chosen`,
        );
      }
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    setOutcome(null);
    if (!info?.nativeDialogs) {
      setTyping((t) => !t);
      return;
    }
    const picked = await api.invoke('dialog.pickFolder', { title: 'Model bundle folder', purpose: 'open' }).catch((err: Error) => {
      toast('error', err.message);
      return { path: null };
    });
    if (picked.path) await submit(picked.path);
  };

  return (
    <>
      <button
        type="button"
        className="small-button add-model-button"
        onClick={() => void start()}
        disabled={busy}
        aria-expanded={info?.nativeDialogs ? undefined : typing}
        title="Add a model bundle folder (a folder with a manifest.json and its ONNX graphs)"
      >
        Add model…
      </button>
      {typing || busy || outcome ? (
        <div className="add-model-panel" data-testid="add-model">
          {typing ? (
            <form
              className="add-model-form"
              onSubmit={(e) => {
                e.preventDefault();
                void submit(path);
              }}
            >
              <label htmlFor={pathId}>Model bundle folder (a path on the machine running the studio)</label>
              <span className="add-model-row">
                <input
                  id={pathId}
                  value={path}
                  spellCheck={false}
                  placeholder="/path/to/my-model"
                  // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to type a path.
                  autoFocus
                  onChange={(e) => setPath(e.target.value)}
                />
                <button type="submit" className="small-button" disabled={!path.trim() || busy}>
                  {busy ? 'Checking…' : 'Add'}
                </button>
                <button
                  type="button"
                  className="small-button"
                  onClick={() => {
                    setTyping(false);
                    setOutcome(null);
                  }}
                >
                  Cancel
                </button>
              </span>
            </form>
          ) : null}
          {busy && !typing ? <span className="small muted">Checking the bundle…</span> : null}
          {outcome?.ok ? (
            <output className="add-model-added small" data-testid="add-model-added">
              {outcome.added ? 'Added' : 'Already installed'}: <strong>{outcome.model.name}</strong> ·{' '}
              {specLabel(outcome.model.conditioning)}
            </output>
          ) : null}
          {outcome && !outcome.ok ? (
            <div className="add-model-errors" role="alert" data-testid="add-model-errors">
              <span>
                Not added: <code>{outcome.dir}</code>
              </span>
              <ul>
                {outcome.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
