import type { ChannelPath } from '../../../shared/animation/channel-path';
import type { Shot } from '../../../shared/animation/schema';
import type { TrackId } from '../state/timeline-store';

export interface TrackRow {
  kind: 'track';
  track: TrackId;
  label: string;
}
export interface ChannelRow {
  kind: 'channel';
  track: TrackId;
  path: ChannelPath;
  label: string;
}
export type Row = TrackRow | ChannelRow;

const CHANNELS: Record<TrackId, { channel: string; label: string }[]> = {
  camera: [
    { channel: 'position', label: 'Position' },
    { channel: 'rotation', label: 'Rotation' },
    { channel: 'fovY', label: 'Field of view' },
  ],
  left: [
    { channel: 'wristPosition', label: 'Wrist position' },
    { channel: 'wristRotation', label: 'Wrist rotation' },
    { channel: 'fingers', label: 'Fingers' },
    { channel: 'visible', label: 'Visible' },
  ],
  right: [
    { channel: 'wristPosition', label: 'Wrist position' },
    { channel: 'wristRotation', label: 'Wrist rotation' },
    { channel: 'fingers', label: 'Fingers' },
    { channel: 'visible', label: 'Visible' },
  ],
};

const TRACK_LABELS: Record<TrackId, string> = { camera: 'Camera', left: 'Left hand', right: 'Right hand' };

export function channelPaths(track: TrackId): ChannelPath[] {
  return CHANNELS[track].map((c) => ({ track, channel: c.channel }) as ChannelPath);
}

/** The dope sheet's rows: one per track, expandable to its channels. */
export function visibleRows(expanded: Record<TrackId, boolean>): Row[] {
  const rows: Row[] = [];
  for (const track of ['camera', 'left', 'right'] as TrackId[]) {
    rows.push({ kind: 'track', track, label: TRACK_LABELS[track] });
    if (expanded[track]) {
      for (const c of CHANNELS[track])
        rows.push({ kind: 'channel', track, path: { track, channel: c.channel } as ChannelPath, label: c.label });
    }
  }
  return rows;
}

/** Keys shown on a row: a channel's own keys, or for a track row every key of its channels. */
export function rowKeys(shot: Shot, row: Row, get: (shot: Shot, path: ChannelPath) => { keys: { id: string; frame: number }[] }) {
  const paths = row.kind === 'channel' ? [row.path] : channelPaths(row.track);
  return paths.flatMap((path) => get(shot, path).keys.map((k) => ({ path, id: k.id, frame: k.frame })));
}
