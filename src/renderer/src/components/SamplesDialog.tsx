import { useId, useState } from 'react';
import { api } from '../api';
import { useStudio } from '../state/studio-store';
import { Dialog } from './Dialog';

/** Import a folder in the DWM reference sample layout: one shot per sample, conditioning from its videos. */
export function SamplesDialog() {
  const info = useStudio((s) => s.info);
  const busy = useStudio((s) => s.busy);
  const setDialog = useStudio((s) => s.setDialog);
  const importSamples = useStudio((s) => s.importSamples);
  const [dir, setDir] = useState('');
  const id = useId();
  return (
    <Dialog title="Import reference samples" onClose={() => !busy && setDialog(null)}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (dir.trim()) void importSamples(dir.trim());
        }}
      >
        <p className="hint">
          A folder laid out as the DWM reference code reads it: videos_static/&lt;id&gt;.mp4, videos_hands/&lt;id&gt;.mp4, prompts_rewrite/
          or prompts/&lt;id&gt;.txt, and optionally videos/&lt;id&gt;.mp4 as ground truth. Every video must match the model (49 frames,
          720×480, 8 fps); if one does not, nothing is imported and the message names it.
        </p>
        <label htmlFor={id}>
          Folder
          <span className="row">
            <input
              id={id}
              value={dir}
              spellCheck={false}
              autoFocus
              placeholder="/path/to/realworld"
              onChange={(e) => setDir(e.target.value)}
            />
            {info?.nativeDialogs ? (
              <button
                type="button"
                onClick={async () => {
                  const picked = await api.invoke('dialog.pickFolder', { title: 'Reference samples folder', purpose: 'open' });
                  if (picked.path) setDir(picked.path);
                }}
              >
                Browse…
              </button>
            ) : null}
          </span>
        </label>
        {busy ? <div className="progress">Checking and copying the videos…</div> : null}
        <div className="actions">
          <button type="button" onClick={() => setDialog(null)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !dir.trim()}>
            Import samples
          </button>
        </div>
      </form>
    </Dialog>
  );
}
