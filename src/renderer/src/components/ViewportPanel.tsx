import { GizmoHelper, GizmoViewport, Grid, OrbitControls } from '@react-three/drei';
import { Canvas } from '@react-three/fiber';
import { Leva, useControls } from 'leva';
import { useStudio } from '../state/studio-store';
import { runCommand } from './use-shortcuts';

/**
 * The 3D viewport. For now it shows the floor grid and axes of the world (metres, Y up);
 * scenes, the camera path and the hands draw into this canvas as those capabilities land.
 */
export function ViewportPanel() {
  const project = useStudio((s) => s.project);
  return (
    <section className="panel viewport" aria-label="Viewport">
      <div className="panel-header">
        <span>Viewport</span>
        <span className="muted small">metres · Y up</span>
      </div>
      <div className="viewport-body">{project ? <ViewportCanvas /> : <Welcome />}</div>
    </section>
  );
}

function ViewportCanvas() {
  const { grid, axes, background } = useControls('Viewport', {
    grid: true,
    axes: true,
    background: '#1b1e24',
  });
  return (
    <>
      <Canvas
        data-testid="viewport-canvas"
        camera={{ position: [4, 3, 5], fov: 50, near: 0.01, far: 500 }}
        gl={{ preserveDrawingBuffer: true, antialias: true }}
        dpr={[1, 2]}
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
        <OrbitControls makeDefault enableDamping />
        <GizmoHelper alignment="bottom-right" margin={[64, 64]}>
          <GizmoViewport axisColors={['#e5484d', '#46a758', '#3e63dd']} labelColor="#fff" />
        </GizmoHelper>
      </Canvas>
      <div className="viewport-empty-hint">
        This project has no scene yet. Importing a scanned room (glTF, OBJ, PLY, Gaussian splats) is the next capability to land; until then
        the viewport shows the world grid.
      </div>
      <div className="leva-anchor">
        <Leva collapsed fill titleBar={{ title: 'Display', filter: false }} />
      </div>
    </>
  );
}

function Welcome() {
  const recent = useStudio((s) => s.recent);
  const openProject = useStudio((s) => s.openProject);
  return (
    <div className="welcome">
      <h1>Welcome to DWM Studio</h1>
      <p>
        Author egocentric hand–object shots in a scanned room, render the conditioning videos, and generate them with Dexterous World
        Models. Start with a project: a folder that holds your scenes, shots and takes.
      </p>
      <div className="welcome-actions">
        <button type="button" className="primary" onClick={() => runCommand('project.new')}>
          Create a project
        </button>
        <button type="button" onClick={() => runCommand('project.open')}>
          Open a project
        </button>
      </div>
      {recent.length > 0 ? (
        <div className="recent">
          <div className="section-label">Recent</div>
          <ul>
            {recent.slice(0, 5).map((r) => (
              <li key={r.dir}>
                <button type="button" disabled={!r.exists} onClick={() => void openProject(r.dir)} title={r.dir}>
                  <span className="recent-name">{r.name}</span>
                  <span className="recent-dir">{r.exists ? r.dir : `${r.dir} (missing)`}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
