import { promises as fs } from 'node:fs';

/** Copy a file; copyFile keeps the source's mode, and a read-only input (a sample) must not make a read-only copy. */
export async function copyWritable(from: string, to: string): Promise<void> {
  await fs.copyFile(from, to);
  await fs.chmod(to, 0o644);
}
