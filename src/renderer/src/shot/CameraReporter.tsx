import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import type * as THREE from 'three';
import { useViewport } from '../state/viewport-store';

/** Lets commands outside the canvas (Key camera, New shot) read the viewport camera's pose. */
export function CameraReporter() {
  const camera = useThree((s) => s.camera) as THREE.PerspectiveCamera;
  const setCameraPose = useViewport((s) => s.setCameraPose);
  useEffect(() => {
    setCameraPose(() => ({
      position: camera.position.toArray() as [number, number, number],
      rotation: camera.quaternion.toArray() as [number, number, number, number],
      fovY: camera.fov,
    }));
    return () => setCameraPose(() => null);
  }, [camera, setCameraPose]);
  return null;
}
