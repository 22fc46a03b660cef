import { useState } from 'react';
import { sampleShot } from '../../../shared/animation/sample';
import { type Finger, MANO_FINGERS } from '../../../shared/hand/mano';
import { fingerCurl, graspPose, PRESET_NAMES, type PresetName, presetPose } from '../../../shared/hand/presets';
import { useStudio } from '../state/studio-store';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { activeShot, keyHandAtPlayhead, previewHandFingers } from '../timeline/timeline-actions';

const PRESET_LABELS: Record<PresetName, string> = {
  open: 'Open',
  relaxed: 'Relaxed',
  fist: 'Fist',
  power: 'Power grasp',
  pinch: 'Pinch',
  point: 'Point',
  hook: 'Hook',
};

/**
 * Pose the hand the gizmo is on, at the playhead: presets, a grasp slider (open to power
 * grasp) and a curl per finger. Every change keys the fingers there; a slider drag is one
 * undo step.
 */
export function HandPosePanel() {
  const side = useViewport((s) => s.gizmoTarget);
  const shot = useStudio((s) => activeShot(s.project?.document));
  const frame = useTimeline((s) => Math.round(s.frame));
  const [grasp, setGrasp] = useState(0);
  const pickMode = useViewport((s) => s.pickMode);
  const setPickMode = useViewport((s) => s.setPickMode);
  const { beginTransaction, commitTransaction } = useStudio.getState();
  if (side === 'camera' || !shot) return null;
  const hand = sampleShot(shot, frame).hands[side];
  const keyed = shot.hands[side].wristPosition.keys.length > 0;
  const slider = (value: number, onChange: (v: number) => void, label: string) => (
    <input
      type="range"
      min={0}
      max={1}
      step={0.01}
      value={value}
      aria-label={label}
      onPointerDown={() => {
        if (!keyed) keyHandAtPlayhead(side);
        beginTransaction();
      }}
      onPointerUp={() => void commitTransaction()}
      onKeyUp={() => void commitTransaction()}
      onKeyDown={() => beginTransaction()}
      onChange={(e) => onChange(Number(e.target.value))}
    />
  );
  return (
    <div className="hand-panel" data-testid="hand-panel">
      <div className="section-label">
        {side === 'right' ? 'Right' : 'Left'} hand · frame {frame}
      </div>
      <label className="checkbox field">
        <input type="checkbox" checked={hand.visible} onChange={(e) => keyHandAtPlayhead(side, { visible: e.target.checked })} />
        Visible
      </label>
      <div className="inspector-actions">
        <button
          type="button"
          aria-pressed={pickMode === 'snap-wrist'}
          onClick={() => setPickMode(pickMode === 'snap-wrist' ? null : 'snap-wrist')}
          title="Click a surface in the viewport: the wrist is keyed just off it"
        >
          Snap to surface…
        </button>
        <button
          type="button"
          aria-pressed={pickMode === 'grasp-point'}
          onClick={() => setPickMode(pickMode === 'grasp-point' ? null : 'grasp-point')}
          title="Click a handle in the viewport: the hand reaches, grasps it and pulls it 30 cm straight out of the surface"
        >
          Grasp here & pull…
        </button>
      </div>
      <div className="preset-grid">
        {PRESET_NAMES.map((name) => (
          <button key={name} type="button" onClick={() => keyHandAtPlayhead(side, { fingers: presetPose(name).fingers })}>
            {PRESET_LABELS[name]}
          </button>
        ))}
      </div>
      <div className="field">
        Grasp
        {slider(
          grasp,
          (v) => {
            setGrasp(v);
            previewHandFingers(side, graspPose(v).fingers);
          },
          'Grasp',
        )}
      </div>
      {MANO_FINGERS.map((finger: Finger) => (
        <div key={finger} className="field">
          {finger[0]?.toUpperCase() + finger.slice(1)}
          {slider(
            curlOf(hand.fingers, finger),
            (v) => previewHandFingers(side, fingerCurl({ fingers: hand.fingers }, finger, v).fingers),
            `${finger} curl`,
          )}
        </div>
      ))}
    </div>
  );
}

/** How curled a finger is now, 0..1, read back from its joints' flexion against a full curl. */
function curlOf(fingers: number[], finger: Finger): number {
  const full = fingerCurl({ fingers }, finger, 1).fingers;
  const i = MANO_FINGERS.indexOf(finger) * 9;
  let now = 0;
  let max = 0;
  for (let j = 0; j < 3; j++) {
    now += fingers[i + j * 3] ?? 0;
    max += full[i + j * 3] ?? 0;
  }
  return max > 0 ? Math.min(1, Math.max(0, now / max)) : 0;
}
