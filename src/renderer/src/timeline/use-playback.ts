import { useEffect } from 'react';
import { useTimeline } from '../state/timeline-store';

/** Advances the playhead in real time at the shot's fps while playing; loops or stops at the end. */
export function usePlayback(frames: number, fps: number): void {
  const playing = useTimeline((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let handle = requestAnimationFrame(function tick(now) {
      const { frame, loop, setFrame, setPlaying } = useTimeline.getState();
      let next = frame + ((now - last) / 1000) * fps;
      last = now;
      if (next > frames - 1) {
        if (loop) next = 0;
        else {
          setFrame(frames - 1);
          setPlaying(false);
          return;
        }
      }
      setFrame(next);
      handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
  }, [playing, frames, fps]);
}
