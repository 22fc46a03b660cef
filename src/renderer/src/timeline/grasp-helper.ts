import * as THREE from 'three';
import type { Articulation, SceneAsset } from '../../../shared/scene/schema';
import { randomKeyId } from '../../../shared/shot/create-shot';
import { type GraspTarget, graspAndOpen, graspTargetOf, motionKind } from '../../../shared/shot/grasp-and-open';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { editActiveShot } from './timeline-actions';

/**
 * An articulated part's handle and motion in world space. The joint metadata is in the
 * part's parent space; the loaded scene gives the parent's world matrix (placement included).
 */
export function articulationInWorld(scene: SceneAsset, part: Articulation): GraspTarget | null {
  const load = useViewport.getState().loads[scene.id];
  if (load?.state !== 'ready') return null;
  return articulationTarget(load.object, part);
}

/** The same from any placed copy of the scene object (the training clip renderer has its own). */
export function articulationTarget(object: THREE.Object3D, part: Articulation): GraspTarget | null {
  const node = object.getObjectByName(part.node);
  const parent = node?.parent;
  if (!node || !parent) return null;
  parent.updateWorldMatrix(true, false);
  const m = parent.matrixWorld;
  const point = (p: readonly number[]) =>
    new THREE.Vector3(...(p as [number, number, number])).applyMatrix4(m).toArray() as [number, number, number];
  const direction = (d: readonly number[]) =>
    new THREE.Vector3(...(d as [number, number, number])).transformDirection(m).toArray() as [number, number, number];
  return graspTargetOf(part, point, direction);
}

/** Key a hand reaching, grasping and opening (or lifting) the part, in the active shot (one undo step). */
export function graspAndOpenPart(scene: SceneAsset, part: Articulation, side: 'left' | 'right'): void {
  const target = articulationInWorld(scene, part);
  const { toast } = useStudio.getState();
  if (!target) {
    toast('error', `${part.label ?? part.node}: the scene must be loaded in the viewport first`);
    return;
  }
  if (!useStudio.getState().project?.document.activeShotId) {
    toast('error', 'Create a shot first (New shot in the timeline)');
    return;
  }
  editActiveShot((shot) => graspAndOpen(shot, { side, target, newId: randomKeyId }));
  const doing = motionKind(target.motion) === 'lift' ? 'lifting' : 'opening';
  toast('info', `Keyed the ${side} hand ${doing} ${part.label ?? part.node}`);
}
