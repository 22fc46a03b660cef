import type { DwmApi, Transport } from '../../../shared/api/contract';
import { createApiClient } from './client';
import { createWebTransport } from './web-transport';

declare global {
  interface Window {
    /** Set by the Electron preload script; absent in a browser. */
    dwmTransport?: Transport;
  }
}

type ConnectionListener = (connected: boolean) => void;
const connectionListeners = new Set<ConnectionListener>();

export function onConnectionChange(listener: ConnectionListener): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** The one API client of the renderer; the UI does not know which transport is underneath. */
export const api: DwmApi = createApiClient(
  window.dwmTransport ??
    createWebTransport((connected) => {
      for (const listener of connectionListeners) listener(connected);
    }),
);
