import { useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import * as THREE from 'three';
import { placedBounds } from '../../../shared/scene/placement';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';

type ControlsWithTarget = { target: THREE.Vector3; update: () => void };

/**
 * Frames everything visible when asked (toolbar button, F key) and once when the first
 * scene of a project appears. Uses the placed bounds stored with each scene, so it works
 * before the scene has finished loading.
 */
export function FrameController() {
  const camera = useThree((s) => s.camera) as THREE.PerspectiveCamera;
  const controls = useThree((s) => s.controls) as unknown as ControlsWithTarget | null;
  const invalidate = useThree((s) => s.invalidate);
  const frameRequest = useViewport((s) => s.frameRequest);
  const scenes = useStudio((s) => s.project?.document.scenes ?? []);
  const framedOnce = useRef(false);
  const handledRequest = useRef(frameRequest);

  // Frame on a new request, or once when the first scene appears; never on other document
  // edits (hiding a scene must not move the camera).
  useEffect(() => {
    const requested = frameRequest !== handledRequest.current;
    const firstScene = !framedOnce.current && scenes.length > 0;
    if (!requested && !firstScene) return;
    handledRequest.current = frameRequest;
    framedOnce.current = true;
    const box = new THREE.Box3();
    for (const scene of scenes) {
      if (!scene.visible) continue;
      const b = placedBounds(scene.placement, scene.bounds);
      box.union(new THREE.Box3(new THREE.Vector3(...b.min), new THREE.Vector3(...b.max)));
    }
    if (box.isEmpty()) box.set(new THREE.Vector3(-1, 0, -1), new THREE.Vector3(1, 1, 1));
    const sphere = box.getBoundingSphere(new THREE.Sphere());
    const fov = THREE.MathUtils.degToRad(camera.fov);
    const distance = (sphere.radius / Math.sin(fov / 2)) * 1.05;
    // From above and to one side: rooms have no ceiling, so a steep view sees over the walls into them.
    const direction = new THREE.Vector3(0.5, 1.1, 0.75).normalize();
    camera.position.copy(sphere.center).addScaledVector(direction, distance);
    camera.near = Math.max(distance / 1000, 0.001);
    camera.far = distance * 100;
    camera.updateProjectionMatrix();
    camera.lookAt(sphere.center);
    if (controls?.target) {
      controls.target.copy(sphere.center);
      controls.update();
    }
    invalidate();
  }, [frameRequest, scenes, camera, controls, invalidate]);
  return null;
}
