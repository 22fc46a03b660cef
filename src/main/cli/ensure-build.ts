import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findAppRoot } from '../app-root';

/** The web host serves the built renderer; build it once when a checkout has none yet. */
export async function ensureRendererBuilt(): Promise<void> {
  const root = findAppRoot();
  if (existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return;
  if (!existsSync(path.join(root, 'electron.vite.config.ts'))) {
    throw new Error('The studio UI is not built and this install has no build configuration');
  }
  process.stderr.write('The studio UI is not built yet; building it once (npm run build)...\n');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('Building the studio UI failed (see the output above)');
}
