import { useEffect, useRef } from 'react';
import type { Interpolation, Shot } from '../../../shared/animation/schema';
import { createShot, randomKeyId } from '../../../shared/shot/create-shot';
import { useStudio } from '../state/studio-store';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { DopeSheet } from './DopeSheet';
import {
  copySelection,
  deleteSelectedKeys,
  keyCameraFromView,
  keyHandAtPlayhead,
  pasteAtPlayhead,
  setSelectedInterpolation,
} from './timeline-actions';
import { exportCamera, exportHands, importCamera, importHands } from './trajectory-io';
import { usePlayback } from './use-playback';

/** The timeline: the active shot's camera and hand tracks as a dope sheet, with transport and keying. */
export function TimelinePanel() {
  const project = useStudio((s) => s.project);
  const shot = useStudio((s) => s.project?.document.shots.find((x) => x.id === s.project?.document.activeShotId) ?? null);
  return (
    <section className="panel timeline" aria-label="Timeline">
      {!project ? (
        <>
          <div className="panel-header">
            <span>Timeline</span>
          </div>
          <div className="empty-state">
            <span>Open or create a project to edit its shots.</span>
          </div>
        </>
      ) : shot ? (
        <ShotTimeline shot={shot} />
      ) : (
        <NoShot />
      )}
    </section>
  );
}

function useNewShot() {
  const editDocument = useStudio((s) => s.editDocument);
  return () =>
    void editDocument((doc) => {
      const view = useViewport.getState().cameraPose();
      const shot = createShot({
        id: crypto.randomUUID(),
        name: `Shot ${doc.shots.length + 1}`,
        frames: doc.shotDefaults.frames,
        fps: doc.shotDefaults.fps,
        sceneId: doc.activeSceneId,
        ...(view ? { camera: view } : {}),
        newKeyId: randomKeyId,
      });
      return { ...doc, shots: [...doc.shots, shot], activeShotId: shot.id };
    });
}

function NoShot() {
  const defaults = useStudio((s) => s.project?.document.shotDefaults);
  const newShot = useNewShot();
  return (
    <>
      <div className="panel-header">
        <span>Timeline</span>
        {defaults ? (
          <span className="muted small" data-testid="shot-format">
            {defaults.frames} frames · {defaults.fps} fps · {defaults.width}×{defaults.height}
          </span>
        ) : null}
      </div>
      <div className="empty-state">
        <strong>No shot yet</strong>
        <span>
          A shot keys the egocentric camera and both hands over {defaults?.frames ?? 49} frames. It starts where the viewport looks.
        </span>
        <div className="inspector-actions">
          <button type="button" className="primary" onClick={newShot}>
            New shot
          </button>
          <button type="button" onClick={() => useStudio.getState().setDialog('samples')}>
            Import reference samples…
          </button>
        </div>
      </div>
    </>
  );
}

const INTERPOLATIONS: { value: Interpolation; label: string }[] = [
  { value: 'bezier', label: 'Bezier (auto-clamped)' },
  { value: 'linear', label: 'Linear' },
  { value: 'hold', label: 'Hold' },
];

function ShotTimeline({ shot }: { shot: Shot }) {
  const shots = useStudio((s) => s.project?.document.shots ?? []);
  const size = useStudio((s) => s.project?.document.shotDefaults);
  const editDocument = useStudio((s) => s.editDocument);
  const frame = useTimeline((s) => s.frame);
  const playing = useTimeline((s) => s.playing);
  const loop = useTimeline((s) => s.loop);
  const selection = useTimeline((s) => s.selection);
  const { setFrame, setPlaying, setLoop } = useTimeline.getState();
  const newShot = useNewShot();
  usePlayback(shot.frames, shot.fps);
  useTimelineShortcuts(shot);
  const last = shot.frames - 1;
  const step = (d: number) => setFrame(Math.min(last, Math.max(0, Math.round(frame) + d)));

  return (
    <>
      <div className="panel-header timeline-header">
        <div className="timeline-tools">
          <select
            aria-label="Shot"
            value={shot.id}
            onChange={(e) => void editDocument((doc) => ({ ...doc, activeShotId: e.target.value }))}
          >
            {shots.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button type="button" onClick={newShot} title="New shot" aria-label="New shot">
            +
          </button>
          <button type="button" onClick={() => useStudio.getState().setDialog('samples')} title="Import DWM reference samples as shots">
            Samples…
          </button>
          <span className="divider" />
          <button type="button" onClick={() => setFrame(0)} title="First frame (Home)" aria-label="First frame">
            |◀
          </button>
          <button type="button" onClick={() => step(-1)} title="Previous frame (←)" aria-label="Previous frame">
            ◂
          </button>
          <button type="button" onClick={() => setPlaying(!playing)} title="Play / pause (Space)" aria-label={playing ? 'Pause' : 'Play'}>
            {playing ? '❚❚' : '▶'}
          </button>
          <button type="button" onClick={() => step(1)} title="Next frame (→)" aria-label="Next frame">
            ▸
          </button>
          <button type="button" onClick={() => setFrame(last)} title="Last frame (End)" aria-label="Last frame">
            ▶|
          </button>
          <button type="button" aria-pressed={loop} onClick={() => setLoop(!loop)} title="Loop playback">
            ⟲
          </button>
          <span className="frame-counter" data-testid="frame-counter">
            {Math.round(frame)} / {last} · {(frame / shot.fps).toFixed(2)} s
          </span>
          <span className="divider" />
          <button type="button" onClick={() => keyCameraFromView()} title="Key the camera at the playhead from the viewport's view (C)">
            Key camera
          </button>
          <button
            type="button"
            onClick={() => keyHandAtPlayhead('left')}
            title="Key the left hand's wrist, fingers and visibility at the playhead"
          >
            Key left
          </button>
          <button type="button" onClick={() => keyHandAtPlayhead('right')} title="Key the right hand at the playhead (H)">
            Key right
          </button>
          <span className="divider" />
          <select
            aria-label="Interpolation"
            disabled={selection.length === 0}
            value=""
            onChange={(e) => setSelectedInterpolation(e.target.value as Interpolation)}
            title="Interpolation of the selected keys (towards the next key)"
          >
            <option value="" disabled>
              Interpolation…
            </option>
            {INTERPOLATIONS.map((i) => (
              <option key={i.value} value={i.value}>
                {i.label}
              </option>
            ))}
          </select>
        </div>
        <div className="timeline-tools">
          <TrajectoryMenu shot={shot} />
          <span className="muted small" data-testid="shot-format">
            {shot.frames} frames · {shot.fps} fps · {size ? `${size.width}×${size.height}` : ''}
          </span>
        </div>
      </div>
      <DopeSheet shot={shot} />
    </>
  );
}

/** Timeline keys: Space play/pause, K stop, ←/→ step (Shift: 10), Home/End, Delete, Ctrl+C/V, C key camera, H key right hand. */
function useTimelineShortcuts(shot: Shot) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable)
      )
        return;
      if (document.querySelector('[role=dialog]')) return;
      const t = useTimeline.getState();
      const last = shot.frames - 1;
      const mod = e.ctrlKey || e.metaKey;
      const go = (f: number) => t.setFrame(Math.min(last, Math.max(0, f)));
      let handled = true;
      if (e.key === ' ' && !mod) t.setPlaying(!t.playing);
      else if (e.key.toLowerCase() === 'k' && !mod) t.setPlaying(false);
      else if (e.key === 'ArrowLeft' && !mod) go(Math.round(t.frame) - (e.shiftKey ? 10 : 1));
      else if (e.key === 'ArrowRight' && !mod) go(Math.round(t.frame) + (e.shiftKey ? 10 : 1));
      else if (e.key === 'Home') go(0);
      else if (e.key === 'End') go(last);
      else if ((e.key === 'Delete' || e.key === 'Backspace') && !mod) deleteSelectedKeys();
      else if (mod && e.key.toLowerCase() === 'c' && !e.shiftKey) copySelection();
      else if (mod && e.key.toLowerCase() === 'v' && !e.shiftKey) pasteAtPlayhead();
      else if (!mod && e.key.toLowerCase() === 'c') keyCameraFromView();
      else if (!mod && e.key.toLowerCase() === 'h') keyHandAtPlayhead('right');
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shot.frames]);
}

/** Export the shot's camera (OpenCV c2w JSON or RealEstate10K) and hands (MANO JSON); import them back. */
function TrajectoryMenu({ shot }: { shot: Shot }) {
  const cameraInput = useRef<HTMLInputElement>(null);
  const handsInput = useRef<HTMLInputElement>(null);
  return (
    <>
      <select
        aria-label="Export trajectory"
        value=""
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'camera-json') exportCamera(shot, 'json');
          if (v === 'camera-re10k') exportCamera(shot, 're10k');
          if (v === 'hands') exportHands(shot);
        }}
      >
        <option value="" disabled>
          Export…
        </option>
        <option value="camera-json">Camera: JSON (OpenCV camera-to-world + intrinsics)</option>
        <option value="camera-re10k">Camera: RealEstate10K text</option>
        <option value="hands">Hands: MANO parameters JSON</option>
      </select>
      <select
        aria-label="Import trajectory"
        value=""
        onChange={(e) => (e.target.value === 'camera' ? cameraInput : handsInput).current?.click()}
      >
        <option value="" disabled>
          Import…
        </option>
        <option value="camera">Camera (JSON or RealEstate10K)…</option>
        <option value="hands">Hands (MANO JSON)…</option>
      </select>
      <input
        ref={cameraInput}
        type="file"
        hidden
        accept=".json,.txt"
        aria-label="Camera trajectory file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void importCamera(shot, file);
          e.target.value = '';
        }}
      />
      <input
        ref={handsInput}
        type="file"
        hidden
        accept=".json"
        aria-label="Hands trajectory file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void importHands(shot, file);
          e.target.value = '';
        }}
      />
    </>
  );
}
