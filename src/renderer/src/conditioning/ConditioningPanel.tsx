import { useEffect, useRef, useState } from 'react';
import type { RenderResult } from '../../../shared/api/contract';
import { api } from '../api';
import { effectiveModel, specLabel, useModels } from '../generation/models-store';
import { mediaUrl } from '../scene/media-url';
import { useStudio } from '../state/studio-store';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { activeShot } from '../timeline/timeline-actions';
import { type LoadedScene, renderConditioning } from './render-conditioning';

/**
 * The active shot's conditioning videos: Render (with progress and cancel) and the two
 * videos side by side, following the timeline's playhead.
 */
export function ConditioningPanel() {
  const shot = useStudio((s) => activeShot(s.project?.document));
  const scenes = useStudio((s) => s.project?.document.scenes ?? []);
  const toast = useStudio((s) => s.toast);
  const loads = useViewport((s) => s.loads);
  const frame = useTimeline((s) => s.frame);
  const [latest, setLatest] = useState<RenderResult | null>(null);
  const [progress, setProgress] = useState<{ frame: number; frames: number } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const staticVideo = useRef<HTMLVideoElement>(null);
  const handsVideo = useRef<HTMLVideoElement>(null);

  // The model chosen for generation sets the spec; only a render made at it is shown (and used by Generate).
  const model = useModels((s) => effectiveModel(s.list, s.chosenId));
  const modelId = model?.id;
  const shotId = shot?.id;
  const fps = shot?.fps ?? 8;
  useEffect(() => {
    setLatest(null);
    if (shotId) void api.invoke('render.latest', { shotId, ...(modelId ? { modelId } : {}) }).then(setLatest, () => setLatest(null));
  }, [shotId, modelId]);

  // Show the frame under the playhead (the middle of its display interval, so rounding never lands on the neighbour).
  const shownFrame = Math.round(frame);
  useEffect(() => {
    const t = (shownFrame + 0.5) / fps;
    const samples = [...document.querySelectorAll<HTMLVideoElement>('video[data-role=sample-video]')];
    for (const v of [staticVideo.current, handsVideo.current, ...samples]) if (v && Math.abs(v.currentTime - t) > 1e-3) v.currentTime = t;
  }, [shownFrame, fps]);

  if (!shot) return null;
  const fromFiles = shot.conditioning ?? null;
  const seekToPlayhead = (e: React.SyntheticEvent<HTMLVideoElement>) => {
    e.currentTarget.currentTime = (Math.round(useTimeline.getState().frame) + 0.5) / fps;
  };
  const stageScenes: LoadedScene[] = scenes.flatMap((asset) => {
    const load = loads[asset.id];
    return load?.state === 'ready' ? [{ asset, object: load.object }] : [];
  });
  const waiting = scenes.some((s) => s.visible && loads[s.id]?.state !== 'ready');

  const render = async () => {
    abort.current = new AbortController();
    setProgress({ frame: 0, frames: 0 });
    try {
      const { result } = await renderConditioning(shot, stageScenes, { onProgress: setProgress, signal: abort.current.signal, modelId });
      setLatest(result);
      toast('info', `Rendered the conditioning videos of "${shot.name}"`);
    } catch (err) {
      toast((err as Error).name === 'AbortError' ? 'info' : 'error', (err as Error).message);
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  return (
    <div className="conditioning" data-testid="conditioning">
      <div className="section-label">Conditioning · {shot.name}</div>
      {fromFiles ? (
        <>
          <span className="muted small">
            From the reference sample {fromFiles.sampleId} (imported files; ground truth kept for comparison).
          </span>
          <div className="conditioning-videos three" data-testid="conditioning-videos" data-dir={fromFiles.staticVideo}>
            {[
              ['Static scene', fromFiles.staticVideo],
              ['Hands', fromFiles.handsVideo],
              ...(fromFiles.groundTruth ? [['Ground truth', fromFiles.groundTruth]] : []),
            ].map(([label, file]) => (
              <figure key={label}>
                <video
                  src={mediaUrl(file as string)}
                  muted
                  playsInline
                  preload="auto"
                  onLoadedData={seekToPlayhead}
                  data-role="sample-video"
                />
                <figcaption>{label}</figcaption>
              </figure>
            ))}
          </div>
        </>
      ) : null}
      {fromFiles ? null : (
        <div className="inspector-actions">
          {progress ? (
            <>
              <progress max={progress.frames} value={progress.frame} aria-label="Render progress" />
              <span className="small" data-testid="render-progress">
                {progress.frames ? `${progress.frame} / ${progress.frames}` : '…'}
              </span>
              <button type="button" onClick={() => abort.current?.abort()}>
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={waiting}
              onClick={() => void render()}
              title={waiting ? 'Wait until the scene has loaded' : 'Render the static-scene and hand videos the model needs'}
            >
              Render conditioning
            </button>
          )}
          {model && !progress ? (
            <span className="small muted" data-testid="conditioning-spec" title={`For ${model.name}, the model chosen in Generate`}>
              {specLabel(model.conditioning)}
            </span>
          ) : null}
        </div>
      )}
      {fromFiles ? null : latest ? (
        <div className="conditioning-videos" data-testid="conditioning-videos" data-dir={latest.dir}>
          <figure>
            <video ref={staticVideo} src={mediaUrl(latest.staticVideo)} muted playsInline preload="auto" onLoadedData={seekToPlayhead} />
            <figcaption>Static scene</figcaption>
          </figure>
          <figure>
            <video ref={handsVideo} src={mediaUrl(latest.handsVideo)} muted playsInline preload="auto" onLoadedData={seekToPlayhead} />
            <figcaption>Hands</figcaption>
          </figure>
        </div>
      ) : (
        <span className="muted small">Not rendered yet{model ? ` for ${model.name}` : ''}.</span>
      )}
    </div>
  );
}
