import { useRef, useState } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import type { CallInput } from '../../../shared/api/contract';
import { api } from '../api';
import { type LoadedScene, type RenderProgress, renderConditioning } from '../conditioning/render-conditioning';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { useTakes } from './takes-store';

export type GenerateRequest = Omit<CallInput<'takes.generate'>, 'shotId'>;

/**
 * Generate for a shot: a shot that is rendered (not conditioned from files) and has no
 * render for the chosen model yet gets its conditioning rendered first, at that model's spec,
 * exactly as the conditioning panel's Render button does it, then the takes are queued.
 * Failures go to the toasts.
 */
export function useGenerate(shot: Shot) {
  const scenes = useStudio((s) => s.project?.document.scenes ?? []);
  const toast = useStudio((s) => s.toast);
  const loads = useViewport((s) => s.loads);
  const [busy, setBusy] = useState(false);
  const [render, setRender] = useState<RenderProgress | null>(null);
  const abort = useRef<AbortController | null>(null);
  // A ref, not the state: a shortcut pressed twice before React re-renders must not queue twice.
  const running = useRef(false);

  const stageScenes: LoadedScene[] = scenes.flatMap((asset) => {
    const load = loads[asset.id];
    return load?.state === 'ready' ? [{ asset, object: load.object }] : [];
  });
  const waiting = scenes.some((s) => s.visible && loads[s.id]?.state !== 'ready');

  const renderFirst = async (modelId: string | undefined) => {
    if (shot.conditioning) return;
    // A render made for another model (another size, length or colours) does not count: it is rendered again.
    if ((await api.invoke('render.latest', { shotId: shot.id, ...(modelId ? { modelId } : {}) })) !== null) return;
    if (waiting) throw new Error('The shot has no conditioning videos yet; wait until the scene has loaded, then generate again');
    abort.current = new AbortController();
    setRender({ frame: 0, frames: 0 });
    try {
      await renderConditioning(shot, stageScenes, { onProgress: setRender, signal: abort.current.signal, modelId });
    } finally {
      setRender(null);
      abort.current = null;
    }
    useTakes.getState().rendered();
    toast('info', `Rendered the conditioning videos of "${shot.name}"`);
  };

  const generate = async (request: GenerateRequest) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await renderFirst(request.modelId);
      const takes = await api.invoke('takes.generate', { ...request, shotId: shot.id });
      useTakes.getState().addQueued(takes);
    } catch (err) {
      toast((err as Error).name === 'AbortError' ? 'info' : 'error', (err as Error).message);
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  return { generate, busy, render, cancelRender: () => abort.current?.abort() };
}
