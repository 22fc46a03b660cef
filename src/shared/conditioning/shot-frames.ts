import { type ShotPose, shotSampler } from '../animation/sample';
import type { Shot } from '../animation/schema';
import type { ConditioningSpec } from './spec';

/**
 * Which moment of a shot each conditioning frame shows. The conditioning has the model's
 * length and rate, the shot its own; frame i is the shot at i / spec.fps seconds. Mapping by
 * time keeps the motion at its real speed (a model trained on 8 fps clips sees 8 fps motion)
 * and keeps the videos in step with the timeline, which seeks them by time. A model shorter
 * than the shot sees its beginning; a longer one sees the shot's last pose held.
 *
 * The renderer (in the UI) and poses.json (written by main) both come from here, so the
 * videos and the poses beside them cannot disagree.
 */
export function shotFrameOf(index: number, spec: Pick<ConditioningSpec, 'fps'>, shot: Pick<Shot, 'fps' | 'frames'>): number {
  return Math.min((index * shot.fps) / spec.fps, shot.frames - 1);
}

/**
 * The pose a conditioning frame shows. A shot that keys no field of view is seen with the
 * model's (spec.fovYDefault), so an unkeyed camera matches what the model was trained on.
 */
export function conditioningSampler(shot: Shot, spec: ConditioningSpec): (index: number) => ShotPose {
  const sample = shotSampler(shot);
  const ownFov = shot.camera.fovY.keys.length > 0;
  return (index) => {
    const pose = sample(shotFrameOf(index, spec, shot));
    return ownFov ? pose : { ...pose, camera: { ...pose.camera, fovY: spec.fovYDefault } };
  };
}

/** Every conditioning frame's pose, 0 .. spec.frames - 1. */
export function sampleConditioningFrames(shot: Shot, spec: ConditioningSpec): ShotPose[] {
  const sample = conditioningSampler(shot, spec);
  return Array.from({ length: spec.frames }, (_, i) => sample(i));
}
