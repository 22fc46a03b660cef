import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };

export const APP_NAME = 'DWM Studio';
export const APP_VERSION: string = pkg.version;

/**
 * Where settings live. DWM_STUDIO_HOME overrides it (tests use a fresh folder); otherwise
 * the folder Electron's app.getPath('userData') uses, so the desktop app and the web host
 * share one recent-projects list.
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DWM_STUDIO_HOME) return path.resolve(env.DWM_STUDIO_HOME);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}
