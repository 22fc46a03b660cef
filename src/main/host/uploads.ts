import { createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../shared/api/errors';
import type { UploadStaging } from '../api/handlers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A generous cap: large splat scenes run to a few GB. */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

/**
 * Files a browser sends with PUT /api/upload/<uploadId>/<name>, staged in the open project's
 * scenes/.uploads/<uploadId>/ until scene.importUpload copies them into place; the staging
 * folder is removed after the import, whether it succeeded or not.
 */
export interface UploadReceiver extends UploadStaging {
  receive(uploadId: string, name: string, req: IncomingMessage): Promise<number>;
}

export function createUploadStaging(projectDir: () => string | null): UploadReceiver {
  const folder = (uploadId: string) => {
    const dir = projectDir();
    if (!dir) throw new ApiError('NO_PROJECT', 'Open a project before uploading files to it');
    if (!UUID.test(uploadId)) throw new ApiError('BAD_INPUT', 'The upload id must be a UUID');
    return path.join(dir, 'scenes', '.uploads', uploadId.toLowerCase());
  };
  return {
    async receive(uploadId, name, req) {
      if (name !== path.basename(name) || name === '.' || name === '..' || name.length > 255 || /[\\/\0]/.test(name)) {
        throw new ApiError('BAD_INPUT', `"${name.slice(0, 100)}" is not a plain file name`);
      }
      const dir = folder(uploadId);
      await fs.mkdir(dir, { recursive: true });
      const target = path.join(dir, name);
      let bytes = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > MAX_UPLOAD_BYTES) done(new ApiError('BAD_INPUT', `${name} is larger than ${MAX_UPLOAD_BYTES / 1024 ** 3} GB`));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(req, limit, createWriteStream(target, { flags: 'w' }));
      } catch (err) {
        await fs.rm(target, { force: true });
        throw err instanceof ApiError ? err : new ApiError('IO', `Upload of ${name} failed: ${(err as Error).message}`);
      }
      return bytes;
    },
    async folderOf(uploadId) {
      const dir = folder(uploadId);
      const stat = await fs.stat(dir).catch(() => null);
      if (!stat?.isDirectory()) throw new ApiError('NOT_FOUND', `No files were uploaded under ${uploadId}`);
      return dir;
    },
    async discard(uploadId) {
      await fs.rm(folder(uploadId), { recursive: true, force: true });
    },
  };
}
