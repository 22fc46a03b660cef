import { useEffect, useId, useState } from 'react';
import type { ModelList } from '../../../shared/api/contract';
import { api } from '../api';
import { useStudio } from '../state/studio-store';

/**
 * Settings › Models: the folders searched for model bundles (besides the app's own), the
 * models found there with the reason for each one that cannot be used, and the default model.
 */
export function ModelSettings() {
  const settings = useStudio((s) => s.settings);
  const info = useStudio((s) => s.info);
  const update = useStudio((s) => s.updateSettings);
  const toast = useStudio((s) => s.toast);
  const [listing, setListing] = useState<ModelList | null>(null);
  const [folder, setFolder] = useState('');
  const folderId = useId();
  const defaultId = useId();
  const folders = settings?.modelFolders ?? [];
  const foldersKey = folders.join('\n');

  // biome-ignore lint/correctness/useExhaustiveDependencies: the listing depends on the folders, which the key stands for
  useEffect(() => {
    api.invoke('models.list', {}).then(setListing, (err: Error) => toast('error', err.message));
  }, [foldersKey, toast]);

  if (!settings) return null;
  const addFolder = async (dir: string) => {
    const trimmed = dir.trim();
    if (!trimmed || folders.includes(trimmed)) return;
    await update({ modelFolders: [...folders, trimmed] });
    setFolder('');
  };

  return (
    <fieldset className="model-settings">
      <legend>Models</legend>
      <ul className="model-list" aria-label="Installed models">
        {listing?.models.map((m) => (
          <li key={m.id} title={m.description}>
            <strong>{m.name}</strong> {m.baseline ? <span className="tag">baseline: no learned dynamics</span> : null}
            <span className="hint">
              {' '}
              {m.id} {m.version} · {m.conditioning.width}x{m.conditioning.height}, {m.conditioning.frames} frames at {m.conditioning.fps}{' '}
              fps · {(m.bytes / 1e6).toFixed(1)} MB
            </span>
          </li>
        ))}
        {listing?.invalid.map((m) => (
          <li key={m.dir} className="invalid">
            <strong>{m.id ?? m.dir}</strong> cannot be used: {m.problem}
          </li>
        ))}
      </ul>
      <label htmlFor={defaultId}>
        Model for new takes
        <select
          id={defaultId}
          value={settings.defaultModelId ?? ''}
          onChange={(e) => void update({ defaultModelId: e.target.value || null })}
        >
          <option value="">Automatic (the first learned model, else the baseline)</option>
          {listing?.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <div className="folder-list">
        {folders.map((f) => (
          <span key={f} className="row">
            <code>{f}</code>
            <button type="button" onClick={() => void update({ modelFolders: folders.filter((x) => x !== f) })}>
              Remove
            </button>
          </span>
        ))}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void addFolder(folder);
        }}
      >
        <label htmlFor={folderId} className="grow">
          Add a model folder (a bundle, or a folder of bundles)
          <input
            id={folderId}
            value={folder}
            spellCheck={false}
            placeholder="/path/to/models"
            onChange={(e) => setFolder(e.target.value)}
          />
        </label>
        {info?.nativeDialogs ? (
          <button
            type="button"
            onClick={async () => {
              const picked = await api.invoke('dialog.pickFolder', { title: 'Model folder', purpose: 'open' });
              if (picked.path) await addFolder(picked.path);
            }}
          >
            Browse…
          </button>
        ) : null}
        <button type="submit" disabled={!folder.trim()}>
          Add
        </button>
      </form>
    </fieldset>
  );
}
