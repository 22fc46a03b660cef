import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import * as THREE from 'three';
import { sampleShot } from '../../../shared/animation/sample';
import { randomKeyId } from '../../../shared/shot/create-shot';
import { graspAndOpen } from '../../../shared/shot/grasp-and-open';
import { useStudio } from '../state/studio-store';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { activeShot, editActiveShot, keyHandAtPlayhead } from '../timeline/timeline-actions';

/**
 * While a pick mode is on, a click on a scene surface raycasts the scene meshes and uses the
 * hit point and its normal: "snap" keys the wrist 4 cm off the surface; "grasp" runs the
 * grasp-and-open helper with the point as the handle and the normal as the pull direction.
 */
export function SurfacePicker() {
  const { gl, camera, scene } = useThree();
  const mode = useViewport((s) => s.pickMode);
  const setPickMode = useViewport((s) => s.setPickMode);
  const side = useViewport((s) => s.gizmoTarget);

  useEffect(() => {
    if (!mode || side === 'camera') return;
    const el = gl.domElement;
    el.style.cursor = 'crosshair';
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setPickMode(null);
    const onDown = (e: PointerEvent) => {
      const rect = el.getBoundingClientRect();
      const ndc = new THREE.Vector2(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
      const ray = new THREE.Raycaster();
      ray.setFromCamera(ndc, camera);
      // Only imported scenes count, not hands, gizmos, helpers or the grid.
      const targets = scene.children.filter((c) => c.userData.sceneId !== undefined);
      const hit = ray.intersectObjects(targets, true).find((h) => (h.object as THREE.Mesh).isMesh && h.face);
      if (!hit?.face) {
        useStudio.getState().toast('error', 'No scene surface under the cursor; click on a mesh (splats cannot be picked yet)');
        return;
      }
      e.stopPropagation();
      const normal = hit.face.normal.clone().transformDirection(hit.object.matrixWorld).normalize();
      if (normal.dot(ray.ray.direction) > 0) normal.negate();
      const point = hit.point.toArray() as [number, number, number];
      const n = normal.toArray() as [number, number, number];
      if (mode === 'snap-wrist') {
        const shot = activeShot(useStudio.getState().project?.document);
        const rotation = shot
          ? sampleShot(shot, Math.round(useTimeline.getState().frame)).hands[side].wristRotation
          : ([0, 0, 0, 1] as [number, number, number, number]);
        keyHandAtPlayhead(side, {
          wrist: { position: normal.multiplyScalar(0.04).add(hit.point).toArray() as [number, number, number], rotation },
        });
      } else {
        editActiveShot((s) =>
          graspAndOpen(s, {
            side,
            target: { handle: point, front: n, motion: { type: 'prismatic', axis: n, distance: 0.3 } },
            newId: randomKeyId,
          }),
        );
      }
      setPickMode(null);
    };
    el.addEventListener('pointerdown', onDown, { capture: true });
    window.addEventListener('keydown', onKey);
    return () => {
      el.style.cursor = '';
      el.removeEventListener('pointerdown', onDown, { capture: true });
      window.removeEventListener('keydown', onKey);
    };
  }, [mode, side, gl, camera, scene, setPickMode]);
  return null;
}
