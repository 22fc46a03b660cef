import { TransformControls } from '@react-three/drei';
import { useThree } from '@react-three/fiber';
import { useRef } from 'react';
import type * as THREE from 'three';
import type { Quat, Vec3 } from '../../../shared/animation/schema';
import { useViewport } from '../state/viewport-store';

/**
 * A move/rotate gizmo on a pose at the playhead (the shot camera or a wrist). The orbit
 * controls pause while it is dragged; releasing it hands the new pose to `onRelease`,
 * which keys it (auto-key, one undo step).
 */
export function KeyingGizmo(props: {
  position: Vec3;
  rotation: Quat;
  size: number;
  onRelease: (pose: { position: Vec3; rotation: Quat }) => void;
}) {
  const mode = useViewport((s) => s.gizmoMode);
  const controls = useThree((s) => s.controls) as unknown as { enabled: boolean } | null;
  const proxy = useRef<THREE.Object3D>(null);
  return (
    <>
      <object3D ref={proxy} position={props.position} quaternion={props.rotation} />
      {proxy.current ? (
        <TransformControls
          object={proxy.current}
          mode={mode}
          size={props.size}
          onMouseDown={() => {
            if (controls) controls.enabled = false;
          }}
          onMouseUp={() => {
            if (controls) controls.enabled = true;
            const o = proxy.current;
            if (o) props.onRelease({ position: o.position.toArray() as Vec3, rotation: o.quaternion.toArray() as Quat });
          }}
        />
      ) : null}
    </>
  );
}
