import { useEffect, useRef } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import type { TakeView } from '../../../shared/api/contract';
import { mediaUrl } from '../scene/media-url';
import { BASELINE_LABEL } from './labels';
import { Transport, transportKey, usePlayheadVideos } from './playhead';
import { TakeName } from './TakeName';

/**
 * A done take beside the two conditioning videos it was made from and, when the shot came
 * from a reference sample with a recording, the ground truth: static | hands | take | ground
 * truth, as the reference implementation lays them out. All follow the timeline's playhead,
 * and the controls drive the timeline's transport, so the take, its conditioning and the
 * viewport never disagree on the frame shown.
 */
export function TakePlayer({ take, shot, onClose }: { take: TakeView; shot: Shot; onClose: () => void }) {
  const root = useRef<HTMLElement>(null);
  const fps = take.output?.fps ?? shot.fps;
  const last = shot.frames - 1;
  const takeFrames = take.output?.frames ?? shot.frames;
  const { shownFrame, seekToPlayhead } = usePlayheadVideos(root, takeFrames, fps);
  const groundTruth = shot.conditioning?.groundTruth ?? null;
  // It opens inside the card that was clicked: all of it in view.
  useEffect(() => {
    root.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  // A cache-busting query (both media routes ignore it): a retried take rewrites the same file.
  const src = `${mediaUrl(take.paths.video)}?v=${take.attempts}`;
  const video = (url: string, testId?: string) => (
    <video data-sync src={url} muted playsInline preload="auto" onLoadedData={seekToPlayhead} data-testid={testId} />
  );
  const generated = (
    <figure className="take-video">
      {video(src, 'take-video')}
      {groundTruth ? (
        <figcaption title={`${take.model.name}${take.model.baseline ? ` (${BASELINE_LABEL})` : ''}`}>
          Take{take.model.baseline ? <span className="take-baseline"> · baseline</span> : null}
        </figcaption>
      ) : (
        <figcaption>
          Generated · {take.model.name}
          {take.model.baseline ? <span className="take-baseline"> · {BASELINE_LABEL}</span> : null}
        </figcaption>
      )}
    </figure>
  );
  const staticFigure = (
    <figure>
      {video(mediaUrl(take.paths.staticVideo))}
      <figcaption>Static scene</figcaption>
    </figure>
  );
  const handsFigure = (
    <figure>
      {video(mediaUrl(take.paths.handsVideo))}
      <figcaption>Hands</figcaption>
    </figure>
  );
  return (
    <section
      ref={root}
      className="take-player"
      aria-label={`Player: ${take.name}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the player takes focus so ← → step its frames.
      tabIndex={0}
      onKeyDown={(e) => transportKey(e, last)}
      data-testid="take-player"
      data-panels={groundTruth ? 4 : 3}
    >
      <div className="take-player-head">
        <TakeName name={take.name} />
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {groundTruth ? (
        <div className="take-panels four">
          {staticFigure}
          {handsFigure}
          {generated}
          <figure className="take-ground-truth">
            {video(mediaUrl(groundTruth), 'ground-truth-video')}
            <figcaption>Ground truth</figcaption>
          </figure>
        </div>
      ) : (
        <>
          {generated}
          <div className="conditioning-videos">
            {staticFigure}
            {handsFigure}
          </div>
        </>
      )}
      <Transport last={last} shownFrame={shownFrame} testId="take-frame" />
    </section>
  );
}
