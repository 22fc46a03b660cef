import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { MANIFEST_FILE } from '../../shared/model/manifest';
import { MAX_MODEL_FOLDERS } from '../../shared/settings/schema';
import type { SettingsStore } from '../services/settings-store';
import type { ModelBundle } from './bundle';
import type { ModelListing } from './model-registry';
import { type BundleValidation, validateBundle } from './validate-bundle';

export interface BundleInspection extends BundleValidation {
  /** The installed model this folder already is (found in the app's or the user's model folders). */
  installed: ModelBundle | null;
}

/**
 * validateBundle, plus what only the installed models can tell: whether the folder is one of
 * them already, and whether another one has its id (discovery keeps the first bundle with an
 * id, so a second would be listed as unusable; refusing it here says so before it is added).
 */
export async function inspectBundle(dir: string, listing: ModelListing): Promise<BundleInspection> {
  const validation = await validateBundle(dir);
  const installed = listing.models.find((m) => path.resolve(m.dir) === validation.dir) ?? null;
  if (installed || !validation.bundle) return { ...validation, installed };
  const id = validation.bundle.manifest.id;
  const clash = listing.models.find((m) => m.manifest.id === id);
  if (!clash) return { ...validation, installed };
  return {
    ...validation,
    bundle: null,
    installed,
    problems: [
      `${MANIFEST_FILE}: id "${id}" is already used by the installed model "${clash.manifest.name}" (${clash.dir}); give this bundle another id`,
    ],
  };
}

/** Add a checked bundle folder to the modelFolders setting; a bundle with problems is refused with all of them. */
export async function addModelFolder(
  dir: string,
  listing: ModelListing,
  settings: SettingsStore,
): Promise<{ bundle: ModelBundle; added: boolean }> {
  const inspection = await inspectBundle(dir, listing);
  if (inspection.installed) return { bundle: inspection.installed, added: false };
  if (!inspection.bundle) {
    throw new ApiError('BAD_INPUT', `${inspection.dir} cannot be added as a model: ${inspection.problems.join('; ')}`, {
      file: inspection.dir,
    });
  }
  const folders = settings.get().modelFolders;
  if (folders.length >= MAX_MODEL_FOLDERS) {
    throw new ApiError(
      'BAD_INPUT',
      `At most ${MAX_MODEL_FOLDERS} model folders can be listed; remove one in Settings › Models, or put bundles side by side in one folder and add that`,
      { field: 'modelFolders' },
    );
  }
  // Through the settings store, so the stored list is validated like any other settings change.
  await settings.update({ modelFolders: [...folders, inspection.dir] });
  return { bundle: inspection.bundle, added: true };
}
