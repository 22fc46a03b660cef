import type { EventMessage, Transport } from '../../../shared/api/contract';
import type { Envelope } from '../../../shared/api/errors';
import { HTTP_INVOKE_PREFIX, HTTP_RENDER_FRAME_PREFIX, WS_EVENTS_PATH } from '../../../shared/api/wire';

/**
 * The web host's transport: calls are JSON POSTs, events arrive on one WebSocket that
 * reconnects with backoff. The access token travels in an HttpOnly cookie the host set
 * when the page was first opened, so page scripts never see it.
 */
export function createWebTransport(onConnectionChange?: (connected: boolean) => void): Transport {
  const listeners = new Set<(message: EventMessage) => void>();
  let delay = 500;
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${WS_EVENTS_PATH}`);
    ws.onopen = () => {
      delay = 500;
      onConnectionChange?.(true);
    };
    ws.onmessage = (e) => {
      const message = JSON.parse(String(e.data)) as EventMessage;
      for (const listener of listeners) listener(message);
    };
    ws.onclose = () => {
      onConnectionChange?.(false);
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();

  return {
    kind: 'web',
    async invoke(name, input) {
      let response: Response;
      try {
        response = await fetch(`${HTTP_INVOKE_PREFIX}${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch (err) {
        return { ok: false, error: { code: 'IO', message: `The studio host cannot be reached (${(err as Error).message})` } };
      }
      if (response.status === 401) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'This page lost its access to the studio host; open the URL the host printed again.' },
        };
      }
      return (await response.json()) as Envelope<unknown>;
    },
    async sendRenderFrame(renderId, index, bytes) {
      const response = await fetch(`${HTTP_RENDER_FRAME_PREFIX}${encodeURIComponent(renderId)}/${index}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: bytes as unknown as BodyInit,
        credentials: 'same-origin',
      });
      return (await response.json()) as Envelope<{ received: number }>;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
