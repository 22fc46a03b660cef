import type { CameraTrack, HandTrack, Quat, Shot, Vec3 } from '../animation/schema';

export interface ShotStart {
  id: string;
  name: string;
  frames: number;
  fps: number;
  sceneId: string | null;
  /** Where the camera starts (keyed at frame 0); the shot starts with no camera key without it. */
  camera?: { position: Vec3; rotation: Quat; fovY: number };
  newKeyId: () => string;
}

function emptyHand(newKeyId: () => string): HandTrack {
  // Hands start hidden: a hand appears in the hand video only once it is keyed visible.
  return {
    wristPosition: { keys: [] },
    wristRotation: { keys: [] },
    fingers: { keys: [] },
    visible: { keys: [{ id: newKeyId(), frame: 0, value: false, interpolation: 'hold' }] },
  };
}

/** A new shot with the model's length and rate, staged in a scene, camera keyed where the user is looking. */
export function createShot(start: ShotStart): Shot {
  const k = start.newKeyId;
  const camera: CameraTrack = start.camera
    ? {
        position: { keys: [{ id: k(), frame: 0, value: start.camera.position, interpolation: 'bezier' }] },
        rotation: { keys: [{ id: k(), frame: 0, value: start.camera.rotation, interpolation: 'bezier' }] },
        fovY: { keys: [{ id: k(), frame: 0, value: start.camera.fovY, interpolation: 'bezier' }] },
      }
    : { position: { keys: [] }, rotation: { keys: [] }, fovY: { keys: [] } };
  return {
    id: start.id,
    name: start.name,
    frames: start.frames,
    fps: start.fps,
    sceneId: start.sceneId,
    prompt: '',
    camera,
    hands: { left: emptyHand(k), right: emptyHand(k) },
  };
}

/** Short random key ids: unique within a channel is all that is needed. */
export function randomKeyId(): string {
  return Math.random().toString(36).slice(2, 10) + Math.random().toString(36).slice(2, 6);
}
