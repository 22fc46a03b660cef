import { Line } from '@react-three/drei';
import { useFrame, useThree } from '@react-three/fiber';
import { Suspense, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { sampleShot } from '../../../shared/animation/sample';
import type { Shot } from '../../../shared/animation/schema';
import { useStudio } from '../state/studio-store';
import { useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';
import { activeShot, keyCameraFromView } from '../timeline/timeline-actions';
import { HandsLayer } from './HandsLayer';
import { KeyingGizmo } from './KeyingGizmo';

/**
 * The active shot in the viewport: the camera path as the interpolated curve, a frustum at
 * every camera key and a highlighted one at the playhead, the hands, and — when "Look
 * through" is on — the viewport seen from the shot's camera at the playhead.
 */
export function ShotLayer() {
  const shot = useStudio((s) => activeShot(s.project?.document));
  const width = useStudio((s) => s.project?.document.shotDefaults.width ?? 720);
  const height = useStudio((s) => s.project?.document.shotDefaults.height ?? 480);
  const lookThrough = useViewport((s) => s.lookThrough);
  if (!shot) return null;
  return (
    <>
      {!lookThrough ? <CameraPath shot={shot} aspect={width / height} /> : <LookThrough shot={shot} />}
      <Suspense fallback={null}>
        <HandsLayer shot={shot} />
      </Suspense>
    </>
  );
}

function CameraPath({ shot, aspect }: { shot: Shot; aspect: number }) {
  const frame = useTimeline((s) => s.frame);
  const gizmoTarget = useViewport((s) => s.gizmoTarget);
  const points = useMemo(() => {
    // Sample between frames too, so the drawn curve is the interpolated path, not a polyline of frames.
    const out: [number, number, number][] = [];
    for (let f = 0; f <= shot.frames - 1; f += 0.25) out.push(sampleShot(shot, f).camera.position);
    return out;
  }, [shot]);
  const keyFrames = useMemo(() => [...new Set(shot.camera.position.keys.map((k) => k.frame))], [shot]);
  const now = sampleShot(shot, frame).camera;
  if (shot.camera.position.keys.length === 0) return null;
  return (
    <group>
      {points.length > 1 ? <Line points={points} color="#f5b942" lineWidth={2} /> : null}
      {keyFrames.map((f) => {
        const c = sampleShot(shot, f).camera;
        return <Frustum key={f} position={c.position} rotation={c.rotation} fovY={c.fovY} aspect={aspect} color="#8d96a8" size={0.12} />;
      })}
      <Frustum position={now.position} rotation={now.rotation} fovY={now.fovY} aspect={aspect} color="#e5484d" size={0.2} />
      {gizmoTarget === 'camera' ? <CameraGizmo shot={shot} /> : null}
    </group>
  );
}

/** A small wireframe pyramid: apex at the camera, opening along its view (-Z). */
function Frustum(props: { position: number[]; rotation: number[]; fovY: number; aspect: number; color: string; size: number }) {
  const geometry = useMemo(() => {
    const h = Math.tan(THREE.MathUtils.degToRad(props.fovY) / 2) * props.size;
    const w = h * props.aspect;
    const d = -props.size;
    const c = [
      [-w, -h, d],
      [w, -h, d],
      [w, h, d],
      [-w, h, d],
    ];
    const seg: number[] = [];
    for (const p of c) seg.push(0, 0, 0, ...(p as number[]));
    for (let i = 0; i < 4; i++) seg.push(...(c[i] as number[]), ...(c[(i + 1) % 4] as number[]));
    // A tick on top says which way is up.
    seg.push(-w * 0.4, h, d, 0, h * 1.4, d, 0, h * 1.4, d, w * 0.4, h, d);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(seg, 3));
    return g;
  }, [props.fovY, props.aspect, props.size]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  return (
    <lineSegments
      geometry={geometry}
      position={props.position as [number, number, number]}
      quaternion={props.rotation as [number, number, number, number]}
    >
      <lineBasicMaterial color={props.color} />
    </lineSegments>
  );
}

/** Gizmo on the shot camera at the playhead; releasing it keys the camera there. */
function CameraGizmo({ shot }: { shot: Shot }) {
  const frame = useTimeline((s) => s.frame);
  const sample = sampleShot(shot, Math.round(frame)).camera;
  return (
    <KeyingGizmo
      position={sample.position}
      rotation={sample.rotation}
      size={0.6}
      onRelease={(pose) => keyCameraFromView({ ...pose, fovY: sample.fovY })}
    />
  );
}

/** Drive the viewport camera from the shot's camera at the playhead; the overlay shows the frame's aspect. */
function LookThrough({ shot }: { shot: Shot }) {
  const camera = useThree((s) => s.camera) as THREE.PerspectiveCamera;
  const invalidate = useThree((s) => s.invalidate);
  const frame = useTimeline((s) => s.frame);
  const saved = useRef<{ position: THREE.Vector3; quaternion: THREE.Quaternion; fov: number } | null>(null);
  useEffect(() => {
    saved.current = { position: camera.position.clone(), quaternion: camera.quaternion.clone(), fov: camera.fov };
    return () => {
      const s = saved.current;
      if (!s) return;
      camera.position.copy(s.position);
      camera.quaternion.copy(s.quaternion);
      camera.fov = s.fov;
      camera.updateProjectionMatrix();
      invalidate();
    };
  }, [camera, invalidate]);
  useFrame(() => {
    const c = sampleShot(shot, frame).camera;
    camera.position.set(...c.position);
    camera.quaternion.set(...c.rotation);
    camera.fov = c.fovY;
    camera.updateProjectionMatrix();
  });
  // A new playhead position (or an edited shot) needs a frame drawn from the new pose.
  useEffect(() => {
    void frame;
    void shot;
    invalidate();
  }, [frame, shot, invalidate]);
  return null;
}
