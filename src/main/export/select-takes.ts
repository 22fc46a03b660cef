import path from 'node:path';
import type { Shot } from '../../shared/animation/schema';
import { ApiError } from '../../shared/api/errors';
import type { TakeRecord } from '../../shared/model/take';
import type { TakeStore } from '../generation/take-store';
import type { ExportableTake } from './take-episode';

/** Which takes of a project to export: by id, or every finished take that passes the filter. */
export interface TakeFilter {
  /** A shot id or name. */
  shot?: string | undefined;
  minRating?: number | undefined;
  flaggedOnly?: boolean | undefined;
  modelId?: string | undefined;
}

export function matchesFilter(take: TakeRecord, shots: readonly Shot[], f: TakeFilter): boolean {
  if (take.status !== 'done') return false;
  if (f.shot !== undefined) {
    const shot = shots.find((s) => s.id === f.shot || s.name === f.shot);
    if (!shot || take.shotId !== shot.id) return false;
  }
  if (f.minRating !== undefined && take.review.rating < f.minRating) return false;
  if (f.flaggedOnly && !take.review.flagged) return false;
  if (f.modelId !== undefined && take.model.id !== f.modelId) return false;
  return true;
}

export async function selectTakes(
  store: TakeStore,
  shots: readonly Shot[],
  choice: { takeIds?: string[] | undefined; filter?: TakeFilter | undefined },
): Promise<ExportableTake[]> {
  const { takes } = await store.list();
  const shotName = (t: TakeRecord) => shots.find((s) => s.id === t.shotId)?.name ?? null;
  let chosen: TakeRecord[];
  if (choice.takeIds && choice.takeIds.length > 0) {
    chosen = choice.takeIds.map((id) => {
      const take = takes.find((t) => t.id === id);
      if (!take) throw new ApiError('NOT_FOUND', `No take ${id} in ${store.root}`, { field: 'takeIds' });
      return take;
    });
  } else {
    chosen = takes.filter((t) => matchesFilter(t, shots, choice.filter ?? {}));
    if (choice.filter?.shot !== undefined && !shots.some((s) => s.id === choice.filter?.shot || s.name === choice.filter?.shot)) {
      throw new ApiError('NOT_FOUND', `${store.root} has no shot "${choice.filter.shot}"`, { field: 'shot' });
    }
  }
  return chosen.map((take) => ({ take, dir: store.dirOf(take.id), shotName: shotName(take) }));
}

/** Take folders given by path (e.g. made by `dwm-studio generate`), outside any project. */
export async function takesFromFolders(dirs: string[], read: (dir: string) => Promise<TakeRecord>): Promise<ExportableTake[]> {
  const out: ExportableTake[] = [];
  for (const d of dirs) out.push({ take: await read(path.resolve(d)), dir: path.resolve(d), shotName: null });
  return out;
}
