import { describe, expect, it } from 'vitest';
import {
  CHANNEL_PATHS,
  type ChannelPath,
  channelKind,
  defaultInterpolation,
  getChannel,
  withChannel,
} from '../../../src/shared/animation/channel-path';
import { copyKeys, deleteKeys, type KeyClipboard, moveKeys, pasteKeys, setInterpolation, setKey } from '../../../src/shared/animation/edit';
import type { Channel } from '../../../src/shared/animation/keys';
import { type Quat, Shot, type Vec3 } from '../../../src/shared/animation/schema';
import { channelOf, deepFreeze, emptyShot, idFactory } from './helpers';

/** Frames and ids of a channel, the shape most assertions care about. */
function layout<V>(channel: Channel<V>): [number, string][] {
  return channel.keys.map((k) => [k.frame, k.id]);
}

function scalar(pairs: [number, number][]): Channel<number> {
  return deepFreeze(channelOf(pairs));
}

describe('setKey', () => {
  it('inserts keys in frame order with a new id and the given interpolation', () => {
    const channel = scalar([
      [0, 1],
      [20, 3],
    ]);
    const next = setKey(channel, 10, 2, { interpolation: 'linear', newId: idFactory() });
    expect(layout(next)).toEqual([
      [0, 'k0'],
      [10, 'n0'],
      [20, 'k1'],
    ]);
    expect(next.keys[1]).toEqual({ id: 'n0', frame: 10, value: 2, interpolation: 'linear' });
    expect(layout(setKey(channel, 30, 9, { interpolation: 'bezier', newId: idFactory() })).map(([f]) => f)).toEqual([0, 20, 30]);
    expect(layout(setKey(deepFreeze({ keys: [] } as Channel<number>), 5, 9, { interpolation: 'bezier', newId: idFactory() }))).toEqual([
      [5, 'n0'],
    ]);
  });

  it('replaces the value at an occupied frame, keeping id, interpolation and handles', () => {
    const channel = deepFreeze({
      keys: [
        {
          id: 'a',
          frame: 4,
          value: 1,
          interpolation: 'hold' as const,
          handles: [{ in: [-1, 0] as [number, number], out: [1, 0] as [number, number] }],
        },
      ],
    });
    const next = setKey(channel, 4, 7, { interpolation: 'bezier', newId: () => 'unused' });
    expect(next.keys).toEqual([{ ...channel.keys[0], value: 7 }]);
  });

  it('copies array values, so later changes by the caller do not leak in', () => {
    const value: Vec3 = [1, 2, 3];
    const next = setKey(deepFreeze({ keys: [] }) as Channel<Vec3>, 0, value, { interpolation: 'bezier', newId: idFactory() });
    value[0] = 99;
    expect(next.keys[0]?.value).toEqual([1, 2, 3]);
  });

  it('rejects fractional or negative frames and duplicate ids', () => {
    const channel = scalar([[0, 1]]);
    expect(() => setKey(channel, 2.5, 1, { interpolation: 'bezier', newId: idFactory() })).toThrow(RangeError);
    expect(() => setKey(channel, -1, 1, { interpolation: 'bezier', newId: idFactory() })).toThrow(RangeError);
    expect(() => setKey(channel, 3, 1, { interpolation: 'bezier', newId: () => 'k0' })).toThrow(/duplicate/);
  });
});

describe('deleteKeys / setInterpolation', () => {
  it('delete removes exactly the given ids, ignoring unknown ones', () => {
    const channel = scalar([
      [0, 1],
      [5, 2],
      [9, 3],
    ]);
    expect(layout(deleteKeys(channel, ['k1', 'nope']))).toEqual([
      [0, 'k0'],
      [9, 'k2'],
    ]);
    expect(deleteKeys(channel, new Set(['k0', 'k1', 'k2'])).keys).toEqual([]);
  });

  it('setInterpolation changes only the selected keys and shares the others', () => {
    const channel = scalar([
      [0, 1],
      [5, 2],
      [9, 3],
    ]);
    const next = setInterpolation(channel, ['k1'], 'hold');
    expect(next.keys.map((k) => k.interpolation)).toEqual(['bezier', 'hold', 'bezier']);
    expect(next.keys[0]).toBe(channel.keys[0]);
    expect(next).not.toBe(channel);
  });
});

describe('moveKeys', () => {
  const channel = scalar([
    [0, 0],
    [4, 1],
    [8, 2],
    [12, 3],
  ]);

  it('shifts the selection, keeps ids and keeps keys sorted', () => {
    // k0 0 -> 6 and k1 4 -> 10 jump over the unselected k2 at 8, which stays.
    expect(layout(moveKeys(channel, ['k0', 'k1'], 6))).toEqual([
      [6, 'k0'],
      [8, 'k2'],
      [10, 'k1'],
      [12, 'k3'],
    ]);
    expect(layout(moveKeys(channel, ['k3'], -1))).toEqual([
      [0, 'k0'],
      [4, 'k1'],
      [8, 'k2'],
      [11, 'k3'],
    ]);
  });

  it('a move onto an occupied frame replaces the unselected key there', () => {
    const next = moveKeys(channel, ['k1'], 4);
    expect(layout(next)).toEqual([
      [0, 'k0'],
      [8, 'k1'],
      [12, 'k3'],
    ]);
    expect(next.keys[1]?.value).toBe(1);
  });

  it('selected keys passing each other never collide (the block moves rigidly)', () => {
    expect(layout(moveKeys(channel, ['k1', 'k2'], 4))).toEqual([
      [0, 'k0'],
      [8, 'k1'],
      [12, 'k2'],
    ]);
  });

  it('clamps the block to the range instead of piling keys onto its edge', () => {
    expect(layout(moveKeys(channel, ['k2', 'k3'], 100, { clampTo: [0, 48] }))).toEqual([
      [0, 'k0'],
      [4, 'k1'],
      [44, 'k2'],
      [48, 'k3'],
    ]);
    expect(layout(moveKeys(channel, ['k1', 'k2'], -100, { clampTo: [0, 48] }))).toEqual([
      [0, 'k1'],
      [4, 'k2'],
      [12, 'k3'],
    ]);
    // Never below frame 0, even without a range.
    expect(layout(moveKeys(channel, ['k3'], -50)).map(([f]) => f)).toEqual([0, 4, 8]);
    // A key beyond a shortened range can still be dragged back, and is not pushed further out.
    const beyond = scalar([
      [0, 0],
      [60, 1],
    ]);
    expect(layout(moveKeys(beyond, ['k1'], -5, { clampTo: [0, 48] }))).toEqual([
      [0, 'k0'],
      [55, 'k1'],
    ]);
    expect(layout(moveKeys(beyond, ['k1'], 5, { clampTo: [0, 48] }))).toEqual(layout(beyond));
  });

  it('rejects fractional moves and tolerates an empty selection', () => {
    expect(() => moveKeys(channel, ['k0'], 0.5)).toThrow(RangeError);
    expect(moveKeys(channel, [], 3).keys).toEqual(channel.keys);
  });
});

describe('channel paths', () => {
  it('address every channel with the right kind and default interpolation', () => {
    expect(CHANNEL_PATHS).toHaveLength(11);
    expect(channelKind({ track: 'camera', channel: 'rotation' })).toBe('quat');
    expect(channelKind({ track: 'left', channel: 'fingers' })).toBe('fingers');
    expect(defaultInterpolation({ track: 'right', channel: 'visible' })).toBe('hold');
    expect(defaultInterpolation({ track: 'camera', channel: 'position' })).toBe('bezier');
  });

  it('getChannel / withChannel read and replace one channel without touching the rest', () => {
    const shot = deepFreeze(emptyShot());
    for (const path of CHANNEL_PATHS) {
      const replaced = { keys: [] };
      const next = withChannel(shot, path, replaced as never);
      expect(getChannel(next, path)).toBe(replaced);
      for (const other of CHANNEL_PATHS) if (other !== path) expect(getChannel(next, other)).toBe(getChannel(shot, other));
      expect(Shot.safeParse(next).success).toBe(true);
    }
    // Typed: a camera position channel holds Vec3 values.
    const position: Channel<Vec3> = getChannel(shot, { track: 'camera', channel: 'position' });
    expect(position.keys).toEqual([]);
  });

  it('keep channel types through edits, also for paths known only at run time (type-level checks)', () => {
    const shot = deepFreeze(emptyShot());
    const wide = CHANNEL_PATHS[4] as ChannelPath;
    // A union channel in, the same union out: no casts needed to write it back.
    expect(withChannel(shot, wide, moveKeys(getChannel(shot, wide), ['x'], 1))).not.toBe(shot);
    const path = { track: 'camera', channel: 'position' } as const;
    const keyed = withChannel(shot, path, setKey(getChannel(shot, path), 1, [1, 2, 3], { interpolation: 'bezier', newId: idFactory() }));
    expect(keyed.camera.position.keys).toHaveLength(1);
    // @ts-expect-error a Vec3 channel takes Vec3 values
    setKey(getChannel(shot, path), 1, 5, { interpolation: 'bezier', newId: idFactory() });
    // @ts-expect-error the channel type must match the path
    withChannel(shot, path, getChannel(shot, { track: 'camera', channel: 'fovY' }));
  });
});

describe('copy / paste', () => {
  function keyedShot(): Shot {
    const shot = emptyShot();
    return deepFreeze(
      Shot.parse({
        ...shot,
        camera: {
          ...shot.camera,
          position: channelOf<Vec3>([
            [10, [0, 1, 0]],
            [14, [1, 1, 0]],
            [20, [2, 1, 0]],
          ]),
          fovY: channelOf([
            [12, 50],
            [30, 40],
          ]),
        },
        hands: {
          ...shot.hands,
          left: {
            ...shot.hands.left,
            wristRotation: channelOf<Quat>([[16, [0, 0, 0, 1]]], 'linear'),
            visible: channelOf<boolean>([[15, true]], 'hold'),
          },
        },
      }),
    );
  }

  const position: ChannelPath = { track: 'camera', channel: 'position' };
  const fov: ChannelPath = { track: 'camera', channel: 'fovY' };
  const visible: ChannelPath = { track: 'left', channel: 'visible' };

  it('copies with offsets relative to the earliest copied key across channels', () => {
    const clipboard = copyKeys(keyedShot(), [
      { path: position, ids: ['k1', 'k2'] },
      { path: fov, ids: ['k0'] },
      { path: visible, ids: [] },
    ]);
    expect(clipboard.channels.map((c) => [c.path, c.keys.map((k) => k.offset)])).toEqual([
      [position, [2, 8]],
      [fov, [0]],
    ]);
    expect(clipboard.channels[0]?.keys[0]).toEqual({ offset: 2, value: [1, 1, 0], interpolation: 'bezier' });
    // Plain data: survives JSON (the system clipboard).
    expect(JSON.parse(JSON.stringify(clipboard))).toEqual(clipboard);
    expect(copyKeys(keyedShot(), [])).toEqual({ channels: [] });
  });

  it('pastes at a frame with new ids, replacing keys on the same frames, into a valid shot', () => {
    const shot = keyedShot();
    const clipboard = copyKeys(shot, [
      { path: position, ids: ['k0', 'k1'] },
      { path: fov, ids: ['k0'] },
    ]);
    const { shot: next, pasted } = pasteKeys(shot, clipboard, 20, { newId: idFactory('p') });
    // position keys were at 10 and 14 (offsets 0, 4), fov at 12 (offset 2).
    expect(layout(next.camera.position)).toEqual([
      [10, 'k0'],
      [14, 'k1'],
      [20, 'p0'],
      [24, 'p1'],
    ]);
    expect(next.camera.position.keys[2]?.value).toEqual([0, 1, 0]);
    expect(layout(next.camera.fovY)).toEqual([
      [12, 'k0'],
      [22, 'p2'],
      [30, 'k1'],
    ]);
    expect(pasted).toEqual([
      { path: position, ids: ['p0', 'p1'] },
      { path: fov, ids: ['p2'] },
    ]);
    expect(next.hands).toBe(shot.hands);
    expect(Shot.safeParse(next).success).toBe(true);
  });

  it('drops keys that would land outside the paste range', () => {
    const shot = keyedShot();
    const clipboard = copyKeys(shot, [{ path: position, ids: ['k0', 'k1', 'k2'] }]);
    const { shot: next, pasted } = pasteKeys(shot, clipboard, 40, { newId: idFactory('p'), clampTo: [0, 48] });
    expect(layout(next.camera.position).map(([f]) => f)).toEqual([10, 14, 20, 40, 44]);
    expect(pasted).toEqual([{ path: position, ids: ['p0', 'p1'] }]);
  });

  it('a clipboard from JSON with two keys on one frame still yields a valid channel', () => {
    const clipboard: KeyClipboard = {
      channels: [
        {
          path: fov,
          keys: [
            { offset: 0, value: 10, interpolation: 'linear' },
            { offset: 0, value: 11, interpolation: 'linear' },
          ],
        },
      ],
    };
    const { shot } = pasteKeys(keyedShot(), clipboard, 0, { newId: idFactory('p') });
    expect(shot.camera.fovY.keys.map((k) => [k.frame, k.value])).toEqual([
      [0, 11],
      [12, 50],
      [30, 40],
    ]);
    expect(Shot.safeParse(shot).success).toBe(true);
  });
});

describe('immutability', () => {
  it('no edit function mutates its (deep-frozen) inputs', () => {
    const shot = deepFreeze(
      Shot.parse({
        ...emptyShot(),
        camera: {
          ...emptyShot().camera,
          fovY: channelOf([
            [0, 60],
            [10, 50],
            [20, 40],
          ]),
        },
      }),
    );
    const before = JSON.stringify(shot);
    const fovY = shot.camera.fovY;
    const results = [
      setKey(fovY, 5, 55, { interpolation: 'bezier', newId: idFactory() }),
      setKey(fovY, 10, 1, { interpolation: 'bezier', newId: idFactory() }),
      deleteKeys(fovY, ['k1']),
      moveKeys(fovY, ['k0'], 10, { clampTo: [0, 48] }),
      setInterpolation(fovY, ['k0', 'k2'], 'linear'),
    ];
    const clipboard = deepFreeze(copyKeys(shot, [{ path: { track: 'camera', channel: 'fovY' }, ids: ['k0', 'k1'] }]));
    const pasted = pasteKeys(shot, clipboard, 30, { newId: idFactory('p') });
    expect(JSON.stringify(shot)).toBe(before);
    for (const r of results) expect(r).not.toBe(fovY);
    expect(pasted.shot).not.toBe(shot);
    // The results are themselves valid, sorted channels.
    for (const r of results) expect(r.keys.every((k, i) => i === 0 || k.frame > (r.keys[i - 1]?.frame ?? -1))).toBe(true);
  });
});
