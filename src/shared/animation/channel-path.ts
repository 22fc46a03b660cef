import type { CameraTrack, HandTrack, Interpolation, Shot } from './schema';

/**
 * Typed addresses of a shot's channels, so the timeline, undo and copy/paste can name a
 * channel as data ({ track: 'left', channel: 'fingers' }) and still get the right value type.
 */

export type CameraChannelName = keyof CameraTrack;
export type HandChannelName = keyof HandTrack;
export type HandSide = 'left' | 'right';

export type ChannelPath = { track: 'camera'; channel: CameraChannelName } | { track: HandSide; channel: HandChannelName };

/** The channel type a path leads to (a union when the path is not known statically). */
export type ChannelAt<P extends ChannelPath> = P extends { track: 'camera'; channel: infer C extends CameraChannelName }
  ? CameraTrack[C]
  : P extends { channel: infer C extends HandChannelName }
    ? HandTrack[C]
    : never;

/** What a channel's values are, which decides how it interpolates. */
export type ChannelKind = 'scalar' | 'vec3' | 'quat' | 'fingers' | 'bool';

const CAMERA_KINDS: Record<CameraChannelName, ChannelKind> = { position: 'vec3', rotation: 'quat', fovY: 'scalar' };
const HAND_KINDS: Record<HandChannelName, ChannelKind> = {
  wristPosition: 'vec3',
  wristRotation: 'quat',
  fingers: 'fingers',
  visible: 'bool',
};

/** Every channel of a shot, in timeline order. */
export const CHANNEL_PATHS: readonly ChannelPath[] = [
  { track: 'camera', channel: 'position' },
  { track: 'camera', channel: 'rotation' },
  { track: 'camera', channel: 'fovY' },
  ...(['left', 'right'] as const).flatMap((track) =>
    (['wristPosition', 'wristRotation', 'fingers', 'visible'] as const).map((channel) => ({ track, channel })),
  ),
];

export function channelKind(path: ChannelPath): ChannelKind {
  return path.track === 'camera' ? CAMERA_KINDS[path.channel] : HAND_KINDS[path.channel];
}

/** New keys on camera and hand motion ease along a bezier; booleans switch ('hold'). */
export function defaultInterpolation(path: ChannelPath): Interpolation {
  return channelKind(path) === 'bool' ? 'hold' : 'bezier';
}

export function sameChannelPath(a: ChannelPath, b: ChannelPath): boolean {
  return a.track === b.track && a.channel === b.channel;
}

export function getChannel<P extends ChannelPath>(shot: Shot, path: P): ChannelAt<P> {
  const p: ChannelPath = path;
  if (p.track === 'camera') return shot.camera[p.channel] as ChannelAt<P>;
  return shot.hands[p.track][p.channel] as ChannelAt<P>;
}

/** A new shot with the channel at path replaced; everything else is shared, nothing is mutated. */
export function withChannel<P extends ChannelPath>(shot: Shot, path: P, channel: ChannelAt<P>): Shot {
  const p: ChannelPath = path;
  if (p.track === 'camera') return { ...shot, camera: { ...shot.camera, [p.channel]: channel } };
  return { ...shot, hands: { ...shot.hands, [p.track]: { ...shot.hands[p.track], [p.channel]: channel } } };
}
