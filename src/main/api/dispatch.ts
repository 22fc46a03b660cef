import { type CallName, calls, isCallName } from '../../shared/api/contract';
import { ApiError, type Envelope, formatIssuePath } from '../../shared/api/errors';
import type { Handlers } from './handlers';

/**
 * The single entry point both transports call: check the call name, validate the input
 * against the contract, run the handler, validate its output, and wrap the result (or
 * the error, with its file and field) in an envelope.
 */
export function createDispatcher(handlers: Handlers, log: (msg: string) => void = () => {}) {
  return async function dispatch(name: unknown, rawInput: unknown): Promise<Envelope<unknown>> {
    try {
      if (!isCallName(name)) throw new ApiError('NOT_FOUND', `Unknown API call: ${String(name).slice(0, 100)}`);
      const spec = calls[name];
      const parsed = spec.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = formatIssuePath(issue?.path ?? []);
        throw new ApiError('BAD_INPUT', `${name}: ${field ? `field "${field}": ` : ''}${issue?.message ?? 'invalid input'}`, { field });
      }
      const handler = handlers[name as CallName] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        log(`internal: ${name} produced output that breaks the contract: ${checked.error.message}`);
        throw new ApiError('INTERNAL', `${name}: the studio produced an invalid answer (a bug; see the log)`);
      }
      return { ok: true, value: checked.data };
    } catch (err) {
      if (err instanceof ApiError) return { ok: false, error: err.toShape() };
      log(`internal error in ${String(name)}: ${(err as Error).stack ?? String(err)}`);
      return { ok: false, error: { code: 'INTERNAL', message: `${String(name)}: ${(err as Error).message}` } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
