import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TAKES_DIR } from '../../shared/model/take';

/** Deleted takes wait in the project's trash, so a delete can be undone (and survives a restart). */
export const TRASH_DIR = path.join('.trash', TAKES_DIR);

export function trashedDir(projectDir: string, takeId: string): string {
  return path.join(projectDir, TRASH_DIR, takeId);
}

export async function moveToTrash(projectDir: string, takeDir: string, takeId: string): Promise<void> {
  const target = trashedDir(projectDir, takeId);
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(takeDir, target);
}

export async function restoreFromTrash(projectDir: string, takeDir: string, takeId: string): Promise<void> {
  const source = trashedDir(projectDir, takeId);
  await fs.access(source).catch(() => {
    throw new Error(`take ${takeId} is not in the project's trash`);
  });
  await fs.rename(source, takeDir);
}
