import { describe, expect, it } from 'vitest';
import { History } from '../../../src/renderer/src/state/history';
import { getChannel, withChannel } from '../../../src/shared/animation/channel-path';
import { copyKeys, deleteKeys, moveKeys, pasteKeys, setInterpolation, setKey } from '../../../src/shared/animation/edit';
import type { Shot } from '../../../src/shared/animation/schema';
import { CURRENT_SCHEMA_VERSION, ProjectDocument } from '../../../src/shared/project/schema';
import { createShot } from '../../../src/shared/shot/create-shot';

/**
 * Undo/redo of every kind of document edit the studio makes, through the same History the
 * UI uses and the same pure edit functions the timeline calls. Each case: apply the edit,
 * undo restores the exact previous document, redo the exact edited one.
 */

let seq = 0;
const newId = () => `k${++seq}`;

function baseDoc(): ProjectDocument {
  const shot = createShot({
    id: '11111111-1111-4111-8111-111111111111',
    name: 'Shot 1',
    frames: 49,
    fps: 8,
    sceneId: null,
    camera: { position: [0, 1.6, 2], rotation: [0, 0, 0, 1], fovY: 60 },
    newKeyId: newId,
  });
  return ProjectDocument.parse({
    schemaVersion: CURRENT_SCHEMA_VERSION,
    id: '22222222-2222-4222-8222-222222222222',
    name: 'Undo study',
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
    appVersion: 'test',
    shotDefaults: { frames: 49, fps: 8, width: 720, height: 480 },
    shots: [shot],
    activeShotId: shot.id,
  });
}

const editShot = (doc: ProjectDocument, change: (s: Shot) => Shot): ProjectDocument => ({
  ...doc,
  shots: doc.shots.map((s) => (s.id === doc.activeShotId ? change(s) : s)),
});
const cameraPos = { track: 'camera', channel: 'position' } as const;
const rightFingers = { track: 'right', channel: 'fingers' } as const;

function withPositionKeyAt24(doc: ProjectDocument): ProjectDocument {
  return editShot(doc, (s) =>
    withChannel(s, cameraPos, setKey(getChannel(s, cameraPos), 24, [1, 1.5, 0], { interpolation: 'bezier', newId })),
  );
}

const edits: [string, (doc: ProjectDocument) => ProjectDocument][] = [
  ['rename the project', (doc) => ({ ...doc, name: 'Renamed' })],
  [
    'add a camera key',
    (doc) =>
      editShot(doc, (s) =>
        withChannel(s, cameraPos, setKey(getChannel(s, cameraPos), 40, [2, 1.4, -1], { interpolation: 'bezier', newId })),
      ),
  ],
  [
    'key a hand pose',
    (doc) =>
      editShot(doc, (s) =>
        withChannel(s, rightFingers, setKey(getChannel(s, rightFingers), 10, Array(45).fill(0.3), { interpolation: 'bezier', newId })),
      ),
  ],
  [
    'move keys',
    (doc) => {
      const id = getChannel(activeShot(doc), cameraPos).keys[0]?.id as string;
      return editShot(doc, (s) => withChannel(s, cameraPos, moveKeys(getChannel(s, cameraPos), [id], 5)));
    },
  ],
  [
    'delete keys',
    (doc) => {
      const id = getChannel(activeShot(doc), cameraPos).keys[0]?.id as string;
      return editShot(doc, (s) => withChannel(s, cameraPos, deleteKeys(getChannel(s, cameraPos), [id])));
    },
  ],
  [
    'change interpolation',
    (doc) => {
      const id = getChannel(activeShot(doc), cameraPos).keys[0]?.id as string;
      return editShot(doc, (s) => withChannel(s, cameraPos, setInterpolation(getChannel(s, cameraPos), [id], 'hold')));
    },
  ],
  [
    'paste keys',
    (doc) => {
      const shot = activeShot(doc);
      const ids = getChannel(shot, cameraPos).keys.map((k) => k.id);
      const clip = copyKeys(shot, [{ path: cameraPos, ids }]);
      return editShot(doc, (s) => pasteKeys(s, clip, 30, { newId }).shot);
    },
  ],
  [
    'add a shot',
    (doc) => ({ ...doc, shots: [...doc.shots, { ...activeShot(doc), id: '33333333-3333-4333-8333-333333333333', name: 'Shot 2' }] }),
  ],
  ['set the shot prompt', (doc) => editShot(doc, (s) => ({ ...s, prompt: 'open the top drawer' }))],
];

function activeShot(doc: ProjectDocument): Shot {
  return doc.shots.find((s) => s.id === doc.activeShotId) as Shot;
}

describe('undo and redo', () => {
  for (const [name, edit] of edits) {
    it(`${name}: undo restores the previous document, redo the edited one`, () => {
      const history = new History<ProjectDocument>();
      const before = withPositionKeyAt24(baseDoc());
      const after = edit(before);
      ProjectDocument.parse(after); // every edit leaves a valid document
      expect(after).not.toEqual(before);
      expect(history.record(before, after)).toBe(true);
      const undone = history.undo(after);
      expect(undone).toEqual(before);
      expect(history.canRedo).toBe(true);
      expect(history.redo(undone as ProjectDocument)).toEqual(after);
      expect(history.canRedo).toBe(false);
    });
  }

  it('records a drag as one step however many intermediate states it showed', () => {
    const history = new History<ProjectDocument>();
    const start = withPositionKeyAt24(baseDoc());
    const id = getChannel(activeShot(start), cameraPos).keys[1]?.id as string;
    history.begin(start);
    let current = start;
    for (let d = 1; d <= 6; d++) {
      current = editShot(start, (s) => withChannel(s, cameraPos, moveKeys(getChannel(s, cameraPos), [id], d)));
    }
    expect(history.commit(current)).toBe(true);
    expect(history.undo(current)).toEqual(start);
    expect(history.canUndo).toBe(false);
  });

  it('records nothing for a drag that ends where it began, or an edit that changes nothing', () => {
    const history = new History<ProjectDocument>();
    const doc = baseDoc();
    history.begin(doc);
    expect(history.commit(structuredClone(doc))).toBe(false);
    expect(history.record(doc, structuredClone(doc))).toBe(false);
    expect(history.canUndo).toBe(false);
  });

  it('a cancelled drag returns the starting document and records nothing', () => {
    const history = new History<ProjectDocument>();
    const doc = baseDoc();
    history.begin(doc);
    expect(history.cancel()).toBe(doc);
    expect(history.canUndo).toBe(false);
  });

  it('a new edit after undo clears the redo stack, and the limit drops the oldest steps', () => {
    const history = new History<number>(3);
    history.record(0, 1);
    history.record(1, 2);
    expect(history.undo(2)).toBe(1);
    history.record(1, 5);
    expect(history.canRedo).toBe(false);
    history.record(5, 6);
    history.record(6, 7);
    history.record(7, 8);
    expect([history.undo(8), history.undo(7), history.undo(6), history.undo(5)]).toEqual([7, 6, 5, null]);
  });
});
