import type { Document } from '@gltf-transform/core';
import { formatIssuePath } from '../../../../shared/api/errors';
import { Articulation } from '../../../../shared/scene/schema';
import { badInput } from '../scene-errors';

/**
 * Movable parts are authored as node extras `{ "dwm": { "joint": { … } } }`. A node that
 * carries a joint but gets it wrong is refused with the node and field named: silently
 * dropping it would leave a drawer that cannot open and nobody knowing why. Values are
 * taken as written (an axis of [0, 0, 2] is refused, not normalised), as the schema says.
 */
export function readArticulations(file: string, doc: Document): Articulation[] {
  const out: Articulation[] = [];
  const seen = new Map<string, number>();
  doc
    .getRoot()
    .listNodes()
    .forEach((node, index) => {
      const dwm = (node.getExtras() as Record<string, unknown> | undefined)?.dwm;
      if (dwm === undefined || dwm === null || typeof dwm !== 'object') return;
      const joint = (dwm as Record<string, unknown>).joint;
      if (joint === undefined) return;
      const name = node.getName();
      const where = `nodes[${index}].extras.dwm.joint`;
      const label = name ? `node "${name}"` : `node ${index}`;
      if (!name) throw badInput(file, `${label} has a joint but no name; joints are addressed by node name`, `nodes[${index}].name`);
      if (joint === null || typeof joint !== 'object' || Array.isArray(joint)) {
        throw badInput(file, `${label}: ${where} must be an object`, where);
      }
      const parsed = Articulation.safeParse({ ...(joint as object), node: name });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue ? `${where}.${formatIssuePath(issue.path)}` : where;
        throw badInput(file, `${label}: invalid joint field ${field}: ${issue?.message ?? 'invalid'}`, field);
      }
      const previous = seen.get(name);
      if (previous !== undefined) {
        throw badInput(
          file,
          `nodes ${previous} and ${index} are both named "${name}" and both have joints; joint names must be unique`,
          `nodes[${index}].name`,
        );
      }
      seen.set(name, index);
      out.push(parsed.data);
    });
  return out;
}
