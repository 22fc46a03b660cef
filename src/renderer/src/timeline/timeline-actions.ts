import { type ChannelPath, getChannel, withChannel } from '../../../shared/animation/channel-path';
import { copyKeys, deleteKeys, type KeyClipboard, moveKeys, pasteKeys, setInterpolation, setKey } from '../../../shared/animation/edit';
import { sampleShot } from '../../../shared/animation/sample';
import type { ChannelValue, Interpolation, Quat, Shot, Vec3 } from '../../../shared/animation/schema';
import type { ProjectDocument } from '../../../shared/project/schema';
import { randomKeyId } from '../../../shared/shot/create-shot';
import { useStudio } from '../state/studio-store';
import { type KeyRef, type TrackId, useTimeline } from '../state/timeline-store';
import { useViewport } from '../state/viewport-store';

/**
 * Timeline commands: each reads the active shot, applies the pure edit functions of
 * src/shared/animation/edit and commits the result as one undoable document edit.
 */

export function activeShot(doc: ProjectDocument | undefined): Shot | null {
  return doc?.shots.find((s) => s.id === doc.activeShotId) ?? null;
}

function replaceShot(doc: ProjectDocument, shot: Shot): ProjectDocument {
  return { ...doc, shots: doc.shots.map((s) => (s.id === shot.id ? shot : s)) };
}

export function editActiveShot(recipe: (shot: Shot) => Shot): void {
  void useStudio.getState().editDocument((doc) => {
    const shot = activeShot(doc);
    return shot ? replaceShot(doc, recipe(shot)) : doc;
  });
}

const playheadFrame = (shot: Shot) => Math.min(shot.frames - 1, Math.max(0, Math.round(useTimeline.getState().frame)));

const pathOf = (ref: { track: TrackId; channel: string }) => ({ track: ref.track, channel: ref.channel }) as ChannelPath;

/** Group selected keys by channel. */
function byChannel(selection: KeyRef[]): { path: ChannelPath; ids: string[] }[] {
  const groups = new Map<string, { path: ChannelPath; ids: string[] }>();
  for (const ref of selection) {
    const name = `${ref.track}.${ref.channel}`;
    const group = groups.get(name) ?? { path: pathOf(ref), ids: [] };
    group.ids.push(ref.id);
    groups.set(name, group);
  }
  return [...groups.values()];
}

function setKeyAt(shot: Shot, path: ChannelPath, frame: number, value: ChannelValue): Shot {
  const interpolation: Interpolation = path.channel === 'visible' ? 'hold' : 'bezier';
  const channel = setKey(getChannel(shot, path), frame, value, { interpolation, newId: randomKeyId });
  return withChannel(shot, path, channel);
}

/** Key the camera at the playhead where the viewport camera is now (or at the pose a gizmo gives). */
export function keyCameraFromView(given?: { position: Vec3; rotation: Quat; fovY: number }): void {
  const pose = given ?? useViewport.getState().cameraPose();
  if (!pose) return;
  editActiveShot((shot) => {
    const frame = playheadFrame(shot);
    let next = setKeyAt(shot, { track: 'camera', channel: 'position' }, frame, pose.position);
    next = setKeyAt(next, { track: 'camera', channel: 'rotation' }, frame, pose.rotation);
    return setKeyAt(next, { track: 'camera', channel: 'fovY' }, frame, pose.fovY);
  });
}

function rotate(q: Quat, v: Vec3): Vec3 {
  const [x, y, z, w] = q;
  const [vx, vy, vz] = v;
  const tx = 2 * (y * vz - z * vy);
  const ty = 2 * (z * vx - x * vz);
  const tz = 2 * (x * vy - y * vx);
  return [vx + w * tx + (y * tz - z * ty), vy + w * ty + (z * tx - x * tz), vz + w * tz + (x * ty - y * tx)];
}

/**
 * Key a hand at the playhead as it is there now (wrist, fingers, visible). A hand that was
 * never keyed starts in front of the camera: 45 cm ahead, 25 cm down, 15 cm to its side.
 */
export function keyHandAtPlayhead(
  side: 'left' | 'right',
  overrides: { fingers?: number[]; visible?: boolean; wrist?: { position: Vec3; rotation: Quat } } = {},
): void {
  editActiveShot((shot) => {
    const frame = playheadFrame(shot);
    const sample = sampleShot(shot, frame);
    const hand = sample.hands[side];
    const keyed = shot.hands[side].wristPosition.keys.length > 0;
    let position = overrides.wrist?.position ?? hand.wristPosition;
    let rotation = overrides.wrist?.rotation ?? hand.wristRotation;
    if (!keyed && !overrides.wrist) {
      const cam = sample.camera;
      const offset = rotate(cam.rotation, [side === 'right' ? 0.15 : -0.15, -0.25, -0.45]);
      position = [cam.position[0] + offset[0], cam.position[1] + offset[1], cam.position[2] + offset[2]];
      rotation = cam.rotation;
    }
    let next = setKeyAt(shot, { track: side, channel: 'wristPosition' }, frame, position);
    next = setKeyAt(next, { track: side, channel: 'wristRotation' }, frame, rotation);
    next = setKeyAt(next, { track: side, channel: 'fingers' }, frame, overrides.fingers ?? hand.fingers);
    return setKeyAt(next, { track: side, channel: 'visible' }, frame, overrides.visible ?? true);
  });
}

export function deleteSelectedKeys(): void {
  const { selection, clearSelection } = useTimeline.getState();
  if (selection.length === 0) return;
  editActiveShot((shot) => byChannel(selection).reduce((s, g) => withChannel(s, g.path, deleteKeys(getChannel(s, g.path), g.ids)), shot));
  clearSelection();
}

export function setSelectedInterpolation(interpolation: Interpolation): void {
  const { selection } = useTimeline.getState();
  editActiveShot((shot) =>
    byChannel(selection).reduce((s, g) => withChannel(s, g.path, setInterpolation(getChannel(s, g.path), g.ids, interpolation)), shot),
  );
}

/** Move the selected keys by whole frames (used live during a drag, from the shot as it was when the drag began). */
export function moveSelection(shot: Shot, selection: KeyRef[], deltaFrames: number): Shot {
  return byChannel(selection).reduce(
    (s, g) => withChannel(s, g.path, moveKeys(getChannel(s, g.path), g.ids, deltaFrames, { clampTo: [0, shot.frames - 1] })),
    shot,
  );
}

let clipboard: KeyClipboard | null = null;

export function copySelection(): void {
  const doc = useStudio.getState().project?.document;
  const shot = activeShot(doc);
  const { selection } = useTimeline.getState();
  if (!shot || selection.length === 0) return;
  clipboard = copyKeys(
    shot,
    byChannel(selection).map((g) => ({ path: g.path, ids: g.ids })),
  );
}

export function pasteAtPlayhead(): void {
  const copied = clipboard;
  if (!copied) return;
  let pasted: KeyRef[] = [];
  editActiveShot((shot) => {
    const result = pasteKeys(shot, copied, playheadFrame(shot), { newId: randomKeyId });
    pasted = result.pasted.flatMap((g) => g.ids.map((id) => ({ track: g.path.track, channel: g.path.channel, id })));
    return result.shot;
  });
  // The pasted keys become the selection, ready to be moved.
  useTimeline.getState().select(pasted);
}

/** Show a finger pose keyed at the playhead while a slider moves (committed by the caller's transaction). */
export function previewHandFingers(side: 'left' | 'right', fingers: number[]): void {
  useStudio.getState().previewDocument((doc) => {
    const shot = activeShot(doc);
    if (!shot) return doc;
    return replaceShot(doc, setKeyAt(shot, { track: side, channel: 'fingers' }, playheadFrame(shot), fingers));
  });
}
