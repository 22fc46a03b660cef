/**
 * What a hand does with an articulated part, read from its joint alone: a slide that is
 * mostly level is a drawer and one that is mostly upright a lift (a loose object raised off
 * its surface); a hinge that is mostly upright is a door and one that is mostly level a lid.
 * The synthetic clips record it (clips.json's partKind), the scene panel and the grasp
 * helper word their actions by it, and the helper keys a lift differently (up and back down).
 */

export const PART_KINDS = ['drawer', 'door', 'lid', 'lift'] as const;
export type PartKind = (typeof PART_KINDS)[number];

/** `axis` and `up` in the same space (world: +Y up). */
export function partKindOf(type: 'prismatic' | 'revolute', axis: readonly number[], up: readonly number[] = [0, 1, 0]): PartKind {
  const a = [axis[0] ?? 0, axis[1] ?? 0, axis[2] ?? 0];
  const u = [up[0] ?? 0, up[1] ?? 0, up[2] ?? 0];
  const lengths = Math.hypot(a[0] as number, a[1] as number, a[2] as number) * Math.hypot(u[0] as number, u[1] as number, u[2] as number);
  const upright = lengths > 0 && Math.abs(a.reduce((s, v, i) => s + v * (u[i] as number), 0)) / lengths > 0.7;
  if (type === 'prismatic') return upright ? 'lift' : 'drawer';
  return upright ? 'door' : 'lid';
}
