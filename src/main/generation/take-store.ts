import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, formatIssuePath } from '../../shared/api/errors';
import { TAKE_FILE, TAKES_DIR, TakeRecord } from '../../shared/model/take';
import { writeJsonAtomic } from '../services/fs/atomic-write';
import { readJsonFile } from '../services/json-file';

/** A take folder whose take.json could not be read; kept as it is and listed with the reason. */
export interface UnreadableTake {
  dir: string;
  problem: string;
}

/**
 * Takes on disk: `<root>/takes/<id>/take.json`. Every write is atomic, and a take.json that
 * does not parse is reported and left untouched (never rewritten), like project.json.
 */
export class TakeStore {
  constructor(readonly root: string) {}

  dirOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('BAD_INPUT', `"${id}" is not a take id`, { field: 'takeId' });
    return path.join(this.root, TAKES_DIR, id);
  }

  async write(take: TakeRecord): Promise<void> {
    const checked = TakeRecord.parse(take);
    await fs.mkdir(this.dirOf(take.id), { recursive: true });
    await writeJsonAtomic(path.join(this.dirOf(take.id), TAKE_FILE), checked);
  }

  async read(id: string): Promise<TakeRecord> {
    return readTakeFolder(this.dirOf(id));
  }

  async list(): Promise<{ takes: TakeRecord[]; unreadable: UnreadableTake[] }> {
    const base = path.join(this.root, TAKES_DIR);
    const names = await fs.readdir(base).catch(() => [] as string[]);
    const takes: TakeRecord[] = [];
    const unreadable: UnreadableTake[] = [];
    for (const name of names.sort()) {
      if (!/^[0-9a-f-]{36}$/i.test(name)) continue;
      try {
        takes.push(await this.read(name));
      } catch (err) {
        unreadable.push({ dir: path.join(base, name), problem: (err as Error).message });
      }
    }
    takes.sort((a, b) => a.timings.queuedAt.localeCompare(b.timings.queuedAt) || a.name.localeCompare(b.name));
    return { takes, unreadable };
  }
}

/** A take folder's take.json, checked; errors name the file (and the field). */
export async function readTakeFolder(dir: string): Promise<TakeRecord> {
  const file = path.join(dir, TAKE_FILE);
  const read = await readJsonFile(file);
  if (read.kind === 'missing') throw new ApiError('NOT_FOUND', `${file}: not found (a take folder holds a ${TAKE_FILE})`, { file });
  if (read.kind === 'unparsable') throw new ApiError('PROJECT_INVALID', `${file}: ${read.message}`, { file });
  const parsed = TakeRecord.safeParse(read.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError('PROJECT_INVALID', `${file}: ${issue ? `${formatIssuePath(issue.path)}: ${issue.message}` : 'invalid'}`, { file });
  }
  return parsed.data;
}
