import { useId, useRef, useState } from 'react';
import type { SceneAsset } from '../../../shared/scene/schema';
import { CLIP_SET_DEFAULT_SIZE as size } from '../../../shared/synth/clip-meta';
import { renderTrainingClips, type TrainingClipsProgress } from '../conditioning/render-training-clips';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { Dialog } from './Dialog';

/** A procedural room's seed from its name (sample_room is seed 0); null for any other scene. */
export function roomSeedOf(scene: SceneAsset): number | null {
  if (/^sample[_ -]room/i.test(scene.name)) return 0;
  const m = /room_seed_(\d+)/.exec(scene.name);
  return m ? Number(m[1]) : null;
}

/**
 * "Generate training clips…": synthetic clips of this scene's articulated parts (interaction,
 * static, hands and mask videos), rendered in this page, written by main into
 * <project>/training-clips/<stamp>/.
 */
export function TrainingClipsDialog({ scene, onClose }: { scene: SceneAsset; onClose: () => void }) {
  const toast = useStudio((s) => s.toast);
  const load = useViewport((s) => s.loads[scene.id]);
  const [perPart, setPerPart] = useState(2);
  const [seed, setSeed] = useState(() => roomSeedOf(scene) ?? 1);
  const [progress, setProgress] = useState<TrainingClipsProgress | null>(null);
  const [running, setRunning] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const ids = { perPart: useId(), seed: useId() };
  const parts = scene.articulations.length;

  const start = async () => {
    if (load?.state !== 'ready') {
      toast('error', `${scene.name}: the scene must be loaded in the viewport first`);
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    try {
      const done = await renderTrainingClips(
        { asset: scene, object: load.object },
        { roomSeed: roomSeedOf(scene) ?? seed, seed, clipsPerPart: perPart, signal: controller.signal, onProgress: setProgress },
      );
      toast('info', `Wrote ${done.clips} training clips to ${done.dir}`);
      onClose();
    } catch (err) {
      const e = err as Error;
      toast(
        e.name === 'AbortError' ? 'info' : 'error',
        e.name === 'AbortError' ? 'Training clips cancelled; nothing was kept' : `Training clips failed: ${e.message}`,
      );
      setRunning(false);
      setProgress(null);
    }
  };

  return (
    <Dialog title="Generate training clips" onClose={() => (running ? abort.current?.abort() : onClose())}>
      <form
        className="form"
        data-testid="training-clips-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <p className="hint">
          Renders synthetic clips of {scene.name}&apos;s {parts} articulated part{parts === 1 ? '' : 's'}: for each, a camera walks up while
          a hand opens the part (or lifts it, for a loose object); the clip is drawn with the part moving and hands in the scene, with the
          part at rest, the hands alone (as conditioning) and as a mask of the part. Written to training-clips/ in the project.
        </p>
        <label htmlFor={ids.perPart}>
          Clips per part
          <input
            id={ids.perPart}
            type="number"
            min={1}
            max={Math.max(1, Math.floor(100 / Math.max(1, parts)))}
            value={perPart}
            disabled={running}
            onChange={(e) => setPerPart(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
          />
        </label>
        <label htmlFor={ids.seed}>
          Seed
          <input
            id={ids.seed}
            type="number"
            min={0}
            value={seed}
            disabled={running}
            onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
          />
        </label>
        {running ? (
          <div className="progress" data-testid="training-clips-progress">
            {progress ? `Clip ${progress.clip} of ${progress.clips}, frame ${progress.frame} of ${progress.frames}` : 'Preparing…'}
          </div>
        ) : (
          <div className="muted small">
            {parts * perPart} clips, {size.width}×{size.height}, {size.frames} frames at {size.fps} fps
          </div>
        )}
        <div className="actions">
          {running ? (
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : (
            <button type="button" onClick={onClose}>
              Close
            </button>
          )}
          <button type="submit" className="primary" disabled={running || parts === 0}>
            Generate
          </button>
        </div>
      </form>
    </Dialog>
  );
}
