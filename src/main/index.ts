/**
 * Electron entry point: a thin shell over the studio services. Everything here is about
 * windows, menus, dialogs, protocols and IPC; the services themselves never import Electron.
 */
import { app, dialog, shell } from 'electron';
import { APP_NAME } from './app-meta';
import { wireIpc } from './electron/ipc';
import { installMenu } from './electron/menu';
import { registerPrivilegedSchemes, registerProtocols } from './electron/protocols';
import { utilityWorker } from './electron/utility-worker';
import { applySessionSecurity, createMainWindow } from './electron/window';
import { createStudio } from './studio';

app.setName(APP_NAME);
registerPrivilegedSchemes();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(async () => {
    const studio = await createStudio({
      userDataDir: app.getPath('userData'),
      workerFactory: utilityWorker,
      host: {
        transport: 'electron',
        pickFolder: async (title, purpose) => {
          const result = await dialog.showOpenDialog({
            title,
            properties: purpose === 'create' ? ['openDirectory', 'createDirectory', 'promptToCreate'] : ['openDirectory'],
          });
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
        revealPath: (file) => shell.showItemInFolder(file),
        pickFile: async (title) => {
          const result = await dialog.showOpenDialog({
            title,
            properties: ['openFile'],
            filters: [
              { name: 'Scenes', extensions: ['glb', 'gltf', 'obj', 'ply', 'splat', 'spz'] },
              { name: 'All files', extensions: ['*'] },
            ],
          });
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
      },
    });
    applySessionSecurity();
    registerProtocols(studio);
    const win = createMainWindow();
    wireIpc(studio, win);
    installMenu(win);

    const settings = studio.services.settings.get();
    const last = settings.recentProjects[0];
    if (settings.reopenLastProject && last) {
      await studio.services.projects.open(last.dir).catch(() => {});
    }

    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      event.preventDefault();
      quitting = true;
      studio.shutdown().finally(() => app.quit());
    });
    app.on('second-instance', () => {
      if (win.isMinimized()) win.restore();
      win.focus();
    });
  });
  app.on('window-all-closed', () => app.quit());
}
