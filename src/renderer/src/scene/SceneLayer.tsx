import { useFrame, useThree } from '@react-three/fiber';
import { SparkRenderer } from '@sparkjsdev/spark';
import { useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { placementMatrix } from '../../../shared/scene/placement';
import type { SceneAsset } from '../../../shared/scene/schema';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { countPrimitives, disposeObject, loadSceneObject } from './load-scene';

/**
 * Draws the project's scenes, each under a group carrying its placement matrix, so the
 * viewport and the conditioning renderer place a scene the same way (placementMatrix).
 */
export function SceneLayer() {
  const scenes = useStudio((s) => s.project?.document.scenes ?? []);
  const hasSplats = scenes.some((s) => SPLAT_FORMATS.has(s.format));
  return (
    <>
      {hasSplats ? <SplatRenderer /> : null}
      {scenes.map((scene) => (
        <PlacedScene key={`${scene.id}:${scene.file}`} scene={scene} />
      ))}
    </>
  );
}

const SPLAT_FORMATS = new Set<SceneAsset['format']>(['ply-gaussians', 'splat', 'spz']);

/** Spark draws every SplatMesh in the scene through one SparkRenderer object placed in it. */
function SplatRenderer() {
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  // Spark sorts splats in a worker; onDirty says a finished sort (or LoD update) needs a
  // frame, which on-demand rendering would otherwise not draw.
  const spark = useMemo(() => new SparkRenderer({ renderer: gl, onDirty: () => invalidate() }), [gl, invalidate]);
  useEffect(() => () => spark.dispose?.(), [spark]);
  return <primitive object={spark} />;
}

function PlacedScene({ scene }: { scene: SceneAsset }) {
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  const load = useViewport((s) => s.loads[scene.id]);
  const setLoad = useViewport((s) => s.setLoad);
  const group = useRef<THREE.Group>(null);
  const matrix = useMemo(
    () => new THREE.Matrix4().fromArray(placementMatrix(scene.placement, scene.bounds)),
    [scene.placement, scene.bounds],
  );

  // Load once per scene file; free the GPU memory when the scene leaves the project.
  useEffect(() => {
    let cancelled = false;
    let loaded: THREE.Object3D | null = null;
    const started = performance.now();
    setLoad(scene.id, { state: 'loading', fraction: 0 });
    loadSceneObject(scene, gl, (fraction) => {
      if (!cancelled) setLoad(scene.id, { state: 'loading', fraction });
    })
      .then((object) => {
        if (cancelled) {
          disposeObject(object);
          return;
        }
        loaded = object;
        const counts = countPrimitives(object);
        setLoad(scene.id, { state: 'ready', object, loadMs: performance.now() - started, ...counts });
        invalidate();
      })
      .catch((err: Error) => {
        if (!cancelled) setLoad(scene.id, { state: 'error', message: `${scene.file}: ${err.message}` });
      });
    return () => {
      cancelled = true;
      if (loaded) disposeObject(loaded);
      setLoad(scene.id, null);
    };
  }, [scene, gl, invalidate, setLoad]);

  useEffect(() => {
    const g = group.current;
    if (!g) return;
    g.matrixAutoUpdate = false;
    g.matrix.copy(matrix);
    g.matrixWorldNeedsUpdate = true;
  }, [matrix]);

  return (
    <group ref={group} name={`scene:${scene.name}`} visible={scene.visible} userData={{ sceneId: scene.id }}>
      {load?.state === 'ready' ? <primitive object={load.object} /> : null}
      <HiddenNodes />
    </group>
  );
}

/** Applies the outline's per-node visibility toggles (view state, not saved). */
function HiddenNodes() {
  const hidden = useViewport((s) => s.hiddenNodes);
  const loads = useViewport((s) => s.loads);
  useEffect(() => {
    for (const load of Object.values(loads)) {
      if (load.state !== 'ready') continue;
      load.object.traverse((node) => {
        if (node !== load.object) node.visible = !hidden[node.uuid];
      });
    }
  }, [hidden, loads]);
  return null;
}

/**
 * Frame time for the stats overlay: the median interval between consecutive rendered
 * frames over the last half second. Frames are drawn on demand, so this is what a frame
 * costs while the view is moving; the first frame after an idle pause is left out.
 */
export function FrameStats() {
  const setFrameStats = useViewport((s) => s.setFrameStats);
  const acc = useRef({ last: 0, since: 0, intervals: [] as number[] });
  useFrame(() => {
    const a = acc.current;
    const now = performance.now();
    const interval = now - a.last;
    a.last = now;
    // Longer gaps are idle time between interactions, not frame cost.
    if (interval < 5000) a.intervals = [...a.intervals.slice(-15), interval];
    if (now - a.since >= 500 && a.intervals.length > 0) {
      const sorted = [...a.intervals].sort((x, y) => x - y);
      const median = sorted[Math.floor(sorted.length / 2)] as number;
      setFrameStats(1000 / median, median);
      a.since = now;
    }
  });
  return null;
}

/**
 * "Measure" in the stats overlay: draws a burst of frames while turning the camera a little
 * around its target, waiting for the GPU to finish each (a one-pixel readPixels: Chromium
 * runs WebGL in another process and gl.finish does not wait for it), and reports the mean
 * draw time. It answers "how heavy is this scene here", independent of input timing.
 */
export function FrameProbe({ frames = 10 }: { frames?: number }) {
  const { gl, scene, camera, controls, invalidate } = useThree();
  const request = useViewport((s) => s.measureRequest);
  const setMeasured = useViewport((s) => s.setMeasured);
  const handled = useRef(request);
  useEffect(() => {
    if (request === handled.current) return;
    handled.current = request;
    const target = (controls as unknown as { target?: THREE.Vector3 } | null)?.target ?? new THREE.Vector3();
    const start = camera.position.clone();
    const context = gl.getContext();
    const pixel = new Uint8Array(4);
    // Start after the browser has painted the "measuring" state.
    const timer = setTimeout(() => {
      let total = 0;
      for (let i = 0; i < frames; i++) {
        const angle = (i / frames) * 0.2;
        camera.position
          .copy(start)
          .sub(target)
          .applyAxisAngle(new THREE.Vector3(0, 1, 0), angle)
          .add(target);
        camera.lookAt(target);
        const t0 = performance.now();
        gl.render(scene, camera);
        context.readPixels(0, 0, 1, 1, context.RGBA, context.UNSIGNED_BYTE, pixel);
        total += performance.now() - t0;
      }
      camera.position.copy(start);
      camera.lookAt(target);
      setMeasured({ frameMs: total / frames, frames });
      invalidate();
    }, 50);
    return () => clearTimeout(timer);
  }, [request, frames, gl, scene, camera, controls, invalidate, setMeasured]);
  return null;
}
