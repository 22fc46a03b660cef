import { ApiError } from '../../../shared/api/errors';

/** What the importer can read, for messages that refuse a file. */
export const SUPPORTED_FORMATS_TEXT = 'glTF (.glb, .gltf), OBJ (.obj with .mtl), PLY (mesh, point cloud or 3D Gaussians), .splat and .spz';

/** Every refusal names the file first, so the UI can show it without extra context. */
export function badInput(file: string, detail: string, field?: string): ApiError {
  return new ApiError('BAD_INPUT', `${file}: ${detail}`, field === undefined ? { file } : { file, field });
}

export function truncated(file: string, detail: string): ApiError {
  return badInput(file, `the file is truncated (${detail})`);
}

export function unsupported(file: string, what: string): ApiError {
  return badInput(file, `this file type is not supported (${what}). Supported: ${SUPPORTED_FORMATS_TEXT}.`);
}

/** `neededBy` names the scene file when the reference sits in another file (an .mtl), so the user sees both. */
export function missingCompanion(file: string, uri: string, absolute: string, neededBy?: string): ApiError {
  const context = neededBy && neededBy !== file ? `; ${file} is needed by ${neededBy}` : '';
  return badInput(file, `references ${uri}, which is missing (expected at ${absolute})${context}`);
}

/**
 * Map a failure while reading a scene to the error the UI should show: system errors by
 * their errno code; anything else a reader throws (a RangeError on a lying header, say) is
 * a file it could not make sense of.
 */
export function readFailure(file: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message;
  const systemError = typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_');
  if (!systemError) return badInput(file, `could not be read as a scene (${message})`);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ApiError('NOT_FOUND', `${file}: no such file`, { file });
  if (code === 'EACCES' || code === 'EPERM') return new ApiError('IO', `${file}: cannot be read (permission denied)`, { file });
  if (code === 'EISDIR') return badInput(file, 'is a folder, not a scene file');
  return new ApiError('IO', `${file}: cannot be read (${message})`, { file });
}
