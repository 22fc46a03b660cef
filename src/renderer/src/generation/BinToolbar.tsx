import { useEffect, useId, useRef, useState } from 'react';
import type { TakeView } from '../../../shared/api/contract';
import { useStudio } from '../state/studio-store';
import { activeFilters, NO_FILTER, SORTS, type SortKey, STATUS_FILTERS, type StatusFilter } from './bin-view';
import { useTakes } from './takes-store';

/**
 * Above the takes: tick all shown, sort, filter (status, model, minimum rating, flagged,
 * tag), and, while takes are ticked, Compare and Delete for them.
 */
export function BinToolbar({
  all,
  shown,
  onDelete,
}: {
  /** Every take of the shot (the filters offer its models and tags). */
  all: TakeView[];
  /** The takes the list shows, in its order. */
  shown: TakeView[];
  onDelete: (ids: string[]) => void;
}) {
  const sort = useTakes((s) => s.sort);
  const filter = useTakes((s) => s.filter);
  const checked = useTakes((s) => s.checked);
  const { setSort, setFilter, setChecked, openCompare } = useTakes.getState();
  const nFilters = activeFilters(filter);
  const [open, setOpen] = useState(nFilters > 0);
  const ids = { sort: useId(), status: useId(), model: useId(), rating: useId(), tag: useId() };
  const allBox = useRef<HTMLInputElement>(null);

  const models = [...new Map(all.map((t) => [t.model.id, t.model.name])).entries()];
  const tags = [...new Set(all.flatMap((t) => t.review.tags))].sort((a, b) => a.localeCompare(b));
  const shownChecked = shown.filter((t) => checked.includes(t.id)).length;
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = shownChecked > 0 && shownChecked < shown.length;
  }, [shownChecked, shown.length]);

  const comparable = checked.filter((id) => all.find((t) => t.id === id)?.status === 'done');
  const canCompare = comparable.length >= 2 && comparable.length <= 4;

  return (
    <div className="bin-toolbar" data-testid="bin-toolbar">
      <div className="bin-toolbar-row">
        <input
          ref={allBox}
          type="checkbox"
          aria-label="Select all shown takes"
          title="Select all shown takes (Ctrl+A on a card)"
          disabled={shown.length === 0}
          checked={shown.length > 0 && shownChecked === shown.length}
          onChange={(e) =>
            setChecked(e.target.checked ? [...checked, ...shown.map((t) => t.id)] : checked.filter((id) => !shown.some((t) => t.id === id)))
          }
        />
        <label className="bin-sort" htmlFor={ids.sort}>
          <span className="muted small">Sort</span>
          <select id={ids.sort} aria-label="Sort takes by" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="small-button"
          aria-expanded={open}
          aria-pressed={nFilters > 0}
          onClick={() => setOpen(!open)}
          title="Filter the takes"
        >
          Filter{nFilters ? ` (${nFilters})` : ''} {open ? '▴' : '▾'}
        </button>
      </div>
      {open ? (
        <div className="bin-filters" data-testid="bin-filters">
          <label htmlFor={ids.status}>
            <span>Status</span>
            <select
              id={ids.status}
              aria-label="Filter by status"
              value={filter.status}
              onChange={(e) => setFilter({ status: e.target.value as StatusFilter })}
            >
              {STATUS_FILTERS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={ids.model}>
            <span>Model</span>
            <select
              id={ids.model}
              aria-label="Filter by model"
              value={filter.modelId ?? ''}
              onChange={(e) => setFilter({ modelId: e.target.value || null })}
            >
              <option value="">Any model</option>
              {models.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={ids.rating}>
            <span>Rating</span>
            <select
              id={ids.rating}
              aria-label="Minimum rating"
              value={filter.minRating}
              onChange={(e) => setFilter({ minRating: Number(e.target.value) })}
            >
              <option value={0}>Any rating</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {'★'.repeat(n)}
                  {n < 5 ? ' or more' : ''}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={ids.tag}>
            <span>Tag</span>
            <select
              id={ids.tag}
              aria-label="Filter by tag"
              value={filter.tag ?? ''}
              onChange={(e) => setFilter({ tag: e.target.value || null })}
            >
              <option value="">Any tag</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="bin-flagged">
            <input type="checkbox" checked={filter.flaggedOnly} onChange={(e) => setFilter({ flaggedOnly: e.target.checked })} />
            <span>Flagged only</span>
          </label>
          <button type="button" className="link-button" disabled={nFilters === 0} onClick={() => setFilter(NO_FILTER)}>
            Clear filters
          </button>
        </div>
      ) : null}
      {nFilters > 0 ? (
        <div className="small muted" data-testid="bin-shown">
          Showing {shown.length} of {all.length}
        </div>
      ) : null}
      {checked.length > 0 ? (
        <div className="bin-selection" data-testid="bin-selection">
          <span className="small">{checked.length} selected</span>
          <span className="spacer" />
          <button
            type="button"
            className="small-button primary"
            disabled={!canCompare}
            onClick={() => openCompare(comparable)}
            title={
              canCompare
                ? 'Compare the selected takes side by side, with a wipe, a difference view and flicker'
                : 'Select 2 to 4 done takes'
            }
          >
            Compare
          </button>
          <button
            type="button"
            className="small-button"
            onClick={() => useStudio.getState().setDialog('export')}
            title="Export the selected takes (LeRobot dataset, DWM reference layout, or plain files)"
          >
            Export…
          </button>
          <button
            type="button"
            className="small-button danger"
            onClick={() => onDelete(checked)}
            title="Move the selected takes to the trash"
          >
            Delete
          </button>
          <button type="button" className="small-button" onClick={() => setChecked([], null)} title="Clear the selection (Esc)">
            Clear
          </button>
        </div>
      ) : null}
    </div>
  );
}
