import type { CallName, DwmApi, EventMessage, EventName, EventPayload, Transport } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';

/** Turn a transport (Electron IPC or the web host) into the typed client the UI uses. */
export function createApiClient(transport: Transport): DwmApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.subscribe((message: EventMessage) => {
    for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
  });
  return {
    transport: transport.kind,
    async sendRenderFrame(renderId, index, bytes) {
      const result = await transport.sendRenderFrame(renderId, index, bytes);
      if (result.ok) return result.value;
      throw ApiError.fromShape(result.error);
    },
    async invoke(name, input) {
      const result = await transport.invoke(name as CallName, input);
      if (result.ok) return result.value as never;
      throw ApiError.fromShape(result.error);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const fn = listener as (payload: unknown) => void;
      set.add(fn);
      return () => set.delete(fn);
    },
  };
}
