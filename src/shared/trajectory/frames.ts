import { unitQuatOrNull } from './camera-convention';
import { TrajectoryError } from './errors';
import { isFiniteVec } from './math';
import type { CameraFrame, HandFrame, Quat } from './types';

/** Checks on what exporters are handed (the studio's own data), with the frame named in the message. */

const list = (v: readonly number[]): string => `[${v.map((x) => String(x)).join(', ')}]`;

/** 15 finger joints x 3 axis-angle values. */
export const MANO_HAND_POSE_LENGTH = 45;
export const MANO_BETAS_LENGTH = 10;

export function checkExportOptions(opts: { width?: number; height?: number; fps?: number }): void {
  for (const key of ['width', 'height'] as const) {
    const v = opts[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
      throw new TrajectoryError(`image ${key} must be a whole number of pixels above 0, not ${String(v)}`, { field: key });
    }
  }
  if (opts.fps !== undefined && !(Number.isFinite(opts.fps) && opts.fps > 0)) {
    throw new TrajectoryError(`fps must be a positive number, not ${String(opts.fps)}`, { field: 'fps' });
  }
}

/** Validate camera frames for export; returns them with unit quaternions. */
export function checkCameraFrames(frames: readonly CameraFrame[]): CameraFrame[] {
  if (frames.length === 0) throw new TrajectoryError('there are no camera frames to export', { field: 'frames' });
  return frames.map((f, i) => {
    if (!(f.position.length === 3 && isFiniteVec(f.position))) {
      throw new TrajectoryError(`frame ${i}: camera position ${list(f.position)} is not three finite numbers`, {
        field: 'position',
        frame: i,
      });
    }
    const q = f.rotation.length === 4 ? unitQuatOrNull(f.rotation) : null;
    if (q === null) {
      throw new TrajectoryError(
        `frame ${i}: camera rotation ${list(f.rotation)} is not a unit quaternion [x, y, z, w] (length ${Math.hypot(...f.rotation)})`,
        { field: 'rotation', frame: i },
      );
    }
    if (!(Number.isFinite(f.fovY) && f.fovY > 0 && f.fovY < 180)) {
      throw new TrajectoryError(`frame ${i}: vertical field of view ${f.fovY} must be between 0 and 180 degrees`, {
        field: 'fovY',
        frame: i,
      });
    }
    return { position: [f.position[0], f.position[1], f.position[2]], rotation: q, fovY: f.fovY };
  });
}

/** Validate one hand's frames for export; returns them with unit quaternions. */
export function checkHandFrames(side: 'left' | 'right', frames: readonly HandFrame[]): HandFrame[] {
  return frames.map((f, i) => {
    const where = (field: string) => ({ field: `${side}.${field}`, frame: i });
    if (typeof f.visible !== 'boolean')
      throw new TrajectoryError(`frame ${i}: ${side} hand "visible" must be true or false`, where('visible'));
    if (!(f.wristPosition.length === 3 && isFiniteVec(f.wristPosition))) {
      throw new TrajectoryError(
        `frame ${i}: ${side} wrist position ${list(f.wristPosition)} is not three finite numbers`,
        where('wristPosition'),
      );
    }
    const q: Quat | null = f.wristRotation.length === 4 ? unitQuatOrNull(f.wristRotation) : null;
    if (q === null) {
      throw new TrajectoryError(
        `frame ${i}: ${side} wrist rotation ${list(f.wristRotation)} is not a unit quaternion [x, y, z, w] (length ${Math.hypot(...f.wristRotation)})`,
        where('wristRotation'),
      );
    }
    if (f.fingers.length !== MANO_HAND_POSE_LENGTH || !isFiniteVec(f.fingers)) {
      throw new TrajectoryError(
        `frame ${i}: ${side} fingers must be ${MANO_HAND_POSE_LENGTH} finite numbers (15 MANO joints x 3 axis-angle), got ${f.fingers.length}${isFiniteVec(f.fingers) ? '' : ' with a non-finite value'}`,
        where('fingers'),
      );
    }
    if (f.shape !== undefined && (f.shape.length !== MANO_BETAS_LENGTH || !isFiniteVec(f.shape))) {
      throw new TrajectoryError(
        `frame ${i}: ${side} shape must be ${MANO_BETAS_LENGTH} finite MANO betas, got ${f.shape.length}`,
        where('shape'),
      );
    }
    const out: HandFrame = {
      visible: f.visible,
      wristPosition: [f.wristPosition[0], f.wristPosition[1], f.wristPosition[2]],
      wristRotation: q,
      fingers: [...f.fingers],
    };
    if (f.shape !== undefined) out.shape = [...f.shape];
    return out;
  });
}

/**
 * JSON with numbers lists on one line (matrix rows, vectors, poses) and everything else
 * indented: readable in a diff, still plain JSON. Numbers keep full precision.
 */
export function stringifyCompact(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g, (_m, body: string) => `[${body.split(/,\s*/).join(', ')}]`)}\n`;
}
