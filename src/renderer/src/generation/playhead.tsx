import { type RefObject, useCallback, useEffect } from 'react';
import { useTimeline } from '../state/timeline-store';

/**
 * Videos that follow the timeline's playhead, as the conditioning panel's do: every
 * `video[data-sync]` inside `container` is seeked to the frame under the playhead whenever
 * it moves (and when it loads), and the transport drives the timeline. So the player, the
 * compare view, the conditioning and the viewport never disagree on the frame shown.
 */
export function usePlayheadVideos(container: RefObject<HTMLElement | null>, frames: number, fps: number) {
  const frame = useTimeline((s) => s.frame);
  const shownFrame = Math.round(frame);
  // Seek only when the playhead moves, so a video played on its own is left alone until then.
  useEffect(() => {
    const t = timeAt(shownFrame, frames, fps);
    for (const v of container.current?.querySelectorAll<HTMLVideoElement>('video[data-sync]') ?? []) {
      if (Math.abs(v.currentTime - t) > 1e-3) v.currentTime = t;
    }
  }, [container, shownFrame, frames, fps]);
  const seekToPlayhead = useCallback(
    (e: React.SyntheticEvent<HTMLVideoElement>) => {
      e.currentTarget.currentTime = timeAt(Math.round(useTimeline.getState().frame), frames, fps);
    },
    [frames, fps],
  );
  return { shownFrame, seekToPlayhead };
}

/** The middle of the frame's display interval, so rounding never lands on the neighbour. */
export function timeAt(frame: number, frames: number, fps: number): number {
  return (Math.min(frame, frames - 1) + 0.5) / fps;
}

export function stepPlayhead(delta: number, last: number): void {
  const t = useTimeline.getState();
  t.setFrame(Math.min(last, Math.max(0, Math.round(t.frame) + delta)));
}

export function togglePlayback(): void {
  const t = useTimeline.getState();
  t.setPlaying(!t.playing);
}

/** ← → step a frame (Shift: 10) and Space plays, for a focused player; true when the key was one of them. */
export function transportKey(e: React.KeyboardEvent<HTMLElement>, last: number): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  if (e.key === 'ArrowLeft') stepPlayhead(e.shiftKey ? -10 : -1, last);
  else if (e.key === 'ArrowRight') stepPlayhead(e.shiftKey ? 10 : 1, last);
  // Space on a focused button would also click it; only the player itself toggles.
  else if (e.key === ' ' && e.target === e.currentTarget) togglePlayback();
  else return false;
  e.preventDefault();
  // The timeline listens on window for the same keys; one step per press.
  e.stopPropagation();
  return true;
}

/** Previous frame, play/pause, next frame, loop, and the frame counter, all on the timeline's transport. */
export function Transport({ last, shownFrame, testId }: { last: number; shownFrame: number; testId: string }) {
  const playing = useTimeline((s) => s.playing);
  const loop = useTimeline((s) => s.loop);
  return (
    <div className="take-transport">
      <button
        type="button"
        className="small-button"
        onClick={() => stepPlayhead(-1, last)}
        title="Previous frame (←)"
        aria-label="Previous frame"
      >
        ◀
      </button>
      <button
        type="button"
        className="small-button"
        onClick={togglePlayback}
        aria-pressed={playing}
        title="Play or pause the timeline (Space)"
      >
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" className="small-button" onClick={() => stepPlayhead(1, last)} title="Next frame (→)" aria-label="Next frame">
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
      <span className="frame-counter small" data-testid={testId}>
        {/* As the timeline counts: frame index / last index. */}
        {Math.min(shownFrame, last)} / {last}
      </span>
    </div>
  );
}
