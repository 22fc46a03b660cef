import { type BrowserWindow, ipcMain } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/wire';
import type { Studio } from '../studio';
import { APP_ORIGIN } from './window';

/**
 * IPC transport: one invoke channel that hands every call to the shared dispatcher (which
 * validates it against the contract), and one event channel to the window. Calls from any
 * frame other than the studio's own UI are refused.
 */
export function wireIpc(studio: Studio, win: BrowserWindow): void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown) => {
    const senderUrl = event.senderFrame?.url ?? '';
    const devUrl = process.env.ELECTRON_RENDERER_URL;
    const trusted = senderUrl.startsWith(APP_ORIGIN) || (devUrl !== undefined && senderUrl.startsWith(devUrl));
    if (!trusted || event.sender !== win.webContents) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: API call from an untrusted frame' } };
    }
    return studio.dispatch(name, input);
  });
  studio.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
  });
}
