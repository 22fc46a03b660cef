import { type BrowserWindow, ipcMain } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, IPC_RENDER_FRAME_CHANNEL } from '../../shared/api/wire';
import type { Studio } from '../studio';
import { APP_ORIGIN } from './window';

/**
 * IPC transport: one invoke channel that hands every call to the shared dispatcher (which
 * validates it against the contract), and one event channel to the window. Calls from any
 * frame other than the studio's own UI are refused.
 */
export function wireIpc(studio: Studio, win: BrowserWindow): void {
  const trusted = (event: Electron.IpcMainInvokeEvent) => {
    const senderUrl = event.senderFrame?.url ?? '';
    const devUrl = process.env.ELECTRON_RENDERER_URL;
    const fromUs = senderUrl.startsWith(APP_ORIGIN) || (devUrl !== undefined && senderUrl.startsWith(devUrl));
    return fromUs && event.sender === win.webContents;
  };
  const refused = { ok: false, error: { code: 'FORBIDDEN', message: 'Refused: API call from an untrusted frame' } };
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, name: unknown, input: unknown) => {
    if (!trusted(event)) return refused;
    return studio.dispatch(name, input);
  });
  ipcMain.handle(IPC_RENDER_FRAME_CHANNEL, async (event, renderId: unknown, index: unknown, bytes: unknown) => {
    if (!trusted(event)) return refused;
    if (typeof renderId !== 'string' || !Number.isInteger(index) || !(bytes instanceof Uint8Array)) {
      return {
        ok: false,
        error: { code: 'BAD_INPUT', message: 'A render frame is (renderId: string, index: integer, bytes: Uint8Array)' },
      };
    }
    return studio.renderFrame(renderId, index as number, bytes);
  });
  studio.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
  });
}
