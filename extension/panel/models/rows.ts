/**
 * One table's rows, pulled a page at a time (DESIGN.md: rows are pulled, never pushed). The grid
 * asks for the rows it shows; pages load on demand, at most MAX_PAGES stay cached (the farthest
 * from view go first), and a change to the table reloads what is in view while the old rows stay
 * on screen. A filter (index + key range) that does not parse says why and queries nothing.
 */
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import { Command, type Hash, type Range, type Row } from '#protocol/messages.js';
import { replaceAt } from '../lib/splice.js';
import { isRecord } from '../lib/encoded.js';
import type { Connection } from './connection.js';
import { RowFilterForm } from './row-filter.js';
import type { Ui } from './ui.js';
import { editAt, fetchPart, type ValueSource } from './value.js';

export const PAGE_SIZE = 200;
/** The row grid is at most this percentage of the window tall (RowGrid sets its max-height from it). */
export const GRID_PERCENT = 55;
/** A grid row's height in pixels (theme.css, `.grid-row`). */
export const ROW_HEIGHT = 20;

/**
 * The most the grid's rows can take on screen before it is laid out: its share of the window less
 * the head and the count line. The list draws that many rows at first (VirtualList's
 * `initialHeight`); it is never less than the box will be, so the first paint needs no second
 * render. Undefined without a window's height (tests in node).
 */
export function gridHeight(height: number = typeof innerHeight === 'number' ? innerHeight : 0): number | undefined {
  // Less the head (a row) and the count line (21.5 px); never below the rows' box's min-height
  // in theme.css (24 px), which would leave a row to draw after the measure.
  return height > 0 ? Math.max(24, Math.ceil((height * GRID_PERCENT) / 100) - 2 * ROW_HEIGHT) : undefined;
}

/**
 * What a new query asks for first (issue 18): the rows the grid can show at once, 24 rows in a
 * 900 px window, 39 in 1440 px; the list draws just those until it scrolls, and they size the
 * columns (RowGrid). Read, encoded, cloned and validated, they cost in proportion: asking for 64
 * (two screens, as the fourth pass did) spent a third of the click on rows nobody could see yet.
 * Page 0 whole follows at once and replaces them. Without a window's height (tests in node), 64.
 */
export function firstRows(height?: number): number {
  const shown = gridHeight(height);
  if (shown === undefined) return 64;
  return Math.min(PAGE_SIZE, Math.max(16, Math.ceil(shown / ROW_HEIGHT) + 1));
}
export const MAX_PAGES = 50;
/**
 * How long a table opened where none is shown may take before the grid shows it, empty and
 * loading (issue 18). Until its first rows arrive or this passes, the view stays as it was ("Select
 * a table."): no empty grid is drawn and laid out only to be drawn again a few milliseconds later.
 * A query that replaces one on screen (another table, a filter, a sort) is shown at once, loading:
 * rows kept from the last query could take a click meant for the new one.
 */
export const HOLD_MS = 100;
/** A record table shows at most this many fields as columns (theme.css has a width rule for each). */
export const MAX_COLUMNS = 12;

export interface RowQuery {
  database: number;
  table: string;
  index?: string;
  range?: Range;
  direction: 'next' | 'prev';
}

export class RowsModel {
  readonly query = signal<RowQuery | null>(null);
  private _edits = 0;
  readonly total = signal(0);
  /** Bumped when a page arrives. */
  readonly revision = signal(0);
  readonly error = signal<string | null>(null);
  /** The filter form; applied by applyFilter(). */
  readonly filter = new RowFilterForm();
  readonly selectedKey = signal<string | null>(null);
  readonly selectedRow = signal<Row | null>(null);
  /** Where the selection was in the grid when picked (for ↑/↓); -1 when not picked there. */
  readonly selectedIndex = signal(-1);
  /** The grid's columns: a record's fields, or one `value` column holding each row's whole value. */
  readonly layout: ReadonlySignal<RowLayout>;
  readonly columns: ReadonlySignal<string[]>;
  /** The layout page 0 gave this query: it stays when page 0 is evicted far down the table. */
  private _kept: { query: RowQuery | null; layout: RowLayout } | undefined;
  /** A change came while pages were on their way: read the view again once they are in. */
  private _again = false;
  private _pages = new Map<number, Row[]>();
  private _stale = new Map<number, Row[]>();
  private readonly _loading = new Set<number>();
  private _generation = 0;
  private _view = { first: 0, last: 0 };
  private _source: ValueSource | undefined;
  /** A query asked for and not shown yet (HOLD_MS), and the timer that shows it empty. */
  private _held: { query: RowQuery; timer: ReturnType<typeof setTimeout> | undefined } | undefined;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this.layout = computed(() => {
      this.revision.value;
      const query = this.query.value;
      const first = this._pages.get(0) ?? this._stale.get(0);
      // Page 0 evicted (scrolled far down): the columns it gave stay, not one `value` column.
      if (!first && this._kept?.query === query) return this._kept.layout;
      const layout = layoutOf(first ?? []);
      this._kept = { query, layout };
      return layout;
    });
    this.columns = computed(() => this.layout.value.columns);
  }

  /**
   * Shows a table. A new table resets the filter; the same table again (a snapshot after a
   * reconnect) keeps filter and scroll and only reloads, unless its database id changed (reload).
   */
  open(database: number, table: string, keepFilter = false): void {
    const current = this._latest();
    if (keepFilter && current?.table === table) {
      // A snapshot came (a reconnect, a reload): deltas may have been missed meanwhile.
      void this._recheckSelected(database, table);
      if (current.database === database) return this.invalidate();
      return this._run({ ...current, database });
    }
    batch(() => {
      this.filter.reset();
      if (current?.table !== table) this.select(null);
    });
    this._run({ database, table, direction: 'next' });
  }

  /** The filter form as a query; a bound that does not read says why and queries nothing. */
  applyFilter(): void {
    const current = this._latest();
    if (!current) return;
    const built = this.filter.build();
    if (!built.ok) return void (this.error.value = built.reason);
    const next: RowQuery = { database: current.database, table: current.table, direction: current.direction };
    if (built.index !== undefined) next.index = built.index;
    if (built.range !== undefined) next.range = built.range;
    this._run(next);
  }

  /** Sorting the grid: by the primary key or an index, either way (the only orders a store keeps). */
  sortBy(index: string | undefined): void {
    const current = this._latest();
    if (!current) return;
    const same = (current.index ?? '') === (index ?? '');
    const direction = same && current.direction === 'next' ? 'prev' : 'next';
    this.filter.index.value = index ?? '';
    const next: RowQuery = { ...current, direction };
    if (index === undefined) delete next.index;
    else next.index = index;
    if (!same) delete next.range;
    this._run(next);
  }

  rowAt(i: number): Row | undefined {
    this.revision.value;
    const page = Math.floor(i / PAGE_SIZE);
    return (this._pages.get(page) ?? this._stale.get(page))?.[i % PAGE_SIZE];
  }

  /** Loads what the grid shows (rows first..last) and keeps the cache bounded. */
  ensure(first: number, last: number): void {
    this._view = { first, last };
    // A held query loads its page 0 already; the grid on screen is the last query's.
    if (!this.query.peek() || this._held) return;
    const from = Math.floor(Math.max(0, first) / PAGE_SIZE);
    const to = Math.floor(Math.max(0, last) / PAGE_SIZE);
    // The pages in view first, then one either side, so a steady scroll rarely waits for rows.
    // The neighbours wait until the view is in: read and encoded beside the first page, they
    // delayed it (issue 18: a table's first rows).
    const inView = range(from, to);
    for (const page of inView) if (!this._pages.has(page) && !this._loading.has(page)) void this._load(page);
    if (inView.some((page) => !this._pages.has(page))) return;
    const lastPage = Math.max(0, Math.ceil(this.total.peek() / PAGE_SIZE) - 1);
    for (const page of [to + 1, from - 1]) {
      if (page >= 0 && page <= lastPage && !this._pages.has(page) && !this._loading.has(page)) void this._load(page);
    }
  }

  /** No table shown (another database was selected, or this one deleted). */
  close(): void {
    this._release();
    this._again = false;
    this._generation++;
    this._loading.clear();
    batch(() => {
      this.query.value = null;
      // A row of no table shown: its editor would offer to write a row the grid no longer holds.
      this.select(null);
    });
  }

  /** The table changed: reload the rows in view; the others load when scrolled to. */
  invalidate(): void {
    // The query still held is read again whole: what it had asked for may predate the change.
    if (this._held) return this._run(this._held.query);
    // Pages in view on their way are shown, then the view is read again: dropping them at every
    // change left a grid that a steady stream of changes (one a frame) never updated.
    if (this._viewLoading()) {
      this._again = true;
      return;
    }
    this._again = false;
    this._generation++;
    this._loading.clear();
    for (const [page, rows] of this._pages) this._stale.set(page, rows);
    this._pages = new Map();
    this.ensure(this._view.first, this._view.last);
  }

  select(row: Row | null, index = -1): void {
    batch(() => {
      this.selectedKey.value = row ? JSON.stringify(row.key) : null;
      this.selectedRow.value = row;
      this.selectedIndex.value = index;
    });
  }

  /** `key`: where a row of a table whose keys are out of line goes (its value does not hold it). */
  async put(value: Encoded, base: Hash | null, key?: Encoded): Promise<boolean> {
    const query = this.query.peek();
    if (!query) return false;
    const send = (baseVersion: Hash | null) => this._connection.request(Command.dbPut, { database: query.database, table: query.table, value, baseVersion, ...(key !== undefined && { key }) });
    const done = await this._ui.run(() => send(base), {
      what: `the row of "${query.table}"`,
      overwrite: (version) => send(typeof version === 'string' ? version : null).then((result) => this._written(result.key, value, result.hash)),
      reload: (current) => this._adoptCurrent(current.value, current.version, current.redacted),
    });
    if (done) this._written(done.key, value, done.hash);
    return done !== undefined;
  }

  async add(value: Encoded): Promise<boolean> {
    const query = this.query.peek();
    if (!query) return false;
    const done = await this._ui.run(() => this._connection.request(Command.dbAdd, { database: query.database, table: query.table, value }));
    if (done) this._written(done.key, value, done.hash);
    return done !== undefined;
  }

  async remove(row: Row): Promise<boolean> {
    const query = this.query.peek();
    if (!query) return false;
    const send = (baseVersion: Hash) => this._connection.request(Command.dbDelete, { database: query.database, table: query.table, key: row.key, baseVersion });
    const done = await this._ui.run(() => send(row.hash), {
      what: `row ${JSON.stringify(row.key)} of "${query.table}"`,
      overwrite: (version) => (typeof version === 'string' ? send(version) : Promise.resolve({ deleted: true })),
      reload: (current) => this._adoptCurrent(current.value, current.version, current.redacted),
    });
    if (done && this.selectedKey.peek() === JSON.stringify(row.key)) this.select(null);
    return done !== undefined;
  }

  /** The selected row as the value view edits it: the whole row is put over the hash it showed. */
  source(): ValueSource | undefined {
    const row = this.selectedRow.value;
    const query = this.query.peek();
    if (!row || !query) return undefined;
    const id = `row:${query.database}:${query.table}:${JSON.stringify(row.key)}`;
    if (this._source?.key === id) return this._source;
    const current = () => this.selectedRow.peek();
    this._source = {
      key: id,
      what: `row ${JSON.stringify(row.key)} of "${query.table}"`,
      value: computed(() => this.selectedRow.value?.value ?? null),
      redacted: computed(() => this.selectedRow.value?.redacted ?? []),
      ref: { kind: 'row', database: query.database, table: query.table, key: row.key },
      base: () => current()?.hash ?? null,
      edit: (base, path, op, value, to, seen) =>
        this._editing(() => editAt(
          { connection: this._connection, ui: this._ui },
          {
            ref: { kind: 'row', database: query.database, table: query.table, key: row.key },
            what: `row ${JSON.stringify(row.key)} of "${query.table}"`,
            reload: (now) => this._adoptCurrent(now.value, now.version, now.redacted),
            done: (version) => this._refresh(row.key, version, op === 'set' ? path : path.slice(0, -1)),
          },
          base,
          path,
          op,
          value,
          to,
            seen,
        )),
      expand: (path, more) => this._expand(path, more),
    };
    return this._source;
  }

  private async _expand(path: Path, more?: boolean): Promise<void> {
    const row = this.selectedRow.peek();
    const query = this.query.peek();
    if (!row || !query) return;
    const ref = { kind: 'row' as const, database: query.database, table: query.table, key: row.key };
    const part = await fetchPart({ connection: this._connection, ui: this._ui }, ref, row.value, path, more);
    if (part && this.selectedRow.peek() === row) this.selectedRow.value = { ...row, value: replaceAt(row.value, path, part.node), redacted: [...row.redacted, ...part.redacted] };
  }

  private async _editing<T>(run: () => Promise<T>): Promise<T> {
    this._edits++;
    try {
      return await run();
    } finally {
      this._edits--;
    }
  }

  /**
   * The edited part of the selected row read again (`at`: the edited node, or its container when
   * the edit changed the container's shape), so what was paged in elsewhere stays.
   */
  private async _refresh(key: Encoded, version: Hash | number, at: Path): Promise<void> {
    const query = this.query.peek();
    if (!query || typeof version !== 'string') return;
    const fresh = await this._ui.run(() => this._connection.request(Command.expand, { target: { kind: 'row', database: query.database, table: query.table, key }, path: at }));
    const row = this.selectedRow.peek();
    if (!fresh || !row || JSON.stringify(row.key) !== JSON.stringify(key)) return;
    const redacted = [...row.redacted.filter((hidden) => !at.every((step, i) => hidden[i] === step)), ...fresh.redacted];
    let value: Encoded;
    try {
      value = replaceAt(row.value, at, fresh.value);
    } catch {
      // The panel's copy no longer has that place (the grid brought a newer cut row): take the row whole.
      const whole = await this._ui.run(() => this._connection.request(Command.expand, { target: { kind: 'row', database: query.database, table: query.table, key }, path: [] }));
      if (whole) this.selectedRow.value = { key, value: whole.value, hash: version, redacted: whole.redacted };
      return;
    }
    this.selectedRow.value = { key, value, hash: version, redacted };
  }

  private _written(key: Encoded, value: Encoded, hash: Hash): void {
    this.select({ key, value, hash, redacted: this.selectedRow.peek()?.redacted ?? [] });
    // The row as the table stored it: a generated key (or anything else the table adds) is in it,
    // not in what the panel sent, and the grid's reload of the same hash keeps the panel's copy.
    void this._refresh(key, hash, []);
  }

  private _adoptCurrent(value: Encoded, version: Hash | number | null, redacted: Row['redacted']): void {
    const row = this.selectedRow.peek();
    if (!row) return;
    if (typeof version !== 'string') return this.select(null);
    this.selectedRow.value = { key: row.key, value, hash: version, redacted };
  }

  /** The query asked for last: held, or shown. */
  private _latest(): RowQuery | null {
    return this._held?.query ?? this.query.peek();
  }

  /**
   * A query where none is shown is held (HOLD_MS) while its first rows load; one that replaces a
   * query on screen is shown at once, its rows loading.
   */
  private _run(query: RowQuery): void {
    this._release();
    this._again = false;
    this._generation++;
    this._loading.clear();
    const generation = this._generation;
    const shown = this.query.peek() !== null;
    this._held = { query, timer: shown ? undefined : setTimeout(() => generation === this._generation && this._show(), HOLD_MS) };
    if (shown) this._show();
    void this._load(0);
    // The query leaves now rather than at the end of this task: the page reads and encodes while
    // the panel does the rest of its work (issue 18).
    this._connection.bridge.flush();
  }

  private _viewLoading(): boolean {
    const from = Math.floor(Math.max(0, this._view.first) / PAGE_SIZE);
    const to = Math.floor(Math.max(0, this._view.last) / PAGE_SIZE);
    return range(from, to).some((page) => this._loading.has(page));
  }

  private _release(): void {
    if (this._held?.timer !== undefined) clearTimeout(this._held.timer);
    this._held = undefined;
  }

  /**
   * The held query becomes the grid's, in place of the last one's rows: with its first rows when
   * they arrive (called inside that batch), or empty and loading once HOLD_MS passed.
   */
  private _show(): void {
    const held = this._held;
    if (!held) return;
    this._release();
    batch(() => {
      this.error.value = null;
      this.query.value = held.query;
      this._pages = new Map();
      this._stale = new Map();
      this.revision.value++;
    });
    this.ensure(this._view.first, this._view.last);
  }

  private async _load(page: number): Promise<void> {
    const query = this._latest();
    if (!query || this._loading.has(page)) return;
    const generation = this._generation;
    this._loading.add(page);
    // Nothing of this query on screen yet: its first rows before the rest of the page.
    const head = page === 0 && (this._held !== undefined || !this._stale.has(0));
    try {
      const asked = firstRows();
      let result = head ? await this._request(query, 0, asked) : undefined;
      if (generation !== this._generation) return;
      if (result && result.rows.length === asked) {
        const first = result;
        batch(() => {
          this._show();
          // Shown as a stale page would be: in view, while page 0 itself still loads.
          this._stale.set(0, first.rows);
          this.total.value = first.total;
          this._refreshSelected(first.rows, 0);
          this.revision.value++;
        });
        result = undefined;
        // The rest after the first rows are drawn: asked for in this task, page 0's read would
        // start (and the page's agent encode it, in the bench's one thread) before they are.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (generation !== this._generation) return;
      }
      // Page 0 read again whole (one read, so its rows are of one moment), not its remainder;
      // fewer than the first rows asked for were all there is.
      result ??= await this._request(query, page * PAGE_SIZE, PAGE_SIZE);
      if (generation !== this._generation) return;
      batch(() => {
        this._show();
        this._pages.set(page, result.rows);
        this._stale.delete(page);
        this._evict();
        this.total.value = result.total;
        this._refreshSelected(result.rows, page * PAGE_SIZE);
        this.revision.value++;
      });
    } catch (error) {
      if (generation === this._generation) {
        // The query that failed is the one the grid shows, with why.
        this._show();
        this.error.value = error instanceof Error ? error.message : String(error);
      }
    } finally {
      if (generation === this._generation) this._loading.delete(page);
    }
    if (generation !== this._generation) return;
    if (this._again && !this._viewLoading()) return this.invalidate();
    // Now that this page is in, the view's neighbours may load.
    if (this._pages.has(page)) this.ensure(this._view.first, this._view.last);
  }

  private _request(query: RowQuery, offset: number, limit: number) {
    return this._connection.request(Command.dbQuery, {
      database: query.database,
      table: query.table,
      offset,
      limit,
      direction: query.direction,
      ...(query.index !== undefined && { index: query.index }),
      ...(query.range !== undefined && { range: query.range }),
    });
  }

  /**
   * The selected row read again by its key after a snapshot: a delete the panel did not hear (the
   * service worker was stopped, the page reloaded) would leave it in the editor, editable, though
   * the page no longer holds it. The grid's pages cannot tell: the row may sit on one not loaded.
   */
  private async _recheckSelected(database: number, table: string): Promise<void> {
    const key = this.selectedKey.peek();
    const row = this.selectedRow.peek();
    if (key === null || !row) return;
    let page: { rows: Row[] };
    try {
      page = await this._connection.request(Command.dbQuery, { database, table, range: { eq: row.key }, limit: 1 });
    } catch (error) {
      // Left selected: the grid's reload shows whether the page still answers.
      console.debug('stratum panel: could not read the selected row again', error);
      return;
    }
    if (this.selectedKey.peek() !== key || this._latest()?.table !== table) return;
    const fresh = page.rows[0];
    if (!fresh) return this.select(null);
    if (this._edits === 0 && fresh.hash !== this.selectedRow.peek()?.hash) this.selectedRow.value = fresh;
  }

  private _refreshSelected(rows: Row[], offset: number): void {
    const key = this.selectedKey.peek();
    if (key === null) return;
    const at = rows.findIndex((candidate) => JSON.stringify(candidate.key) === key);
    const row = rows[at];
    // Rows came or went above it: ↑/↓ move from where the row is now, not from where it was picked.
    if (row && this.selectedIndex.peek() >= 0) this.selectedIndex.value = offset + at;
    // The same row (same hash) keeps what the editor paged in beyond the grid's display cut; during
    // an edit of it, the edit's own refresh brings the new part.
    if (row && this._edits === 0 && row.hash !== this.selectedRow.peek()?.hash) this.selectedRow.value = row;
  }

  /** Drops the cached pages farthest from view beyond MAX_PAGES. */
  private _evict(): void {
    if (this._pages.size + this._stale.size <= MAX_PAGES) return;
    const center = Math.floor(this._view.first / PAGE_SIZE);
    const far = [...this._stale.keys(), ...this._pages.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const page of far) {
      if (this._pages.size + this._stale.size <= MAX_PAGES) break;
      if (!this._stale.delete(page)) this._pages.delete(page);
    }
  }
}

export interface RowLayout {
  columns: string[];
  /** True: one `value` column shows each row's whole value (some row is not a record). */
  whole: boolean;
}

const WHOLE: RowLayout = { columns: ['value'], whole: true };

function layoutOf(rows: Row[]): RowLayout {
  const keys = new Set<string>();
  for (const row of rows) {
    if (!isRecord(row.value)) return WHOLE;
    for (const key of Object.keys(row.value)) if (keys.size < MAX_COLUMNS) keys.add(key);
  }
  return keys.size === 0 ? WHOLE : { columns: [...keys], whole: false };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
