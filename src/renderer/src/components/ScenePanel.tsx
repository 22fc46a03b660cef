import { useState } from 'react';
import type { Object3D } from 'three';
import { partKindOf } from '../../../shared/scene/part-kind';
import { placedBounds } from '../../../shared/scene/placement';
import type { Placement, SceneAsset } from '../../../shared/scene/schema';
import { useStudio } from '../state/studio-store';
import { useViewport } from '../state/viewport-store';
import { graspAndOpenPart } from '../timeline/grasp-helper';
import { TrainingClipsDialog } from './TrainingClipsDialog';
import { runCommand } from './use-shortcuts';

const UNITS: { label: string; scale: number }[] = [
  { label: 'metres', scale: 1 },
  { label: 'centimetres', scale: 0.01 },
  { label: 'millimetres', scale: 0.001 },
  { label: 'inches', scale: 0.0254 },
  { label: 'feet', scale: 0.3048 },
];

const n = (v: number) => v.toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;

function counts(scene: SceneAsset): string {
  const { triangles, points, splats } = scene.stats;
  return [triangles && `${n(triangles)} tris`, points && `${n(points)} pts`, splats && `${n(splats)} splats`].filter(Boolean).join(' · ');
}

/** Scenes of the project, the selected scene's inspector and its node outline. */
export function ScenePanel() {
  const project = useStudio((s) => s.project);
  const editDocument = useStudio((s) => s.editDocument);
  const selectedId = useViewport((s) => s.selectedSceneId);
  const select = useViewport((s) => s.select);
  const scenes = project?.document.scenes ?? [];
  const selected = scenes.find((s) => s.id === selectedId) ?? scenes[0] ?? null;

  const editScene = (id: string, change: (scene: SceneAsset) => SceneAsset) =>
    editDocument((doc) => ({ ...doc, scenes: doc.scenes.map((s) => (s.id === id ? change(s) : s)) }));

  return (
    <aside className="panel scene-panel" aria-label="Scenes">
      <div className="panel-header">
        <span>Scenes</span>
        {project ? (
          <button type="button" className="small-button" onClick={() => runCommand('scene.import')} title="Import a scene (Ctrl+I)">
            + Import
          </button>
        ) : null}
      </div>
      {!project ? (
        <div className="empty-state">
          <span>Open or create a project to import scenes.</span>
        </div>
      ) : scenes.length === 0 ? (
        <div className="empty-state">
          <strong>No scenes</strong>
          <span>Import a scanned room to author shots in it.</span>
          <button type="button" className="primary" onClick={() => runCommand('scene.import')}>
            Import a scene…
          </button>
        </div>
      ) : (
        <div className="scene-panel-body">
          <ul className="scene-list">
            {scenes.map((scene) => (
              <li key={scene.id} className={scene.id === selected?.id ? 'selected' : ''}>
                <input
                  type="checkbox"
                  checked={scene.visible}
                  title={scene.visible ? 'Hide' : 'Show'}
                  aria-label={`Show ${scene.name}`}
                  onChange={(e) => void editScene(scene.id, (s) => ({ ...s, visible: e.target.checked }))}
                />
                <button type="button" className="scene-row" onClick={() => select(scene.id)} data-testid="scene-row">
                  <span className="scene-name">
                    {scene.name}
                    {project.document.activeSceneId === scene.id ? <span className="badge">active</span> : null}
                  </span>
                  <span className="muted small">
                    {scene.format} · {counts(scene)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {selected ? (
            <SceneInspector scene={selected} active={project.document.activeSceneId === selected.id} editScene={editScene} />
          ) : null}
        </div>
      )}
    </aside>
  );
}

function SceneInspector({
  scene,
  active,
  editScene,
}: {
  scene: SceneAsset;
  active: boolean;
  editScene: (id: string, change: (s: SceneAsset) => SceneAsset) => Promise<void>;
}) {
  const editDocument = useStudio((s) => s.editDocument);
  const load = useViewport((s) => s.loads[scene.id]);
  const requestFrame = useViewport((s) => s.requestFrame);
  const [clipsDialog, setClipsDialog] = useState(false);
  const setPlacement = (patch: Partial<Placement>) => void editScene(scene.id, (s) => ({ ...s, placement: { ...s.placement, ...patch } }));
  const unit = UNITS.find((u) => Math.abs(u.scale - scene.placement.unitScale) < 1e-12);
  const placed = placedBounds(scene.placement, scene.bounds);
  const size = placed.max.map((v, i) => v - (placed.min[i] as number));
  return (
    <div className="inspector" data-testid="scene-inspector">
      <div className="section-label">Inspector</div>
      <dl className="facts">
        <dt>File</dt>
        <dd title={scene.file}>{scene.file.split('/').pop()}</dd>
        <dt>Format</dt>
        <dd>{scene.format}</dd>
        <dt>On disk</dt>
        <dd>
          {mb(scene.sizeBytes)} · {scene.files.length} file{scene.files.length > 1 ? 's' : ''}
        </dd>
        <dt>Contents</dt>
        <dd data-testid="scene-counts">{counts(scene)}</dd>
        <dt>Size</dt>
        <dd data-testid="scene-size">{size.map((v) => `${v.toFixed(2)}`).join(' × ')} m</dd>
        {load?.state === 'ready' ? (
          <>
            <dt>Loaded in</dt>
            <dd data-testid="scene-load-time" data-ms={load.loadMs.toFixed(0)}>
              {(load.loadMs / 1000).toFixed(2)} s
            </dd>
          </>
        ) : null}
      </dl>
      <div className="section-label">Placement</div>
      <label className="field">
        Units
        <select
          value={unit ? String(unit.scale) : 'custom'}
          onChange={(e) => e.target.value !== 'custom' && setPlacement({ unitScale: Number(e.target.value) })}
          aria-label="Units"
        >
          {UNITS.map((u) => (
            <option key={u.label} value={String(u.scale)}>
              {u.label}
            </option>
          ))}
          {!unit ? <option value="custom">custom</option> : null}
        </select>
      </label>
      <label className="field">
        Scale (m per unit)
        <input
          type="number"
          step="any"
          min={0.000001}
          value={scene.placement.unitScale}
          aria-label="Scale override"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v) && v > 0 && v <= 1000) setPlacement({ unitScale: v });
          }}
        />
      </label>
      <div className="field">
        Up axis
        <fieldset className="segmented" aria-label="Up axis">
          {(['y', 'z'] as const).map((axis) => (
            <button key={axis} type="button" aria-pressed={scene.placement.upAxis === axis} onClick={() => setPlacement({ upAxis: axis })}>
              {axis.toUpperCase()} up
            </button>
          ))}
        </fieldset>
      </div>
      <label className="field checkbox">
        <input type="checkbox" checked={scene.placement.recenter} onChange={(e) => setPlacement({ recenter: e.target.checked })} />
        Recentre on the floor
      </label>
      <div className="inspector-actions">
        <button type="button" onClick={requestFrame}>
          Frame
        </button>
        <button type="button" disabled={active} onClick={() => void editDocument((doc) => ({ ...doc, activeSceneId: scene.id }))}>
          {active ? 'Active scene' : 'Make active'}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() =>
            void editDocument((doc) => {
              const scenes = doc.scenes.filter((s) => s.id !== scene.id);
              const activeSceneId = doc.activeSceneId === scene.id ? (scenes[0]?.id ?? null) : doc.activeSceneId;
              // Shots staged in the removed scene move to the active one (or to none).
              const shots = doc.shots.map((shot) => (shot.sceneId === scene.id ? { ...shot, sceneId: activeSceneId } : shot));
              return { ...doc, scenes, activeSceneId, shots };
            })
          }
          title="Remove from the project (Ctrl+Z undoes it; the files stay in the project folder)"
        >
          Remove
        </button>
      </div>
      {scene.articulations.length > 0 ? (
        <>
          <div className="section-label" title="Grasp & open: R / L keys that hand opening (or lifting) the part in the active shot">
            Articulated parts · grasp &amp; open
          </div>
          <ul className="parts" data-testid="articulations">
            {scene.articulations.map((a) => {
              const kind = partKindOf(a.type, a.axis, scene.placement.upAxis === 'z' ? [0, 0, 1] : [0, 1, 0]);
              const name = a.label ?? a.node;
              const verb = kind === 'lift' ? 'Lift' : 'Open';
              const doing = kind === 'lift' ? 'lifting' : 'opening';
              const degrees = ((a.limits[1] * 180) / Math.PI).toFixed(0);
              const centimetres = (a.limits[1] * 100).toFixed(0);
              const range =
                kind === 'drawer'
                  ? `slides ${centimetres} cm`
                  : kind === 'lift'
                    ? `lifts ${centimetres} cm`
                    : kind === 'lid'
                      ? `lid hinge ${degrees}°`
                      : `hinge ${degrees}°`;
              return (
                <li key={a.node} data-kind={kind}>
                  <span>{name}</span>
                  <span className="muted small">{range}</span>
                  <span className="part-actions">
                    {(['right', 'left'] as const).map((side) => (
                      <button
                        key={side}
                        type="button"
                        className="link-button"
                        onClick={() => graspAndOpenPart(scene, a, side)}
                        title={`Key the ${side} hand reaching, grasping and ${doing} this part in the active shot`}
                        aria-label={`${verb} ${name} with the ${side} hand`}
                      >
                        {side === 'right' ? 'R' : 'L'}
                      </button>
                    ))}
                  </span>
                </li>
              );
            })}
          </ul>
          <button
            type="button"
            className="small-button"
            onClick={() => setClipsDialog(true)}
            title="Render synthetic training clips (interaction, static, hands, mask) of these parts into the project's training-clips folder"
          >
            Generate training clips…
          </button>
          {clipsDialog ? <TrainingClipsDialog scene={scene} onClose={() => setClipsDialog(false)} /> : null}
        </>
      ) : null}
      {load?.state === 'ready' ? <Outline root={load.object} /> : null}
    </div>
  );
}

/** The loaded scene's node tree; the eye toggles hide nodes in the viewport only. */
function Outline({ root }: { root: Object3D }) {
  return (
    <>
      <div className="section-label">Outline</div>
      <ul className="outline" data-testid="outline">
        {root.children.slice(0, 200).map((child) => (
          <OutlineNode key={child.uuid} node={child} depth={0} />
        ))}
      </ul>
    </>
  );
}

function OutlineNode({ node, depth }: { node: Object3D; depth: number }) {
  const hidden = useViewport((s) => Boolean(s.hiddenNodes[node.uuid]));
  const toggle = useViewport((s) => s.toggleNode);
  const [open, setOpen] = useState(depth < 1);
  const children = node.children.slice(0, 200);
  return (
    <li>
      <div className="outline-row" style={{ paddingLeft: depth * 12 }}>
        {children.length ? (
          <button type="button" className="twisty" onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" />
        )}
        <input type="checkbox" checked={!hidden} onChange={() => toggle(node.uuid)} aria-label={`Show ${node.name || node.type}`} />
        <span className={hidden ? 'muted' : ''}>{node.name || node.type}</span>
      </div>
      {open && children.length ? (
        <ul>
          {children.map((c) => (
            <OutlineNode key={c.uuid} node={c} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
