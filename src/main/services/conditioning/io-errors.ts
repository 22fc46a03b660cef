import { ApiError } from '../../../shared/api/errors';

/** A file-system failure in words a user can act on, e.g. "the disk is full (ENOSPC)". */
export function describeCause(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const message = e?.message ?? String(err);
  switch (e?.code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is used up (EDQUOT)';
    case 'EROFS':
      return 'the disk is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${e.code})`;
    default:
      return message;
  }
}

/** ffmpeg reports a full disk only in words on stderr; spot it so the message says so plainly. */
export function describeFfmpegFailure(stderrTail: string, exit: string): string {
  if (/No space left on device/i.test(stderrTail)) return `the disk is full (ffmpeg: ${stderrTail})`;
  return stderrTail === '' ? `ffmpeg failed (${exit})` : `ffmpeg failed (${exit}): ${stderrTail}`;
}

/** ApiError('IO') naming the file, what was being done and why it failed. */
export function ioError(file: string, doing: string, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('IO', `${file}: ${doing} failed: ${describeCause(err)}`, { file });
}
