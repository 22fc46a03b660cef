import { FlyControls, GizmoHelper, GizmoViewport, Grid, OrbitControls } from '@react-three/drei';
import { Canvas } from '@react-three/fiber';
import { Leva, useControls } from 'leva';
import { useEffect } from 'react';
import { FrameController } from '../scene/FrameController';
import { FrameProbe, FrameStats, SceneLayer } from '../scene/SceneLayer';
import { CameraReporter } from '../shot/CameraReporter';
import { HandPosePanel } from '../shot/HandPosePanel';
import { ShotLayer } from '../shot/ShotLayer';
import { SurfacePicker } from '../shot/SurfacePicker';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { RecentProjects } from './RecentProjects';
import { runCommand } from './use-shortcuts';

/**
 * The 3D viewport: the project's scenes on the world grid (metres, Y up), orbit or fly
 * navigation, frame-all, and live stats. The camera path and hands draw into the same
 * canvas as children of <ViewportContent> when the timeline lands.
 */
export function ViewportPanel() {
  const project = useStudio((s) => s.project);
  const navigation = useViewport((s) => s.navigation);
  const setNavigation = useViewport((s) => s.setNavigation);
  const requestFrame = useViewport((s) => s.requestFrame);
  return (
    <section className="panel viewport" aria-label="Viewport">
      <div className="panel-header">
        <span>Viewport</span>
        {project ? (
          <div className="panel-tools">
            <button type="button" onClick={() => runCommand('scene.import')} title="Import a scene file (Ctrl+I)">
              Import…
            </button>
            <button type="button" onClick={requestFrame} title="Frame everything visible (F)">
              Frame all
            </button>
            <LookThroughToggle />
            <fieldset className="segmented" aria-label="Navigation">
              <button
                type="button"
                aria-pressed={navigation === 'orbit'}
                onClick={() => setNavigation('orbit')}
                title="Orbit: drag to rotate, right-drag to pan, wheel to zoom"
              >
                Orbit
              </button>
              <button
                type="button"
                aria-pressed={navigation === 'fly'}
                onClick={() => setNavigation('fly')}
                title="Fly: drag to look, W A S D to move, R F up/down"
              >
                Fly
              </button>
            </fieldset>
          </div>
        ) : (
          <span className="muted small">metres · Y up</span>
        )}
      </div>
      <div className="viewport-body">{project ? <ViewportCanvas /> : <Welcome />}</div>
    </section>
  );
}

function ViewportCanvas() {
  const { grid, axes, background } = useControls('Viewport', { grid: true, axes: true, background: '#1b1e24' });
  const navigation = useViewport((s) => s.navigation);
  const requestFrame = useViewport((s) => s.requestFrame);
  const lookThrough = useViewport((s) => s.lookThrough);
  const aspect = useStudio((s) => (s.project ? s.project.document.shotDefaults.width / s.project.document.shotDefaults.height : 1.5));
  const hasScenes = useStudio((s) => (s.project?.document.scenes.length ?? 0) > 0);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
      // In fly mode F moves down, so framing is the toolbar button there.
      if (e.key === 'f' && useViewport.getState().navigation === 'orbit') requestFrame();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [requestFrame]);
  return (
    <>
      <Canvas
        data-testid="viewport-canvas"
        camera={{ position: [4, 3, 5], fov: 50, near: 0.01, far: 500 }}
        gl={{ preserveDrawingBuffer: true, antialias: true }}
        dpr={[1, 2]}
        // Draw only when something changed (camera, edits, loads): an idle studio costs no CPU or GPU.
        frameloop="demand"
      >
        <color attach="background" args={[background]} />
        <hemisphereLight args={['#ffffff', '#333844', 1.2]} />
        <directionalLight position={[5, 8, 3]} intensity={1.5} />
        {grid ? (
          <Grid
            infiniteGrid
            cellSize={0.1}
            sectionSize={1}
            cellColor="#2d323c"
            sectionColor="#4a5263"
            fadeDistance={40}
            fadeStrength={1.5}
          />
        ) : null}
        {axes ? <axesHelper args={[1]} /> : null}
        <SceneLayer />
        <ShotLayer />
        <CameraReporter />
        <SurfacePicker />
        <FrameStats />
        <FrameProbe />
        <FrameController />
        {lookThrough ? null : navigation === 'orbit' ? (
          <OrbitControls makeDefault enableDamping />
        ) : (
          <FlyControls makeDefault movementSpeed={1.5} rollSpeed={0.6} dragToLook />
        )}
        <GizmoHelper alignment="bottom-right" margin={[64, 64]}>
          <GizmoViewport axisColors={['#e5484d', '#46a758', '#3e63dd']} labelColor="#fff" />
        </GizmoHelper>
      </Canvas>
      {!hasScenes ? (
        <div className="viewport-empty-hint">
          This project has no scene yet. Import a scanned room (glTF/GLB, OBJ, PLY mesh or point cloud, Gaussian splats) with Import… or
          Ctrl+I.
        </div>
      ) : null}
      {lookThrough ? <LetterBox aspect={aspect} /> : null}
      <HandPosePanel />
      <ViewportStats />
      <div className="leva-anchor">
        <Leva collapsed fill titleBar={{ title: 'Display', filter: false }} />
      </div>
    </>
  );
}

/** Masks the viewport outside the shot's frame (e.g. 720x480), so looking through shows what the model will see. */
function LetterBox({ aspect }: { aspect: number }) {
  return (
    <div className="letterbox" style={{ ['--aspect' as string]: aspect }} data-testid="letterbox">
      <div className="letterbox-frame" />
    </div>
  );
}

/** Frame rate, what is drawn, and loading progress, in the viewport's corner. */
function ViewportStats() {
  const fps = useViewport((s) => s.fps);
  const frameMs = useViewport((s) => s.frameMs);
  const loads = useViewport((s) => s.loads);
  const measured = useViewport((s) => s.measured);
  const measureRequest = useViewport((s) => s.measureRequest);
  const requestMeasure = useViewport((s) => s.requestMeasure);
  const scenes = useStudio((s) => s.project?.document.scenes ?? []);
  let triangles = 0;
  let points = 0;
  let splats = 0;
  const loading: string[] = [];
  const errors: string[] = [];
  for (const scene of scenes) {
    const load = loads[scene.id];
    if (!scene.visible || !load) continue;
    if (load.state === 'ready') {
      triangles += load.triangles;
      points += load.points;
      splats += scene.stats.splats;
    } else if (load.state === 'loading') {
      loading.push(`${scene.name}${load.fraction !== null ? ` ${Math.round(load.fraction * 100)}%` : ''}`);
    } else errors.push(load.message);
  }
  const n = (v: number) => v.toLocaleString('en');
  return (
    <div className="viewport-stats" data-testid="viewport-stats" data-fps={fps.toFixed(2)} data-frame-ms={frameMs.toFixed(2)}>
      <div>
        {fps.toFixed(0)} fps · {frameMs.toFixed(1)} ms
        <button
          type="button"
          className="link-button"
          onClick={requestMeasure}
          title="Draw 10 frames while turning the view slightly and report the mean draw time"
        >
          {measureRequest > 0 && !measured ? 'measuring…' : 'measure'}
        </button>
      </div>
      {measured ? (
        <div data-testid="measured-frame" data-ms={measured.frameMs.toFixed(2)}>
          draw {measured.frameMs.toFixed(1)} ms / frame ({measured.frames} frames)
        </div>
      ) : null}
      {triangles ? <div>{n(triangles)} triangles</div> : null}
      {points ? <div>{n(points)} points</div> : null}
      {splats ? <div>{n(splats)} splats</div> : null}
      {loading.length ? <div className="loading">Loading {loading.join(', ')}…</div> : null}
      {errors.map((e) => (
        <div key={e} className="error" role="alert">
          {e}
        </div>
      ))}
    </div>
  );
}

function Welcome() {
  return (
    <div className="welcome">
      <h1>Welcome to DWM Studio</h1>
      <p>
        Author egocentric hand–object shots in a scanned room, render the conditioning videos, and generate them with Dexterous World
        Models. Start with a project: a folder that holds your scenes, shots and takes. New projects open with a sample room.
      </p>
      <div className="welcome-actions">
        <button type="button" className="primary" onClick={() => runCommand('project.new')}>
          Create a project
        </button>
        <button type="button" onClick={() => runCommand('project.open')}>
          Open a project
        </button>
      </div>
      <RecentProjects title="Recent" limit={5} />
    </div>
  );
}

function LookThroughToggle() {
  const hasShot = useStudio((s) => Boolean(s.project?.document.activeShotId));
  const lookThrough = useViewport((s) => s.lookThrough);
  const setLookThrough = useViewport((s) => s.setLookThrough);
  const gizmoMode = useViewport((s) => s.gizmoMode);
  const setGizmoMode = useViewport((s) => s.setGizmoMode);
  const gizmoTarget = useViewport((s) => s.gizmoTarget);
  const setGizmoTarget = useViewport((s) => s.setGizmoTarget);
  if (!hasShot) return null;
  return (
    <>
      <select
        aria-label="Gizmo target"
        value={gizmoTarget}
        onChange={(e) => setGizmoTarget(e.target.value as typeof gizmoTarget)}
        title="What the gizmo moves"
      >
        <option value="camera">Camera</option>
        <option value="right">Right wrist</option>
        <option value="left">Left wrist</option>
      </select>
      <fieldset className="segmented" aria-label="Gizmo">
        <button
          type="button"
          aria-pressed={gizmoMode === 'translate'}
          onClick={() => setGizmoMode('translate')}
          title="Move the shot camera and wrists"
        >
          Move
        </button>
        <button
          type="button"
          aria-pressed={gizmoMode === 'rotate'}
          onClick={() => setGizmoMode('rotate')}
          title="Rotate the shot camera and wrists"
        >
          Rotate
        </button>
      </fieldset>
      <button
        type="button"
        aria-pressed={lookThrough}
        onClick={() => setLookThrough(!lookThrough)}
        title="Look through the shot's egocentric camera"
      >
        Look through
      </button>
    </>
  );
}
