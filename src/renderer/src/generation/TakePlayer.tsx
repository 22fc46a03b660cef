import { useEffect, useRef } from 'react';
import type { Shot } from '../../../shared/animation/schema';
import type { TakeView } from '../../../shared/api/contract';
import { mediaUrl } from '../scene/media-url';
import { useTimeline } from '../state/timeline-store';
import { BASELINE_LABEL } from './labels';
import { TakeName } from './TakeCard';

/**
 * A done take beside the two conditioning videos it was made from. The three follow the
 * timeline's playhead like the conditioning panel's videos do, and the controls drive the
 * timeline's transport, so the take, its conditioning and the viewport never disagree on
 * the frame shown.
 */
export function TakePlayer({ take, shot, onClose }: { take: TakeView; shot: Shot; onClose: () => void }) {
  const frame = useTimeline((s) => s.frame);
  const playing = useTimeline((s) => s.playing);
  const loop = useTimeline((s) => s.loop);
  const generated = useRef<HTMLVideoElement>(null);
  const staticVideo = useRef<HTMLVideoElement>(null);
  const handsVideo = useRef<HTMLVideoElement>(null);

  const fps = take.output?.fps ?? shot.fps;
  const last = shot.frames - 1;
  const shownFrame = Math.round(frame);
  const takeFrames = take.output?.frames ?? shot.frames;
  // Seek only when the playhead moves, so a video played on its own is left alone until then.
  useEffect(() => {
    const t = timeAt(shownFrame, takeFrames, fps);
    for (const v of [generated.current, staticVideo.current, handsVideo.current]) {
      if (v && Math.abs(v.currentTime - t) > 1e-3) v.currentTime = t;
    }
  }, [shownFrame, takeFrames, fps]);
  const seekToPlayhead = (e: React.SyntheticEvent<HTMLVideoElement>) => {
    e.currentTarget.currentTime = timeAt(Math.round(useTimeline.getState().frame), takeFrames, fps);
  };

  const go = (f: number) => useTimeline.getState().setFrame(Math.min(last, Math.max(0, f)));
  const step = (delta: number) => go(Math.round(useTimeline.getState().frame) + delta);
  const toggle = () => useTimeline.getState().setPlaying(!useTimeline.getState().playing);
  const onKeyDown = (e: React.KeyboardEvent<HTMLElement>) => {
    let handled = true;
    if (e.key === 'ArrowLeft') step(e.shiftKey ? -10 : -1);
    else if (e.key === 'ArrowRight') step(e.shiftKey ? 10 : 1);
    // Space on a focused button would also click it; only the player itself toggles.
    else if (e.key === ' ' && e.target === e.currentTarget) toggle();
    else handled = false;
    if (!handled) return;
    e.preventDefault();
    // The timeline listens on window for the same keys; one step per press.
    e.stopPropagation();
  };

  // A cache-busting query (both media routes ignore it): a retried take rewrites the same file.
  const src = `${mediaUrl(take.paths.video)}?v=${take.attempts}`;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the player takes focus so ← → step its frames.
    <section className="take-player" aria-label={`Player: ${take.name}`} tabIndex={0} onKeyDown={onKeyDown} data-testid="take-player">
      <div className="take-player-head">
        <TakeName name={take.name} />
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      <figure className="take-video">
        <video
          ref={generated}
          src={src}
          muted
          playsInline
          preload="auto"
          loop={loop}
          onLoadedData={seekToPlayhead}
          data-testid="take-video"
        />
        <figcaption>
          Generated · {take.model.name}
          {take.model.baseline ? <span className="take-baseline"> · {BASELINE_LABEL}</span> : null}
        </figcaption>
      </figure>
      <div className="conditioning-videos">
        <figure>
          <video ref={staticVideo} src={mediaUrl(take.paths.staticVideo)} muted playsInline preload="auto" onLoadedData={seekToPlayhead} />
          <figcaption>Static scene</figcaption>
        </figure>
        <figure>
          <video ref={handsVideo} src={mediaUrl(take.paths.handsVideo)} muted playsInline preload="auto" onLoadedData={seekToPlayhead} />
          <figcaption>Hands</figcaption>
        </figure>
      </div>
      <div className="take-transport">
        <button type="button" className="small-button" onClick={() => step(-1)} title="Previous frame (←)" aria-label="Previous frame">
          ◀
        </button>
        <button type="button" className="small-button" onClick={toggle} aria-pressed={playing} title="Play or pause the timeline (Space)">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="small-button" onClick={() => step(1)} title="Next frame (→)" aria-label="Next frame">
          ▶
        </button>
        <button
          type="button"
          className="small-button"
          aria-pressed={loop}
          onClick={() => useTimeline.getState().setLoop(!loop)}
          title="Loop playback"
        >
          Loop
        </button>
        <span className="spacer" />
        <span className="frame-counter small" data-testid="take-frame">
          {/* As the timeline counts: frame index / last index. */}
          {Math.min(shownFrame, last)} / {last}
        </span>
      </div>
    </section>
  );
}

/** The middle of the frame's display interval, so rounding never lands on the neighbour. */
function timeAt(frame: number, frames: number, fps: number): number {
  return (Math.min(frame, frames - 1) + 0.5) / fps;
}
