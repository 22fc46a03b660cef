// `npm start`: launch the desktop app; where the Electron binary is missing (it could not
// be downloaded at install time), say so and serve the same studio to a browser instead.
// Arguments after `npm start --` go to the web host: --port N, --project DIR.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function build() {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const bin = electronBinary();
const args = process.argv.slice(2);
if (bin && process.env.DWM_FORCE_WEB !== '1') {
  build();
  const child = spawn(bin, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const banner = [
    'The Electron binary is not installed on this machine (its download failed or was skipped at install time),',
    'so DWM Studio starts its web host instead: the same studio, served to a browser on this machine only.',
    'To get the desktop app, run `node node_modules/electron/install.js` where the Electron download host is reachable.',
    '',
  ].join('\n');
  build();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'dwm-studio.mjs'), 'serve', '--no-build', ...args], {
    stdio: ['inherit', 'inherit', 'inherit'],
    env: { ...process.env, DWM_SERVE_BANNER: banner },
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
