import { contextBridge, ipcRenderer } from 'electron';
import type { EventMessage, Transport } from '../shared/api/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, IPC_RENDER_FRAME_CHANNEL } from '../shared/api/wire';

/**
 * The only thing the preload script does: expose the API transport to the page. Inputs are
 * validated in the main process, the trust boundary; this bridge forwards calls and events.
 */
const transport: Transport = {
  kind: 'electron',
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input),
  // Structured clone carries the Uint8Array as binary.
  sendRenderFrame: (renderId, index, bytes) => ipcRenderer.invoke(IPC_RENDER_FRAME_CHANNEL, renderId, index, bytes),
  subscribe(listener) {
    const handler = (_event: unknown, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('dwmTransport', transport);
