import { type ChannelAt, type ChannelPath, getChannel, sameChannelPath, withChannel } from './channel-path';
import { type Channel, type Key, type KeyHandles, keyIndexAtOrBefore } from './keys';
import type { ChannelValue, Interpolation, Shot } from './schema';

/**
 * Immutable key editing for the timeline and undo. Every function returns new objects and
 * never mutates its inputs; untouched keys are shared with the input (they are immutable
 * too), so undo snapshots stay cheap and React can skip unchanged rows. Channels stay valid
 * against schema.ts: sorted by frame, one key per frame, unique ids, whole frames >= 0.
 */

/** The schema's largest frame. */
export const MAX_KEY_FRAME = 100_000;

function assertWholeFrame(frame: number, what: string): void {
  if (!Number.isInteger(frame)) throw new RangeError(`${what} must be a whole number of frames, got ${frame}`);
}

function assertKeyFrame(frame: number): void {
  assertWholeFrame(frame, 'a key frame');
  if (frame < 0 || frame > MAX_KEY_FRAME) throw new RangeError(`a key frame must lie in [0, ${MAX_KEY_FRAME}], got ${frame}`);
}

/** Values are numbers, booleans or arrays of numbers; copying arrays keeps a caller's later edits out of the channel. */
function copyValue<V>(value: V): V {
  return (Array.isArray(value) ? [...value] : value) as V;
}

function copyHandles(handles: readonly KeyHandles[]): KeyHandles[] {
  return handles.map((h) => ({ in: [h.in[0], h.in[1]], out: [h.out[0], h.out[1]] }));
}

/** An id from the factory, refusing one already used in the channel (ids must stay unique). */
function freshId(taken: Set<string>, newId: () => string): string {
  const id = newId();
  if (!id || taken.has(id)) throw new Error(`the key id factory returned ${id ? `a duplicate id "${id}"` : 'an empty id'}`);
  taken.add(id);
  return id;
}

function byFrame(a: { frame: number }, b: { frame: number }): number {
  return a.frame - b.frame;
}

/**
 * Edits are generic in the channel type, so a channel keeps its type through an edit, and a
 * channel read through a path not known statically (a union) can be edited as well.
 */
export type AnyChannel = Channel<unknown>;
export type ValueOf<C extends AnyChannel> = C['keys'][number]['value'];

export interface SetKeyOptions {
  /**
   * Interpolation of a newly inserted key; defaultInterpolation(path) gives the usual choice
   * ('bezier' for motion, 'hold' for booleans). Re-keying an existing frame keeps that key's
   * interpolation and handles: changing a value should not reset how the curve was shaped.
   */
  interpolation: Interpolation;
  /** Makes the id of an inserted key. */
  newId: () => string;
}

/** Insert a key at frame, or replace the value of the key already there (keeping its id). */
export function setKey<C extends AnyChannel>(channel: C, frame: number, value: ValueOf<C>, options: SetKeyOptions): C {
  assertKeyFrame(frame);
  const keys: Key<unknown>[] = channel.keys.slice();
  const i = keyIndexAtOrBefore(keys, frame);
  const existing = keys[i];
  if (existing && existing.frame === frame) {
    keys[i] = { ...existing, value: copyValue(value) };
  } else {
    const id = freshId(new Set(keys.map((k) => k.id)), options.newId);
    keys.splice(i + 1, 0, { id, frame, value: copyValue(value), interpolation: options.interpolation });
  }
  return { ...channel, keys };
}

export function deleteKeys<C extends AnyChannel>(channel: C, ids: Iterable<string>): C {
  const remove = new Set(ids);
  return { ...channel, keys: channel.keys.filter((k) => !remove.has(k.id)) };
}

export interface MoveKeysOptions {
  /**
   * Inclusive frame range the moved keys must stay in, e.g. [0, shot.frames - 1]. The
   * selection moves as a block and stops at the edge instead of piling keys onto it. Keys
   * are always kept within [0, MAX_KEY_FRAME].
   */
  clampTo?: readonly [number, number];
}

/**
 * Shift the keys with the given ids by deltaFrames (whole frames). A moved key landing on an
 * unselected key replaces it; keys stay sorted and keep their ids.
 */
export function moveKeys<C extends AnyChannel>(channel: C, ids: Iterable<string>, deltaFrames: number, options: MoveKeysOptions = {}): C {
  assertWholeFrame(deltaFrames, 'a key move');
  const selected = new Set(ids);
  const moving = channel.keys.filter((k) => selected.has(k.id));
  const first = moving[0];
  const last = moving[moving.length - 1];
  if (!first || !last) return { ...channel, keys: channel.keys.slice() };

  const lo = Math.max(0, options.clampTo?.[0] ?? 0);
  const hi = Math.min(MAX_KEY_FRAME, options.clampTo?.[1] ?? MAX_KEY_FRAME);
  // Clamp only against the direction of travel, so a key already outside the range (say the
  // shot got shorter) can still be dragged back in and is never pushed the other way.
  let delta = deltaFrames;
  if (delta > 0) delta = Math.max(0, Math.min(delta, hi - last.frame));
  if (delta < 0) delta = Math.min(0, Math.max(delta, lo - first.frame));
  if (delta === 0) return { ...channel, keys: channel.keys.slice() };

  const landing = new Set(moving.map((k) => k.frame + delta));
  const staying = channel.keys.filter((k) => !selected.has(k.id) && !landing.has(k.frame));
  const moved = moving.map((k) => ({ ...k, frame: k.frame + delta }));
  return { ...channel, keys: [...staying, ...moved].sort(byFrame) };
}

export function setInterpolation<C extends AnyChannel>(channel: C, ids: Iterable<string>, interpolation: Interpolation): C {
  const selected = new Set(ids);
  return {
    ...channel,
    keys: channel.keys.map((k) => (selected.has(k.id) && k.interpolation !== interpolation ? { ...k, interpolation } : k)),
  };
}

/** Keys picked in one channel of a shot. */
export interface KeySelection {
  path: ChannelPath;
  ids: readonly string[];
}

/** A copied key: its frame relative to the earliest copied key (over all channels). */
export interface ClipboardKey {
  offset: number;
  value: ChannelValue;
  interpolation: Interpolation;
  handles?: KeyHandles[];
}

/** Plain JSON data, so it can also travel through the system clipboard. */
export interface KeyClipboard {
  channels: { path: ChannelPath; keys: ClipboardKey[] }[];
}

/**
 * Copy the selected keys. Offsets are relative to the earliest copied key of the whole
 * selection, so keys copied from several channels keep their timing relative to each other.
 */
export function copyKeys(shot: Shot, selection: readonly KeySelection[]): KeyClipboard {
  const picked: { path: ChannelPath; keys: Key<ChannelValue>[] }[] = [];
  for (const { path, ids } of selection) {
    const wanted = new Set(ids);
    const keys = (getChannel(shot, path) as Channel<ChannelValue>).keys.filter((k) => wanted.has(k.id));
    const same = picked.find((p) => sameChannelPath(p.path, path));
    // One entry per channel even if the selection names a channel twice.
    if (same) same.keys = [...same.keys, ...keys.filter((k) => !same.keys.includes(k))].sort(byFrame);
    else if (keys.length > 0) picked.push({ path: { ...path }, keys });
  }
  const origin = Math.min(...picked.map((p) => (p.keys[0] as Key<ChannelValue>).frame));
  return {
    channels: picked.map(({ path, keys }) => ({
      path,
      keys: keys.map((k) => ({
        offset: k.frame - origin,
        value: copyValue(k.value),
        interpolation: k.interpolation,
        ...(k.handles ? { handles: copyHandles(k.handles) } : {}),
      })),
    })),
  };
}

export interface PasteKeysOptions {
  newId: () => string;
  /** Inclusive frame range to paste into, e.g. [0, shot.frames - 1]; keys landing outside are dropped. */
  clampTo?: readonly [number, number];
}

export interface PasteResult {
  shot: Shot;
  /** The pasted keys' new ids, ready to become the timeline's selection. */
  pasted: KeySelection[];
}

/**
 * Paste a clipboard with its earliest key at frame `at`. Pasted keys get new ids and replace
 * any key already on their frame; channels the clipboard does not mention are untouched.
 */
export function pasteKeys(shot: Shot, clipboard: KeyClipboard, at: number, options: PasteKeysOptions): PasteResult {
  assertWholeFrame(at, 'the paste frame');
  const lo = Math.max(0, options.clampTo?.[0] ?? 0);
  const hi = Math.min(MAX_KEY_FRAME, options.clampTo?.[1] ?? MAX_KEY_FRAME);
  let result = shot;
  const pasted: KeySelection[] = [];
  for (const { path, keys: clipped } of clipboard.channels) {
    const channel = getChannel(result, path) as Channel<ChannelValue>;
    // By frame: should a clipboard carry two keys for one frame, the later one wins.
    const incomingByFrame = new Map<number, Key<ChannelValue>>();
    const taken = new Set(channel.keys.map((k) => k.id));
    for (const c of clipped) {
      const frame = at + c.offset;
      if (!Number.isInteger(frame) || frame < lo || frame > hi) continue;
      incomingByFrame.set(frame, {
        id: freshId(taken, options.newId),
        frame,
        value: copyValue(c.value),
        interpolation: c.interpolation,
        ...(c.handles ? { handles: copyHandles(c.handles) } : {}),
      });
    }
    const incoming = [...incomingByFrame.values()];
    if (incoming.length === 0) continue;
    const landing = new Set(incoming.map((k) => k.frame));
    const keys = [...channel.keys.filter((k) => !landing.has(k.frame)), ...incoming].sort(byFrame);
    result = withChannel(result, path, { ...channel, keys } as ChannelAt<ChannelPath>);
    const ids = incoming.map((k) => k.id);
    const same = pasted.find((p) => sameChannelPath(p.path, path));
    if (same) same.ids = [...same.ids, ...ids];
    else pasted.push({ path: { ...path }, ids });
  }
  return { shot: result, pasted };
}
