import { useEffect, useState } from 'react';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { type LoadedScene, renderConditioning } from './render-conditioning';

/**
 * `dwm-studio render` opens the studio in a headless browser with #render=<shot id>: once
 * the shot's scene has loaded, the same conditioning renderer the Render button uses runs,
 * and the outcome is written into a status element the command line waits for.
 */
export function HeadlessRender() {
  const shotId = new URLSearchParams(location.hash.slice(1)).get('render');
  const project = useStudio((s) => s.project);
  const loads = useViewport((s) => s.loads);
  const [status, setStatus] = useState<{ state: 'waiting' | 'rendering' | 'done' | 'error'; detail: string }>({
    state: 'waiting',
    detail: '',
  });

  const shot = project?.document.shots.find((s) => s.id === shotId) ?? null;
  const scenes = project?.document.scenes.filter((s) => s.visible && (shot?.sceneId === null || s.id === shot?.sceneId)) ?? [];
  const ready = Boolean(shot) && scenes.every((s) => loads[s.id]?.state === 'ready');

  useEffect(() => {
    if (!shotId || status.state !== 'waiting') return;
    if (project && !shot) {
      setStatus({ state: 'error', detail: `The project has no shot ${shotId}` });
      return;
    }
    if (!shot || !ready) return;
    setStatus({ state: 'rendering', detail: '0' });
    const staged: LoadedScene[] = scenes.flatMap((asset) => {
      const load = loads[asset.id];
      return load?.state === 'ready' ? [{ asset, object: load.object }] : [];
    });
    renderConditioning(shot, staged, { onProgress: (p) => setStatus({ state: 'rendering', detail: `${p.frame}/${p.frames}` }) }).then(
      (done) => setStatus({ state: 'done', detail: JSON.stringify(done) }),
      (err: Error) => setStatus({ state: 'error', detail: err.message }),
    );
  }, [shotId, project, shot, ready, scenes, loads, status.state]);

  if (!shotId) return null;
  return (
    <output className="headless-render" data-testid="headless-render" data-state={status.state} data-detail={status.detail}>
      {status.state} {status.detail}
    </output>
  );
}
