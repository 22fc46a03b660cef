import { useEffect, useState } from 'react';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { renderTrainingClips } from './render-training-clips';

/** What `dwm-studio synth` asks for in #synth=<JSON>. */
interface SynthRequest {
  roomSeed: number;
  clips: number;
  width?: number;
  height?: number;
  frames?: number;
  fps?: number;
}

function parseRequest(): SynthRequest | null {
  const raw = new URLSearchParams(location.hash.slice(1)).get('synth');
  if (!raw) return null;
  try {
    return JSON.parse(raw) as SynthRequest;
  } catch {
    return null;
  }
}

/**
 * `dwm-studio synth` opens the studio headless with #synth=<JSON>: once the project's room
 * has loaded, all of its clips are rendered in this one page load (no reload per clip), and
 * the outcome is written into a status element the command line polls.
 */
export function HeadlessSynth() {
  const [request] = useState(parseRequest);
  const project = useStudio((s) => s.project);
  const loads = useViewport((s) => s.loads);
  const [status, setStatus] = useState<{ state: 'waiting' | 'rendering' | 'done' | 'error'; detail: string }>({
    state: 'waiting',
    detail: '',
  });
  const scene = project?.document.scenes.find((s) => s.articulations.length > 0) ?? null;
  const load = scene ? loads[scene.id] : undefined;

  useEffect(() => {
    if (!request || status.state !== 'waiting' || !project) return;
    if (!scene) {
      setStatus({ state: 'error', detail: 'The project has no scene with articulated parts' });
      return;
    }
    if (load?.state === 'error') {
      setStatus({ state: 'error', detail: `The scene did not load: ${JSON.stringify(load)}` });
      return;
    }
    if (load?.state !== 'ready') return;
    setStatus({ state: 'rendering', detail: '' });
    const { roomSeed, clips, ...size } = request;
    renderTrainingClips(
      { asset: scene, object: load.object },
      {
        roomSeed,
        clips,
        size,
        onProgress: (p) => setStatus({ state: 'rendering', detail: `clip ${p.clip} of ${p.clips}, frame ${p.frame} of ${p.frames}` }),
      },
    ).then(
      (done) => setStatus({ state: 'done', detail: JSON.stringify(done) }),
      (err: Error) => setStatus({ state: 'error', detail: err.message }),
    );
  }, [request, project, scene, load, status.state]);

  if (!request) return null;
  return (
    <output className="headless-render" data-testid="headless-synth" data-state={status.state} data-detail={status.detail}>
      {status.state} {status.detail}
    </output>
  );
}
