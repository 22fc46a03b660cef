import { useId } from 'react';
import type { Settings } from '../../../shared/settings/schema';
import { useStudio } from '../state/studio-store';
import { Dialog } from './Dialog';
import { ModelSettings } from './ModelSettings';

const providers: { value: Settings['executionProvider']; label: string }[] = [
  { value: 'auto', label: 'Automatic (GPU if available, else CPU)' },
  { value: 'cuda', label: 'CUDA (NVIDIA, Linux/Windows)' },
  { value: 'dml', label: 'DirectML (Windows)' },
  { value: 'coreml', label: 'Core ML (macOS)' },
  { value: 'cpu', label: 'CPU' },
];

export function SettingsDialog() {
  const settings = useStudio((s) => s.settings);
  const info = useStudio((s) => s.info);
  const update = useStudio((s) => s.updateSettings);
  const setDialog = useStudio((s) => s.setDialog);
  const autosaveId = useId();
  const providerId = useId();
  const reopenId = useId();
  const idleId = useId();
  if (!settings) return null;
  return (
    <Dialog title="Settings" onClose={() => setDialog(null)}>
      <div className="form">
        <label htmlFor={autosaveId}>
          Autosave after an edit (seconds, 0 = off)
          <input
            id={autosaveId}
            type="number"
            min={0}
            max={3600}
            value={settings.autosaveSeconds}
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              if (Number.isFinite(n) && n >= 0 && n <= 3600) void update({ autosaveSeconds: n });
            }}
          />
        </label>
        <label htmlFor={reopenId} className="checkbox">
          <input
            id={reopenId}
            type="checkbox"
            checked={settings.reopenLastProject}
            onChange={(e) => void update({ reopenLastProject: e.target.checked })}
          />
          Reopen the last project on start
        </label>
        <label htmlFor={providerId}>
          Inference device
          <select
            id={providerId}
            value={settings.executionProvider}
            onChange={(e) => void update({ executionProvider: e.target.value as Settings['executionProvider'] })}
          >
            {providers.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <p className="hint">
          Automatic falls back to the CPU when no GPU runtime starts; each take records the device that ran it. Runtimes present in this
          install:{' '}
          {info?.inferenceBackends
            .filter((b) => b.available)
            .map((b) => b.name)
            .join(', ') || 'none'}
          .
        </p>
        <label htmlFor={idleId}>
          Free the model's memory after this long without a generation (seconds)
          <input
            id={idleId}
            type="number"
            min={5}
            max={86400}
            value={settings.pipelineIdleSeconds}
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              if (Number.isFinite(n) && n >= 5 && n <= 86400) void update({ pipelineIdleSeconds: n });
            }}
          />
        </label>
        <ModelSettings />
        <p className="hint">Settings are stored in {info?.userDataDir}.</p>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setDialog(null)}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
