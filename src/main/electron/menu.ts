import { app, type BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/api/contract';
import { IPC_EVENT_CHANNEL } from '../../shared/api/wire';

/** Native menus send commands to the renderer, which runs them exactly as its own toolbar does. */
export function installMenu(win: BrowserWindow): void {
  const send = (command: MenuCommand) => () => win.webContents.send(IPC_EVENT_CHANNEL, { event: 'menu.command', payload: { command } });
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: send('project.new') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: send('project.open') },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: send('project.save') },
        { label: 'Close Project', accelerator: 'CmdOrCtrl+W', click: send('project.close') },
        { type: 'separator' },
        { label: 'Import Scene…', accelerator: 'CmdOrCtrl+I', click: send('scene.import') },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: send('app.settings') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send('edit.undo') },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: send('edit.redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'help', submenu: [{ label: `${app.getName()} ${app.getVersion()}`, enabled: false }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
