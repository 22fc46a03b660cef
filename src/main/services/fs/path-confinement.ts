import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';

/**
 * Resolve a relative, URL-style path inside a root folder, refusing anything that would
 * leave it: `..` segments, absolute paths, drive letters, NUL bytes, backslash tricks, and
 * symbolic links that point outside. Returns the real absolute path of an existing file.
 */
export async function resolveInside(root: string, relative: string): Promise<string> {
  const lexical = resolveInsideLexically(root, relative);
  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch {
    throw new ApiError('NOT_FOUND', `No such file in the project: ${relative}`);
  }
  const realRoot = await fs.realpath(root);
  if (!isWithin(realRoot, real)) {
    throw new ApiError('FORBIDDEN', `Refused: ${relative} leads outside the project folder`);
  }
  return real;
}

/** The lexical half of resolveInside, for paths that need not exist yet. */
export function resolveInsideLexically(root: string, relative: string): string {
  if (relative.includes('\0')) throw new ApiError('FORBIDDEN', 'Refused: the path contains a NUL character');
  const parts = relative.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new ApiError('FORBIDDEN', 'Refused: empty path');
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative) || relative.startsWith('\\')) {
    throw new ApiError('FORBIDDEN', `Refused: ${relative} is an absolute path`);
  }
  if (parts.some((p) => p === '..')) {
    throw new ApiError('FORBIDDEN', `Refused: ${relative} climbs out of the project folder`);
  }
  const resolved = path.resolve(root, ...parts);
  if (!isWithin(path.resolve(root), resolved)) {
    throw new ApiError('FORBIDDEN', `Refused: ${relative} leads outside the project folder`);
  }
  return resolved;
}

export function isWithin(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  // A name like '..notes.txt' is inside; only '..' itself or '../…' climbs out.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
