import { z } from 'zod';

/**
 * Every failure that crosses the renderer/main boundary has this shape, so the UI can
 * show the message and, where it applies, the file and the field that caused it.
 */
export const ApiErrorShape = z.object({
  code: z.enum(['BAD_INPUT', 'NOT_FOUND', 'ALREADY_EXISTS', 'PROJECT_INVALID', 'NO_PROJECT', 'FORBIDDEN', 'UNSUPPORTED', 'IO', 'INTERNAL']),
  message: z.string(),
  file: z.string().optional(),
  field: z.string().optional(),
  /** Ways out the UI can offer; 'openBackup': project.json.bak exists and can be opened. */
  recovery: z.array(z.enum(['openBackup'])).optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;
export type ApiErrorCode = ApiErrorShape['code'];

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly file?: string;
  readonly field?: string;
  readonly recovery?: ApiErrorShape['recovery'];

  constructor(code: ApiErrorCode, message: string, extra: Partial<Pick<ApiErrorShape, 'file' | 'field' | 'recovery'>> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (extra.file !== undefined) this.file = extra.file;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.recovery !== undefined) this.recovery = extra.recovery;
  }

  toShape(): ApiErrorShape {
    const shape: ApiErrorShape = { code: this.code, message: this.message };
    if (this.file !== undefined) shape.file = this.file;
    if (this.field !== undefined) shape.field = this.field;
    if (this.recovery !== undefined) shape.recovery = this.recovery;
    return shape;
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape);
  }
}

/** The envelope both transports (IPC and HTTP) carry, so errors keep their fields. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };

/** Dotted path of a zod issue, e.g. `shots[0].fps`; empty string for the root. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
