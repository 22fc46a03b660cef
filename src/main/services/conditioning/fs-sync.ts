import { promises as fs } from 'node:fs';

/**
 * fsync helpers: a rename is only as durable as the data renamed and the folder entry that
 * names it, so both are flushed before a result is called complete (as in fs/atomic-write.ts).
 */

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on folders; the rename has still happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}
