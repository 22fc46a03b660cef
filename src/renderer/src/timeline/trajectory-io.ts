import { sampleShotFrames } from '../../../shared/animation/sample';
import type { Shot } from '../../../shared/animation/schema';
import { randomKeyId } from '../../../shared/shot/create-shot';
import { exportCameraJson, importCameraJson } from '../../../shared/trajectory/camera-json';
import { exportHandsJson, importHandsJson } from '../../../shared/trajectory/hands-json';
import { exportRealEstate10K, importRealEstate10K } from '../../../shared/trajectory/realestate10k';
import type { CameraFrame, HandFrame } from '../../../shared/trajectory/types';
import { useStudio } from '../state/studio-store';
import { editActiveShot } from './timeline-actions';

/**
 * Trajectory files for the active shot. Export samples every frame; import writes one
 * linear key per frame (the file is the truth at each frame) and replaces the camera or both
 * hands as one undo step. Conversions and validation live in src/shared/trajectory.
 */

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function size() {
  const d = useStudio.getState().project?.document.shotDefaults;
  return { width: d?.width ?? 720, height: d?.height ?? 480 };
}

const slug = (s: string) => s.replace(/[^\w.-]+/g, '-');

export function exportCamera(shot: Shot, format: 'json' | 're10k'): void {
  const frames: CameraFrame[] = sampleShotFrames(shot).map((p) => p.camera);
  const opts = { ...size(), fps: shot.fps };
  if (format === 'json') download(`${slug(shot.name)}.camera.json`, exportCameraJson(frames, opts), 'application/json');
  else download(`${slug(shot.name)}.re10k.txt`, exportRealEstate10K(frames, { ...opts, source: `dwm-studio:${shot.name}` }), 'text/plain');
}

export function exportHands(shot: Shot): void {
  const poses = sampleShotFrames(shot);
  const hands = { left: poses.map((p) => p.hands.left as HandFrame), right: poses.map((p) => p.hands.right as HandFrame) };
  download(`${slug(shot.name)}.hands.json`, exportHandsJson(hands, { fps: shot.fps }), 'application/json');
}

/** One key per frame: the file is the truth at every frame. */
function perFrameKeys<F, V>(frames: F[], pick: (f: F) => V, interpolation: 'linear' | 'hold') {
  return { keys: frames.map((f, frame) => ({ id: randomKeyId(), frame, value: pick(f), interpolation })) };
}

/** Read a trajectory file and apply it; any refusal names the file and nothing changes. */
async function importFile(file: File, apply: (text: string) => string): Promise<void> {
  try {
    useStudio.getState().toast('info', apply(await file.text()));
  } catch (err) {
    useStudio.getState().toast('error', `${file.name}: ${(err as Error).message}. Nothing was changed.`);
  }
}

/** Read a camera trajectory (the studio's JSON or RealEstate10K text) into the active shot. */
export function importCamera(shot: Shot, file: File): Promise<void> {
  const { width, height } = size();
  return importFile(file, (text) => {
    const frames = text.trimStart().startsWith('{')
      ? importCameraJson(text, { frames: shot.frames, width, height }).frames
      : importRealEstate10K(text, { width, height, frames: shot.frames }).frames;
    editActiveShot((s) => ({
      ...s,
      camera: {
        position: perFrameKeys(frames, (f) => f.position, 'linear'),
        rotation: perFrameKeys(frames, (f) => f.rotation, 'linear'),
        fovY: perFrameKeys(frames, (f) => f.fovY, 'linear'),
      },
    }));
    return `Imported the camera of ${frames.length} frames from ${file.name}`;
  });
}

/** Read both hands (MANO JSON) into the active shot. */
export function importHands(shot: Shot, file: File): Promise<void> {
  return importFile(file, (text) => {
    const { left, right } = importHandsJson(text, { frames: shot.frames });
    const track = (frames: HandFrame[]) => ({
      wristPosition: perFrameKeys(frames, (f) => f.wristPosition, 'linear'),
      wristRotation: perFrameKeys(frames, (f) => f.wristRotation, 'linear'),
      fingers: perFrameKeys(frames, (f) => f.fingers, 'linear'),
      visible: perFrameKeys(frames, (f) => f.visible, 'hold'),
    });
    editActiveShot((s) => ({ ...s, hands: { left: track(left), right: track(right) } }));
    return `Imported both hands (${left.length} frames) from ${file.name}`;
  });
}
