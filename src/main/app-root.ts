import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, found from this module whether it runs from src/ (tsx) or out/ (built). */
export function findAppRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) return dir;
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'out'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`DWM Studio: cannot find the app folder above ${from}`);
    dir = parent;
  }
}

export function rendererBuildDir(root = findAppRoot()): string {
  return path.join(root, 'out', 'renderer');
}

/** Model bundles that ship with the app: resources/models (inside the package's resources when packaged). */
export function bundledModelsDir(root = findAppRoot()): string {
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) {
    const packaged = path.join(resourcesPath, 'resources', 'models');
    if (existsSync(packaged)) return packaged;
  }
  return path.join(root, 'resources', 'models');
}
