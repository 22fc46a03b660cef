import type { Shot } from '../../../shared/animation/schema';

/** The two hands of the shot at the playhead (filled in with the posable hand model). */
export function HandsLayer(_props: { shot: Shot }) {
  return null;
}
