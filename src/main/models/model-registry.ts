import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from '../../shared/model/manifest';
import { type InvalidBundle, loadBundle, type ModelBundle } from './bundle';

export interface ModelListing {
  models: ModelBundle[];
  invalid: InvalidBundle[];
}

/**
 * Finds model bundles: each root is either a bundle itself or a folder of bundle folders
 * (the app's resources/models, and folders the user added in settings). The first bundle
 * with a given id wins, so a user cannot shadow the bundled baseline by accident; the
 * duplicate is listed as invalid with the reason.
 */
export async function discoverModels(roots: string[]): Promise<ModelListing> {
  const models: ModelBundle[] = [];
  const invalid: InvalidBundle[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    for (const dir of await candidateDirs(root, invalid)) {
      const load = await loadBundle(dir);
      if (!load.ok) {
        invalid.push(load.invalid);
        continue;
      }
      const { id } = load.bundle.manifest;
      const first = seen.get(id);
      if (first) {
        invalid.push({ dir, id, problem: `${dir}: model id "${id}" is already provided by ${first}` });
        continue;
      }
      seen.set(id, dir);
      models.push(load.bundle);
    }
  }
  return { models, invalid };
}

async function candidateDirs(root: string, invalid: InvalidBundle[]): Promise<string[]> {
  try {
    await fs.access(path.join(root, MANIFEST_FILE));
    return [root];
  } catch {
    // not a bundle itself: look one level down
  }
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    invalid.push({ dir: root, id: null, problem: `${root}: ${code === 'ENOENT' ? 'folder not found' : `cannot be read (${code})`}` });
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => path.join(root, e.name))
    .sort();
}

/**
 * The model a take uses when none is named: the one the settings name, else the first learned
 * model (the bundled default), else the first baseline; null when none is installed.
 */
export function chooseDefaultModel(models: ModelBundle[], wantedId: string | null | undefined): ModelBundle | null {
  return (
    (wantedId ? models.find((m) => m.manifest.id === wantedId) : undefined) ?? models.find((m) => !m.manifest.baseline) ?? models[0] ?? null
  );
}

/** Find one model by id among the roots, or by a bundle folder path. */
export async function resolveModel(roots: string[], idOrPath: string): Promise<ModelBundle> {
  if (idOrPath.includes('/') || idOrPath.includes('\\')) {
    const load = await loadBundle(path.resolve(idOrPath));
    if (!load.ok) throw new Error(load.invalid.problem);
    return load.bundle;
  }
  const { models, invalid } = await discoverModels(roots);
  const found = models.find((m) => m.manifest.id === idOrPath);
  if (found) return found;
  const broken = invalid.find((m) => m.id === idOrPath);
  if (broken) throw new Error(`model "${idOrPath}" cannot be used: ${broken.problem}`);
  const known = models.map((m) => m.manifest.id).join(', ') || 'none';
  throw new Error(`no model "${idOrPath}" (installed: ${known})`);
}
