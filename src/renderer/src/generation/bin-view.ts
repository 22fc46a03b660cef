import type { TakeView } from '../../../shared/api/contract';
import type { TakeStatus } from '../../../shared/model/take';

/**
 * What the shot bin shows of a shot's takes: the sort orders, the filters, and the figures
 * read from a take's metrics (any of which may be missing: metrics are computed after a take
 * is done, and some need a ground-truth video). Pure functions, no React.
 */

export type SortKey = 'newest' | 'oldest' | 'rating' | 'seed' | 'psnr' | 'regionPsnr' | 'consistency';
export const SORTS: { value: SortKey; label: string }[] = [
  { value: 'newest', label: 'Newest' },
  { value: 'oldest', label: 'Oldest' },
  { value: 'rating', label: 'Rating' },
  { value: 'seed', label: 'Seed' },
  { value: 'psnr', label: 'PSNR' },
  { value: 'regionPsnr', label: 'Region PSNR' },
  { value: 'consistency', label: 'Consistency' },
];

/** 'active': queued or running. */
export type StatusFilter = 'all' | 'active' | TakeStatus;
export const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: 'done', label: 'Done' },
  { value: 'active', label: 'Queued or running' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

export interface BinFilter {
  status: StatusFilter;
  /** null: any model. */
  modelId: string | null;
  /** 0: any rating. */
  minRating: number;
  flaggedOnly: boolean;
  /** null: any tag. */
  tag: string | null;
}
export const NO_FILTER: BinFilter = { status: 'all', modelId: null, minRating: 0, flaggedOnly: false, tag: null };

/** How many filters narrow the list (for the Filter button's count). */
export function activeFilters(f: BinFilter): number {
  return (f.status !== 'all' ? 1 : 0) + (f.modelId ? 1 : 0) + (f.minRating > 0 ? 1 : 0) + (f.flaggedOnly ? 1 : 0) + (f.tag ? 1 : 0);
}

export function matches(t: TakeView, f: BinFilter): boolean {
  if (f.status === 'active' ? t.status !== 'queued' && t.status !== 'running' : f.status !== 'all' && t.status !== f.status) return false;
  if (f.modelId && t.model.id !== f.modelId) return false;
  if (t.review.rating < f.minRating) return false;
  if (f.flaggedOnly && !t.review.flagged) return false;
  if (f.tag && !t.review.tags.includes(f.tag)) return false;
  return true;
}

/** The figures the bin shows, each null when not (yet) computed. */
export const figures = {
  psnr: (t: TakeView) => t.metrics?.reference?.psnr ?? null,
  ssim: (t: TakeView) => t.metrics?.reference?.ssim ?? null,
  regionPsnr: (t: TakeView) => t.metrics?.reference?.regionPsnr ?? null,
  regionSsim: (t: TakeView) => t.metrics?.reference?.regionSsim ?? null,
  staticPsnr: (t: TakeView) => t.metrics?.staticBaseline?.psnr ?? null,
  staticSsim: (t: TakeView) => t.metrics?.staticBaseline?.ssim ?? null,
  staticRegionPsnr: (t: TakeView) => t.metrics?.staticBaseline?.regionPsnr ?? null,
  consistency: (t: TakeView) => t.metrics?.consistency?.psnr ?? null,
  consistencySsim: (t: TakeView) => t.metrics?.consistency?.ssim ?? null,
  flicker: (t: TakeView) => t.metrics?.flicker ?? null,
} satisfies Record<string, (t: TakeView) => number | null>;

/** The number at the end of "… take N" (variations queued in the same millisecond sort by it). */
export const takeNumber = (t: TakeView) => Number(/(\d+)$/.exec(t.name)?.[1] ?? 0);

/** Newest first; variations queued in the same millisecond by their number, highest first. */
export function newestFirst(a: TakeView, b: TakeView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return takeNumber(b) - takeNumber(a);
}

/** Highest first, takes without the figure last (then newest first). */
function byFigure(get: (t: TakeView) => number | null) {
  return (a: TakeView, b: TakeView) => {
    const x = get(a);
    const y = get(b);
    if (x === null || y === null) return x === y ? newestFirst(a, b) : x === null ? 1 : -1;
    return y - x || newestFirst(a, b);
  };
}

const COMPARE: Record<SortKey, (a: TakeView, b: TakeView) => number> = {
  newest: newestFirst,
  oldest: (a, b) => newestFirst(b, a),
  rating: (a, b) => b.review.rating - a.review.rating || newestFirst(a, b),
  seed: (a, b) => a.params.seed - b.params.seed || newestFirst(a, b),
  psnr: byFigure(figures.psnr),
  regionPsnr: byFigure(figures.regionPsnr),
  consistency: byFigure(figures.consistency),
};

/** The takes the list shows, in its order. */
export function visibleTakes(takes: TakeView[], sort: SortKey, filter: BinFilter): TakeView[] {
  return takes.filter((t) => matches(t, filter)).sort(COMPARE[sort]);
}

/** "24.1 dB", or "—" when missing. */
export function fmtDb(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${v.toFixed(1)} dB`;
}
/** "0.812", or "—". */
export function fmtSsim(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(3);
}
/** A mean absolute difference on the 0-255 scale: "3.14", or "—". */
export function fmtMad(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(2);
}
/** A figure with the do-nothing baseline's beside it: "24.1 dB (static 21.3)". */
export function withStatic(v: number | null, s: number | null, fmt: (x: number | null) => string): string {
  const shown = fmt(v);
  if (s === null) return shown;
  return `${shown} (static ${fmt(s).replace(/ dB$/, '')})`;
}
