/**
 * Undo history of document states (snapshots; documents are small and immutable, so a
 * snapshot per edit is simpler and safer than inverse commands). A drag is a transaction:
 * begin() remembers the state, intermediate states are not recorded, commit() records one
 * step if anything changed. Pure: no React, no store, so it is unit-tested directly.
 */
export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private transactionStart: T | null = null;

  constructor(
    private readonly limit = 200,
    private readonly equal: (a: T, b: T) => boolean = (a, b) => JSON.stringify(a) === JSON.stringify(b),
  ) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }
  get canRedo(): boolean {
    return this.future.length > 0;
  }
  get inTransaction(): boolean {
    return this.transactionStart !== null;
  }

  /** Record that `before` was replaced by a new state; returns false when nothing changed. */
  record(before: T, after: T): boolean {
    if (this.equal(before, after)) return false;
    this.past = [...this.past, before].slice(-this.limit);
    this.future = [];
    return true;
  }

  begin(current: T): void {
    this.transactionStart = current;
  }

  /** End a transaction at `current`; one step is recorded if it differs from the start. */
  commit(current: T): boolean {
    const start = this.transactionStart;
    this.transactionStart = null;
    return start !== null && this.record(start, current);
  }

  /** Abandon a transaction; returns the state to restore. */
  cancel(): T | null {
    const start = this.transactionStart;
    this.transactionStart = null;
    return start;
  }

  /** The state to show after undo, given the current one; null when there is nothing to undo. */
  undo(current: T): T | null {
    const previous = this.past[this.past.length - 1];
    if (previous === undefined) return null;
    this.past = this.past.slice(0, -1);
    this.future = [...this.future, current];
    return previous;
  }

  redo(current: T): T | null {
    const next = this.future[this.future.length - 1];
    if (next === undefined) return null;
    this.future = this.future.slice(0, -1);
    this.past = [...this.past, current];
    return next;
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.transactionStart = null;
  }
}
