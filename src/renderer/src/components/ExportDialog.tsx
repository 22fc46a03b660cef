import { useEffect, useId, useRef, useState } from 'react';
import type { CallInput } from '../../../shared/api/contract';
import { api } from '../api';
import { useStudio } from '../state/studio-store';
import { activeShot } from '../timeline/timeline-actions';
import { Dialog } from './Dialog';

type Format = CallInput<'export.takes'>['format'];
type Scope = 'selected' | 'shot' | 'project';

const FORMATS: { value: Format; label: string; hint: string }[] = [
  {
    value: 'lerobot',
    label: 'LeRobot dataset (v3.0)',
    hint: 'One episode per take, the prompt as its task; videos, camera and MANO hand state and actions, stats. Loads with lerobot.',
  },
  {
    value: 'dwm',
    label: 'DWM reference layout',
    hint: 'videos/, videos_static/, videos_hands/, prompts_rewrite/ with matching ids, for the published training and inference code.',
  },
  {
    value: 'plain',
    label: 'Plain files',
    hint: 'Per take an MP4 and a JSON of camera poses (OpenCV camera-to-world), intrinsics and hand parameters.',
  },
];

/**
 * Export finished takes: the format, which takes (the bin's selection, the active shot's takes
 * with a rating or flag filter, or the whole project), and the folder; progress and cancel
 * come from the task events the export reports.
 */
export function ExportDialog({ selectedTakeIds = [] }: { selectedTakeIds?: string[] }) {
  const info = useStudio((s) => s.info);
  const shot = useStudio((s) => activeShot(s.project?.document));
  const setDialog = useStudio((s) => s.setDialog);
  const toast = useStudio((s) => s.toast);
  const [format, setFormat] = useState<Format>('lerobot');
  const [scope, setScope] = useState<Scope>(selectedTakeIds.length > 0 ? 'selected' : 'shot');
  const [minRating, setMinRating] = useState(0);
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [outDir, setOutDir] = useState('');
  const [append, setAppend] = useState(false);
  const [progress, setProgress] = useState<{ fraction: number | null; label: string } | null>(null);
  const exportId = useRef<string | null>(null);
  const ids = { format: useId(), scope: useId(), rating: useId(), out: useId() };

  useEffect(
    () =>
      api.on('task.progress', (t) => {
        if (t.id === exportId.current && !t.done) setProgress({ fraction: t.fraction, label: t.label });
      }),
    [],
  );

  const run = async () => {
    const id = crypto.randomUUID();
    exportId.current = id;
    setProgress({ fraction: 0, label: 'Starting' });
    try {
      const filter =
        scope === 'shot' && shot
          ? { shotId: shot.id, minRating, flaggedOnly }
          : scope === 'project'
            ? { minRating, flaggedOnly }
            : undefined;
      const result = await api.invoke('export.takes', {
        exportId: id,
        format,
        outDir: outDir.trim(),
        ...(scope === 'selected' ? { takeIds: selectedTakeIds } : {}),
        ...(filter ? { filter } : {}),
        append,
      });
      toast('info', `Exported ${result.takes} take${result.takes === 1 ? '' : 's'} to ${result.outDir}`);
      setDialog(null);
    } catch (err) {
      toast('error', (err as Error).message);
    } finally {
      exportId.current = null;
      setProgress(null);
    }
  };
  const busy = progress !== null;
  const chosen = FORMATS.find((f) => f.value === format);

  return (
    <Dialog title="Export takes" onClose={() => (busy ? undefined : setDialog(null))}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label htmlFor={ids.format}>
          Format
          <select id={ids.format} value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as Format)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">{chosen?.hint}</p>
        <label htmlFor={ids.scope}>
          Takes
          <select id={ids.scope} value={scope} disabled={busy} onChange={(e) => setScope(e.target.value as Scope)}>
            {selectedTakeIds.length > 0 ? <option value="selected">The {selectedTakeIds.length} selected in the shot bin</option> : null}
            {shot ? <option value="shot">Finished takes of “{shot.name}”</option> : null}
            <option value="project">Finished takes of the whole project</option>
          </select>
        </label>
        {scope !== 'selected' ? (
          <span className="row">
            <label htmlFor={ids.rating}>
              Rated at least
              <select id={ids.rating} value={minRating} disabled={busy} onChange={(e) => setMinRating(Number(e.target.value))}>
                {[0, 1, 2, 3, 4, 5].map((n) => (
                  <option key={n} value={n}>
                    {n === 0 ? 'any rating' : `${'★'.repeat(n)}`}
                  </option>
                ))}
              </select>
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={flaggedOnly} disabled={busy} onChange={(e) => setFlaggedOnly(e.target.checked)} />
              Flagged only
            </label>
          </span>
        ) : null}
        <label htmlFor={ids.out}>
          Folder (new or empty{format === 'lerobot' ? ', or a LeRobot dataset to append to' : ''})
          <span className="row">
            <input
              id={ids.out}
              value={outDir}
              spellCheck={false}
              disabled={busy}
              placeholder="/path/to/dataset"
              onChange={(e) => setOutDir(e.target.value)}
            />
            {info?.nativeDialogs ? (
              <button
                type="button"
                disabled={busy}
                onClick={async () => {
                  const picked = await api.invoke('dialog.pickFolder', { title: 'Export folder', purpose: 'create' });
                  if (picked.path) setOutDir(picked.path);
                }}
              >
                Browse…
              </button>
            ) : null}
          </span>
        </label>
        {format === 'lerobot' ? (
          <label className="checkbox">
            <input type="checkbox" checked={append} disabled={busy} onChange={(e) => setAppend(e.target.checked)} />
            Append to the dataset already in that folder (episode numbers continue; stats are recomputed)
          </label>
        ) : null}
        {progress ? (
          <div className="progress" data-testid="export-progress">
            {progress.label}
            {progress.fraction !== null ? ` · ${Math.round(progress.fraction * 100)}%` : ''}
          </div>
        ) : null}
        <div className="actions">
          {busy ? (
            <button type="button" onClick={() => exportId.current && void api.invoke('export.cancel', { exportId: exportId.current })}>
              Cancel export
            </button>
          ) : (
            <button type="button" onClick={() => setDialog(null)}>
              Close
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || !outDir.trim()}>
            Export
          </button>
        </div>
      </form>
    </Dialog>
  );
}
