import { useEffect, useId, useState } from 'react';
import { api } from '../api';
import { BASELINE_LABEL } from '../generation/labels';
import { specLabel, useModels } from '../generation/models-store';
import { useStudio } from '../state/studio-store';
import { AddModel } from './AddModel';

/**
 * Settings › Models: the folders searched for model bundles (besides the app's own), the
 * models found there with the reason for each one that cannot be used, the default model, and
 * Add model… for one bundle folder (checked before it is added).
 */
export function ModelSettings() {
  const settings = useStudio((s) => s.settings);
  const info = useStudio((s) => s.info);
  const update = useStudio((s) => s.updateSettings);
  const listing = useModels((s) => s.list);
  const chosenId = useModels((s) => s.chosenId);
  const refresh = useModels((s) => s.refresh);
  const [folder, setFolder] = useState('');
  const folderId = useId();
  const defaultId = useId();
  const folders = settings?.modelFolders ?? [];
  const foldersKey = folders.join('\n');

  // biome-ignore lint/correctness/useExhaustiveDependencies: the listing depends on the folders, which the key stands for
  useEffect(() => {
    void refresh();
  }, [foldersKey, refresh]);

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
          <li key={m.id} title={`${m.description}\n${m.dir}`} data-model-id={m.id} className={m.id === chosenId ? 'chosen' : undefined}>
            <strong>{m.name}</strong> {m.baseline ? <span className="tag">{BASELINE_LABEL}</span> : null}
            {m.id === chosenId ? <span className="tag">chosen for generation</span> : null}
            <span className="hint">
              {' '}
              {m.id} {m.version} · {specLabel(m.conditioning)} · {bundleSize(m.bytes)}
            </span>
          </li>
        ))}
        {listing?.invalid.map((m) => (
          <li key={m.dir} className="invalid">
            <strong>{m.id ?? m.dir}</strong> cannot be used: {m.problem}
          </li>
        ))}
      </ul>
      <div className="row add-model-host">
        <AddModel />
      </div>
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

/** Bundle size on disk; test bundles are kilobytes, real ones gigabytes. */
function bundleSize(bytes: number): string {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return bytes < 1e9 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e9).toFixed(2)} GB`;
}
