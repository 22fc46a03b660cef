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
