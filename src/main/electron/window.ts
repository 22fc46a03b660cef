import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, session, shell } from 'electron';
import { APP_PROTOCOL } from '../../shared/api/wire';

const here = path.dirname(fileURLToPath(import.meta.url));
export const APP_ORIGIN = `${APP_PROTOCOL}://studio`;

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#16181d',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());

  // The UI never navigates away or opens windows; links to the web go to the system browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl && !process.env.DWM_FORCE_BUILT_UI) void win.loadURL(devUrl);
  else void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** Deny every permission (camera, notifications, ...) the studio has no use for. */
export function applySessionSecurity(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
