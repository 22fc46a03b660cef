import { useEffect, useId, useRef, useState } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import type { ModelSummary } from '../../../shared/api/contract';
import type { ProviderChoice } from '../../../shared/model/take';
import { AddModel } from '../components/AddModel';
import { mediaUrl } from '../scene/media-url';
import { useStudio } from '../state/studio-store';
import { BASELINE_LABEL } from './labels';
import { effectiveModel, specLabel, useModels } from './models-store';
import { useTakes } from './takes-store';
import { type GenerateRequest, useGenerate } from './use-generate';

const PROVIDERS: { value: ProviderChoice; label: string }[] = [
  { value: 'auto', label: 'Automatic' },
  { value: 'cpu', label: 'CPU' },
  { value: 'cuda', label: 'CUDA' },
  { value: 'dml', label: 'DirectML' },
  { value: 'coreml', label: 'Core ML' },
];

const MAX_VARIATIONS = 8;
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
export const GENERATE_SHORTCUT = isMac ? '⌘↩' : 'Ctrl+Enter';

/** What the user typed; null means "the default" (the shot's prompt, the model's defaults, the setting). */
interface Overrides {
  prompt: string | null;
  negativePrompt: string | null;
  seed: string | null;
  steps: string | null;
  guidance: string | null;
  provider: ProviderChoice | null;
  count: string;
}
const NO_OVERRIDES: Overrides = { prompt: null, negativePrompt: null, seed: null, steps: null, guidance: null, provider: null, count: '1' };

/** The picker names each model with the conditioning it needs, so a choice of model is also a visible choice of size and length. */
function modelLabel(m: ModelSummary): string {
  const name = `${m.name} · ${specLabel(m.conditioning)}`;
  return m.baseline ? `${name} — ${BASELINE_LABEL}` : name;
}

/** How much of the shot the model's conditioning covers, when that is not all of it at its own rate. */
function coverageNote(m: ModelSummary, shot: Shot): string | null {
  const c = m.conditioning;
  if (c.frames === shot.frames && c.fps === shot.fps) return null;
  const seconds = (n: number, fps: number) => `${(n / fps).toFixed(1)} s`;
  const shotLength = `${shot.frames} frames at ${shot.fps} fps, ${seconds(shot.frames, shot.fps)}`;
  const modelLength = `${c.frames} frames at ${c.fps} fps (${seconds(c.frames, c.fps)})`;
  return c.frames / c.fps < shot.frames / shot.fps
    ? `This model takes ${modelLength}: the first ${seconds(c.frames, c.fps)} of the shot (${shotLength}) are rendered.`
    : `This model takes ${modelLength}: the shot (${shotLength}) is rendered at that rate and its last pose held to the end.`;
}

/** Parse a field or explain why not (the message goes to a toast). */
function numberField(label: string, text: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`${label} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** The size of a shot's imported conditioning videos (from the static video's metadata); null for rendered shots. */
function useImportedSize(shot: Shot): { width: number; height: number } | null {
  const file = shot.conditioning?.staticVideo ?? null;
  const [size, setSize] = useState<{ file: string; width: number; height: number } | null>(null);
  useEffect(() => {
    if (!file) return;
    const video = document.createElement('video');
    video.preload = 'metadata';
    video.muted = true;
    const done = () => setSize({ file, width: video.videoWidth, height: video.videoHeight });
    video.addEventListener('loadedmetadata', done, { once: true });
    video.src = mediaUrl(file);
    return () => {
      video.removeEventListener('loadedmetadata', done);
      video.removeAttribute('src');
      video.load();
    };
  }, [file]);
  return file && size?.file === file ? size : null;
}

/** The Generate section of the shot bin: model, prompt, seed, steps, guidance, variations, device. */
export function GeneratePanel({ shot }: { shot: Shot }) {
  const settings = useStudio((s) => s.settings);
  const info = useStudio((s) => s.info);
  const toast = useStudio((s) => s.toast);
  const list = useModels((s) => s.list);
  const modelId = useModels((s) => s.chosenId);
  const setModelId = useModels((s) => s.choose);
  const refreshModels = useModels((s) => s.refresh);
  const [o, setO] = useState<Overrides>(NO_OVERRIDES);
  const { generate, busy, render, cancelRender } = useGenerate(shot);
  const ids = { model: useId(), prompt: useId(), negative: useId() };
  const foldersKey = settings?.modelFolders.join('\n') ?? '';

  // Listed again when the model folders change (Settings › Models, Add model…).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the folders
  useEffect(() => {
    void refreshModels();
  }, [foldersKey, refreshModels]);
  // Another shot: its own prompt, and the defaults again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the shot changes, not on every edit of it.
  useEffect(() => setO((prev) => ({ ...NO_OVERRIDES, provider: prev.provider, count: prev.count })), [shot.id]);

  // "Use settings" on a take: its model, prompt, seed, steps, guidance and device fill the form (once per request).
  const request = useTakes((s) => s.settingsRequest);
  const root = useRef<HTMLDivElement>(null);
  const applied = useRef(request?.seq ?? 0);
  useEffect(() => {
    if (!request || !list || request.seq === applied.current) return;
    applied.current = request.seq;
    const p = request.params;
    const installed = list.models.some((m) => m.id === p.modelId);
    if (installed) setModelId(p.modelId);
    setO({
      prompt: p.prompt,
      negativePrompt: p.negativePrompt,
      seed: String(p.seed),
      steps: String(p.steps),
      guidance: String(p.guidance),
      provider: p.provider,
      count: '1',
    });
    root.current?.scrollIntoView({ block: 'nearest' });
    toast(
      installed ? 'info' : 'error',
      installed
        ? `The settings of "${request.takeName}" are in the Generate form`
        : `"${request.takeName}" was made with ${p.modelId}, which is not installed; its other settings are in the form`,
    );
  }, [request, list, toast, setModelId]);

  const importedSize = useImportedSize(shot);
  const model = effectiveModel(list, modelId, importedSize);
  const set = (patch: Partial<Overrides>) => setO((prev) => ({ ...prev, ...patch }));
  const available = new Set(info?.inferenceBackends.filter((b) => b.available).map((b) => b.name) ?? []);
  const provider = o.provider ?? settings?.executionProvider ?? 'auto';
  const values = model
    ? {
        prompt: o.prompt ?? shot.prompt,
        negativePrompt: o.negativePrompt ?? model.defaults.negativePrompt,
        seed: o.seed ?? String(model.defaults.seed),
        steps: o.steps ?? String(model.defaults.steps),
        guidance: o.guidance ?? String(model.defaults.guidance),
      }
    : null;

  const submit = () => {
    if (!model || !values) return;
    let request: GenerateRequest;
    try {
      request = {
        modelId: model.id,
        prompt: values.prompt,
        ...(model.uses.prompt ? { negativePrompt: values.negativePrompt } : {}),
        seed: numberField('Seed', values.seed, 0, 0xffffffff, true),
        steps: numberField('Steps', values.steps, 1, 1000, true),
        guidance: numberField('Guidance', values.guidance, 0, 50, false),
        provider,
        count: numberField('Variations', o.count, 1, MAX_VARIATIONS, true),
      };
    } catch (err) {
      toast('error', (err as Error).message);
      return;
    }
    void generate(request);
  };
  const coverage = model ? coverageNote(model, shot) : null;
  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      submit();
    }
  };

  if (list && list.models.length === 0) {
    return (
      <div className="generate" data-testid="generate">
        <div className="section-label">Generate</div>
        <span className="muted small">
          No model is installed{list.invalid.length ? ` (${list.invalid.length} unusable, see Settings)` : ''}.
        </span>
        <div className="gen-row gen-model-row">
          <AddModel />
        </div>
      </div>
    );
  }
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the Ctrl+Enter shortcut works wherever focus is inside the form.
    <div className="generate" data-testid="generate" onKeyDown={onKeyDown} ref={root}>
      <div className="section-label">Generate · {shot.name}</div>
      <div className="gen-row gen-model-row">
        <label htmlFor={ids.model}>Model</label>
        <select
          id={ids.model}
          value={model?.id ?? ''}
          disabled={!list}
          title={model?.description}
          onChange={(e) => {
            setModelId(e.target.value);
            // The new model's defaults, not the old one's.
            set({ seed: null, steps: null, guidance: null, negativePrompt: null });
          }}
        >
          {list?.models.map((m) => (
            <option key={m.id} value={m.id} title={m.description}>
              {modelLabel(m)}
            </option>
          ))}
        </select>
        <AddModel />
      </div>
      {model ? (
        // The picker is narrow beside Add model…, so the chosen model's spec is also spelled out here.
        <div className="small muted" data-testid="gen-model-spec" title={model.name}>
          {specLabel(model.conditioning)}
        </div>
      ) : null}
      {coverage ? (
        <div className="small muted" data-testid="gen-coverage">
          {coverage}
        </div>
      ) : null}
      {model?.baseline ? (
        <div className="gen-baseline small" title={model.description}>
          {BASELINE_LABEL}
        </div>
      ) : null}
      {values && model ? (
        <>
          <label className="gen-stack" htmlFor={ids.prompt}>
            <span>Prompt</span>
            <textarea
              id={ids.prompt}
              rows={3}
              value={values.prompt}
              disabled={!model.uses.prompt}
              onChange={(e) => set({ prompt: e.target.value })}
              placeholder="What happens in the shot"
            />
            {model.uses.prompt ? null : <span className="small muted">This model does not read the prompt; it is kept with the take.</span>}
          </label>
          {model.uses.prompt ? (
            <label className="gen-stack" htmlFor={ids.negative}>
              <span>Negative prompt</span>
              <textarea
                id={ids.negative}
                rows={1}
                value={values.negativePrompt}
                onChange={(e) => set({ negativePrompt: e.target.value })}
              />
            </label>
          ) : null}
          <div className="gen-grid">
            <label>
              <span>Seed</span>
              <span className="gen-seed">
                <input type="number" min={0} max={0xffffffff} value={values.seed} onChange={(e) => set({ seed: e.target.value })} />
                <button
                  type="button"
                  className="small-button"
                  title="A random seed"
                  aria-label="Random seed"
                  onClick={() => set({ seed: String(crypto.getRandomValues(new Uint32Array(1))[0]) })}
                >
                  ⚄
                </button>
              </span>
            </label>
            <label>
              <span>Steps</span>
              <input type="number" min={1} max={1000} value={values.steps} onChange={(e) => set({ steps: e.target.value })} />
            </label>
            <label title={model.uses.prompt ? undefined : 'Guidance weighs the prompt; this model does not read one'}>
              <span>Guidance</span>
              <input
                type="number"
                min={0}
                max={50}
                step={0.5}
                value={values.guidance}
                disabled={!model.uses.prompt}
                onChange={(e) => set({ guidance: e.target.value })}
              />
            </label>
            <label title="This many takes, with consecutive seeds">
              <span>Variations</span>
              <input type="number" min={1} max={MAX_VARIATIONS} value={o.count} onChange={(e) => set({ count: e.target.value })} />
            </label>
            <label className="gen-wide">
              <span>Device</span>
              <select value={provider} onChange={(e) => set({ provider: e.target.value as ProviderChoice })}>
                {PROVIDERS.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                    {p.value !== 'auto' && info && !available.has(p.value) ? ' (not in this install)' : ''}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </>
      ) : null}
      {render ? (
        <div className="inspector-actions">
          <progress max={render.frames} value={render.frame} aria-label="Conditioning render progress" />
          <span className="small" data-testid="generate-render-progress">
            Rendering conditioning {render.frames ? `${render.frame} / ${render.frames}` : '…'}
          </span>
          <button type="button" className="small-button" onClick={cancelRender}>
            Cancel
          </button>
        </div>
      ) : null}
      <button
        type="button"
        className="primary gen-button"
        disabled={!model || busy}
        onClick={submit}
        title={`Queue ${o.count === '1' ? 'a take' : `${o.count} takes`} of this shot (${GENERATE_SHORTCUT})`}
        aria-keyshortcuts={isMac ? 'Meta+Enter' : 'Control+Enter'}
      >
        {busy ? (render ? 'Rendering conditioning…' : 'Queuing…') : 'Generate'}
        <kbd>{GENERATE_SHORTCUT}</kbd>
      </button>
    </div>
  );
}
