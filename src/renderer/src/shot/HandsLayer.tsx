import { useGLTF } from '@react-three/drei';
import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import * as THREE from 'three';
import { clone as cloneSkinned } from 'three/examples/jsm/utils/SkeletonUtils.js';
import { sampleShot } from '../../../shared/animation/sample';
import type { Shot } from '../../../shared/animation/schema';
import { modelRootTransform, posedModelJoints } from '../../../shared/hand/keypoints';
import { WEBXR_JOINTS } from '../../../shared/hand/skeleton';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { keyHandAtPlayhead } from '../timeline/timeline-actions';
import { KeyingGizmo } from './KeyingGizmo';

/** The viewport shows the hands in the reference's real-data colours: left light green, right light red. */
const HAND_COLOURS = { left: '#96eb96', right: '#eb9696' } as const;

/** Both hands of the shot at the playhead, posed from the sampled wrist and MANO finger pose. */
export function HandsLayer({ shot }: { shot: Shot }) {
  const frame = useTimeline((s) => s.frame);
  const target = useViewport((s) => s.gizmoTarget);
  const lookThrough = useViewport((s) => s.lookThrough);
  const pose = sampleShot(shot, frame).hands;
  return (
    <>
      {(['left', 'right'] as const).map((side) => (pose[side].visible ? <PosedHand key={side} side={side} hand={pose[side]} /> : null))}
      {!lookThrough && target !== 'camera' ? <WristGizmo shot={shot} side={target} /> : null}
    </>
  );
}

function PosedHand({ side, hand }: { side: 'left' | 'right'; hand: ReturnType<typeof sampleShot>['hands']['left'] }) {
  const gltf = useGLTF(`/hands/${side}.glb`);
  const invalidate = useThree((s) => s.invalidate);
  // Each hand gets its own skinned copy and material.
  const { root, bones } = useMemo(() => {
    const root = cloneSkinned(gltf.scene);
    const material = new THREE.MeshStandardMaterial({ color: HAND_COLOURS[side], roughness: 0.6 });
    const bones: THREE.Object3D[] = [];
    root.traverse((node) => {
      if ((node as THREE.SkinnedMesh).isSkinnedMesh) {
        (node as THREE.SkinnedMesh).material = material;
        node.frustumCulled = false;
      }
    });
    for (const name of WEBXR_JOINTS) {
      const bone = root.getObjectByName(name);
      if (!bone) throw new Error(`/hands/${side}.glb has no joint "${name}"`);
      bones.push(bone);
    }
    return { root, bones };
  }, [gltf, side]);

  useEffect(() => {
    // The GLB's bones are flat children of its root, in model space: set them from forward
    // kinematics, and place the root so the wrist joint lands on the keyed wrist.
    const joints = posedModelJoints({ fingers: hand.fingers }, side);
    joints.forEach((j, i) => {
      const bone = bones[i] as THREE.Object3D;
      bone.position.set(...j.position);
      bone.quaternion.set(...j.rotation);
    });
    const place = modelRootTransform(side, { position: hand.wristPosition, rotation: hand.wristRotation });
    root.position.set(...place.position);
    root.quaternion.set(...place.rotation);
    root.updateMatrixWorld(true);
    invalidate();
  }, [hand, side, bones, root, invalidate]);

  return <primitive object={root} name={`hand:${side}`} />;
}

/** Gizmo on a wrist at the playhead; releasing it keys that hand there. */
function WristGizmo({ shot, side }: { shot: Shot; side: 'left' | 'right' }) {
  const frame = useTimeline((s) => s.frame);
  const hand = sampleShot(shot, Math.round(frame)).hands[side];
  if (shot.hands[side].wristPosition.keys.length === 0) return null;
  return (
    <KeyingGizmo
      position={hand.wristPosition}
      rotation={hand.wristRotation}
      size={0.5}
      onRelease={(wrist) => keyHandAtPlayhead(side, { wrist })}
    />
  );
}
