/**
 * The State tab's data: stores → scopes → states, each state's value, version and recent changes.
 * A snapshot rebuilds the tree but keeps the entries it already knew (their history, the
 * selection, the filter and the open nodes all survive a reconnect). A snapshot from another
 * runtime (the page reloaded) keeps the selection but not the history: the old page's changes
 * would sit beside a version counter that started again at v0. Deltas apply by version:
 * one the panel has already seen (a delta repeating the snapshot) adds no history.
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import { Command, type RuntimeEvents, type StateColumns, type StoreInfo } from '#protocol/messages.js';
import { replaceAt } from '../lib/splice.js';
import { RESTORE_LABEL } from '../lib/restorable.js';
import type { SortBy } from '../lib/sort.js';
import type { Connection } from './connection.js';
import { HistoryBudget } from './memory.js';
import { MAX_HISTORY, type Change } from './state-history.js';
import { flatten, type TreeRow } from './state-tree.js';
import type { Ui } from './ui.js';
import { editAt, fetchPart, type Base, type ValueSource } from './value.js';

/** One state's fields as a snapshot or a delta lists them (a StateInfo, or a row of columns). */
export interface StateFields {
  id: string;
  key: string;
  scope: string;
  version: number;
  value: Encoded;
  redacted: Path[];
  persistence?: string | undefined;
  preview?: boolean | undefined;
}

/**
 * One state in the tree. Its signals are made when first read (issue 18): a snapshot of 10,000
 * states makes 10,000 entries, of which the virtualized tree reads a screenful; four signals
 * each were most of the panel's own share of a snapshot (and of the GC after it).
 */
export class StateEntry {
  readonly id: string;
  readonly key: string;
  readonly scope: string;
  persistence: string | undefined;
  source: ValueSource | undefined;
  /** `value` is the snapshot's short preview (StateInfo.preview): the full value is pulled on select. */
  preview: boolean;
  /** The pull under way, so selecting again does not ask twice. */
  pulling: Promise<void> | undefined;
  /** Until first read: the snapshot's value, version and redactions, without signals. */
  private readonly _first: Encoded;
  private readonly _firstVersion: number;
  private readonly _firstRedacted: Path[];
  private _value: Signal<Encoded> | undefined;
  private _version: Signal<number> | undefined;
  private _redacted: Signal<Path[]> | undefined;
  private _history: Signal<Change[]> | undefined;
  private _uid: string | undefined;

  constructor(
    readonly store: number,
    fields: StateFields,
  ) {
    this.id = fields.id;
    this.key = fields.key;
    this.scope = fields.scope;
    // Copied, not kept: columnRows hands every entry the same object.
    this._first = fields.value;
    this._firstVersion = fields.version;
    this._firstRedacted = fields.redacted;
    this.persistence = fields.persistence;
    this.preview = fields.preview === true;
  }

  get value(): Signal<Encoded> {
    return (this._value ??= signal(this._first));
  }

  get version(): Signal<number> {
    return (this._version ??= signal(this._firstVersion));
  }

  get redacted(): Signal<Path[]> {
    return (this._redacted ??= signal(this._firstRedacted));
  }

  get history(): Signal<Change[]> {
    return (this._history ??= signal<Change[]>([]));
  }

  /** The version without making its signal (sorting and reconnects read every entry's). */
  get currentVersion(): number {
    return this._version ? this._version.peek() : this._firstVersion;
  }

  /** The recent changes without making their signal (none until the first change). */
  get recent(): Change[] {
    return this._history?.peek() ?? [];
  }

  /**
   * Takes over the history of the same state before a snapshot made this entry again. The signal
   * itself, not its steps: the history budget trims steps through the signal it was given, and a
   * copy would keep steps the budget no longer counts.
   */
  adoptHistory(known: StateEntry): void {
    this._history = known._history;
  }

  /** Read for every row the tree lists: made once. */
  get uid(): string {
    return (this._uid ??= entryKey(this.store, this.id));
  }
}

/**
 * The states of a scope sent as columns (protocol/columns.ts), as the entries' fields. One object
 * is filled again for every state (no garbage per state): StateEntry copies what it keeps.
 */
function* columnRows(scope: string, columns: StateColumns): Generator<StateFields> {
  const redacted = new Map<number, Path[]>();
  columns.redactedAt.forEach((index, at) => redacted.set(index, columns.redacted[at]!));
  const persisted = new Map<number, string>();
  columns.persistedAt.forEach((index, at) => persisted.set(index, columns.persistence[at]!));
  const row: StateFields = { id: '', key: '', scope, version: 0, value: null, redacted: NONE, persistence: undefined, preview: false };
  for (let index = 0; index < columns.ids.length; index++) {
    const value = columns.values[index]!;
    row.id = columns.ids[index]!;
    row.key = columns.keys[index]!;
    row.version = columns.versions[index]!;
    row.value = value;
    row.redacted = redacted.get(index) ?? NONE;
    row.persistence = persisted.get(index);
    // A cut root is a preview the panel pulls whole on select; a primitive came whole.
    row.preview = typeof value === 'object' && value !== null && (value as { $t?: unknown }).$t === 'truncated';
    yield row;
  }
}

/** Shared by every entry with nothing redacted (never mutated: redactions are replaced, not pushed to). */
const NONE: Path[] = [];

export interface ScopeNode {
  name: string;
  states: StateEntry[];
}

export interface StoreNode {
  id: number;
  name: string;
  scopes: ScopeNode[];
}

export function entryKey(store: number, state: string): string {
  return `${store}\u0000${state}`;
}

export class StateModel {
  readonly stores: StoreNode[] = [];
  /** Bumped whenever a store, scope or state comes or goes. */
  readonly structure = signal(0);
  readonly filter = signal('');
  readonly sort = signal<SortBy | null>(null);
  readonly collapsed = signal<ReadonlySet<string>>(new Set());
  readonly selected = signal<string | null>(null);
  /** The history slider's position: an earlier version of a state shown read-only, or null (now). */
  readonly preview = signal<{ uid: string; version: number } | null>(null);
  readonly rows: ReadonlySignal<TreeRow[]>;
  readonly selectedEntry: ReadonlySignal<StateEntry | undefined>;
  private readonly _entries = new Map<string, StateEntry>();
  /** Every state's history steps within one byte budget (MEMORY.historyBytes). */
  private readonly _history = new HistoryBudget();
  /** The runtime whose snapshot came last: history survives a reconnect to it, not a reload. */
  private _session: string | null = null;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this.rows = computed(() => {
      this.structure.value;
      return flatten(this.stores, this.filter.value, this.collapsed.value, this.sort.value);
    });
    this.selectedEntry = computed(() => {
      this.structure.value;
      const key = this.selected.value;
      return key === null ? undefined : this._entries.get(key);
    });
    _connection.on('stateAdded', ({ store, state }) => this._add(store, state, true));
    _connection.on('stateChanged', (delta) => this._changed(delta));
    _connection.on('stateRemoved', ({ store, state }) => this._remove(store, state));
    _connection.on('registered', (message) => message.kind === 'store' && this._addStore(message.store));
    _connection.on('unregistered', ({ kind, id }) => kind === 'store' && this._removeStore(id));
  }

  get count(): number {
    return this._entries.size;
  }

  entry(store: number, state: string): StateEntry | undefined {
    return this._entries.get(entryKey(store, state));
  }

  storeName(id: number): string | undefined {
    return this.stores.find((store) => store.id === id)?.name;
  }

  applySnapshot(stores: StoreInfo[]): void {
    const session = this._connection.target.peek();
    const sameLoad = session === this._session;
    this._session = session;
    batch(() => {
      const before = new Map(this._entries);
      const known = sameLoad ? before : new Map<string, StateEntry>();
      if (!sameLoad) this.preview.value = null;
      this.stores.length = 0;
      this._entries.clear();
      for (const info of stores) {
        const node: StoreNode = { id: info.id, name: info.name, scopes: [] };
        this.stores.push(node);
        for (const scope of info.scopes) {
          // The snapshot lists each scope once, its states together: no lookup per state.
          const into: ScopeNode = { name: scope.name, states: [] };
          if (scope.states.length > 0 || (scope.columns?.ids.length ?? 0) > 0) node.scopes.push(into);
          for (const state of scope.columns ? columnRows(scope.name, scope.columns) : scope.states) {
            const key = entryKey(info.id, state.id);
            if (state.scope !== scope.name || this._entries.has(key)) {
              this._add(info.id, state, false, known.get(key));
              continue;
            }
            this._keep(into.states, key, new StateEntry(info.id, state), known.get(key));
          }
        }
      }
      // States the snapshot no longer lists (gone, or all of them after a reload) stop counting.
      for (const [key, entry] of before) {
        if (entry.recent.length > 0 && this._entries.get(key)?.recent !== entry.recent) this._history.forget(entry);
      }
      // A previewed version is one of the history's: gone with it (the state went, or came back anew).
      const previewed = this.preview.peek();
      if (previewed && before.get(previewed.uid)?.recent !== this._entries.get(previewed.uid)?.recent) this.preview.value = null;
      this.structure.value++;
    });
  }

  toggle(key: string): void {
    const next = new Set(this.collapsed.peek());
    if (!next.delete(key)) next.add(key);
    this.collapsed.value = next;
  }

  /** The entry as the value tree and JSON editor see it. */
  source(entry: StateEntry): ValueSource {
    entry.source ??= {
      key: `state:${entry.uid}`,
      what: `state "${entry.key}"`,
      value: entry.value,
      redacted: entry.redacted,
      ref: { kind: 'state', store: entry.store, state: entry.id },
      base: () => entry.version.peek(),
      edit: (base, path, op, value, to, seen) => this._edit(entry, base, path, op, value, to, undefined, seen),
      expand: (path, more) => this._expand(entry, path, more),
    };
    return entry.source;
  }

  /**
   * The full value of a state the snapshot sent as a preview (on select). Adopted only when the
   * page answers with the version the panel holds: a newer value waits for its delta, which
   * carries it whole, so history and edits never pair a value with another version's number.
   */
  pull(entry: StateEntry): Promise<void> {
    if (!entry.preview) return Promise.resolve();
    entry.pulling ??= (async () => {
      try {
        const version = entry.version.peek();
        const ref = { kind: 'state' as const, store: entry.store, state: entry.id };
        const full = await this._ui.run(() => this._connection.request(Command.expand, { target: ref, path: [] }));
        if (!full || !entry.preview || full.version !== version || entry.version.peek() !== version) return;
        batch(() => {
          entry.preview = false;
          entry.value.value = full.value;
          entry.redacted.value = full.redacted;
        });
      } finally {
        entry.pulling = undefined;
      }
    })();
    return entry.pulling;
  }

  /**
   * Writes an earlier value back as a normal edit over the version the panel holds now, labelled
   * `devtools: restore`: a state that moved on meanwhile is a conflict, never overwritten silently.
   */
  async restore(entry: StateEntry, value: Encoded): Promise<boolean> {
    const done = await this._edit(entry, entry.version.peek(), [], 'set', value, undefined, RESTORE_LABEL, entry.value.peek());
    if (done) {
      this._ui.notify(`Restored state "${entry.key}"`);
      if (this.preview.peek()?.uid === entry.uid) this.preview.value = null;
    }
    return done;
  }

  private async _edit(entry: StateEntry, base: Base, path: Path, op: 'set' | 'delete' | 'insert' | 'rename', value?: Encoded, to?: string, label?: string, seen?: Encoded): Promise<boolean> {
    // One command for every edit, a restore's whole value too (its label names it in the
    // timeline): a state deleted and created again answers its conflict with a token for its
    // version, which only `edit` carries back (stateSet takes a number).
    const at = { store: entry.store, state: entry.id };
    const target = {
      ref: { kind: 'state' as const, ...at },
      what: `state "${entry.key}"`,
      reload: (current: { value: Encoded; version: Base; redacted: Path[] }) =>
        this._adopt(entry, current.value, typeof current.version === 'number' ? current.version : entry.version.peek(), current.redacted),
    };
    return editAt({ connection: this._connection, ui: this._ui }, target, typeof base === 'number' ? base : entry.version.peek(), path, op, value, to, seen, label);
  }

  private async _expand(entry: StateEntry, path: Path, more?: boolean): Promise<void> {
    const ref = { kind: 'state' as const, store: entry.store, state: entry.id };
    const part = await fetchPart({ connection: this._connection, ui: this._ui }, ref, entry.value.peek(), path, more);
    if (!part) return;
    if (path.length === 0 && !more) entry.preview = false;
    batch(() => {
      entry.value.value = replaceAt(entry.value.peek(), path, part.node);
      entry.redacted.value = [...entry.redacted.peek(), ...part.redacted];
    });
  }

  private _adopt(entry: StateEntry, value: Encoded, version: number, redacted: Path[]): void {
    entry.preview = false;
    batch(() => {
      entry.value.value = value;
      entry.version.value = version;
      entry.redacted.value = redacted;
    });
  }

  private _addStore(info: StoreInfo): void {
    if (this.stores.some((store) => store.id === info.id)) return;
    batch(() => {
      this.stores.push({ id: info.id, name: info.name, scopes: [] });
      for (const scope of info.scopes) for (const state of scope.columns ? columnRows(scope.name, scope.columns) : scope.states) this._add(info.id, state, false);
      this.structure.value++;
    });
  }

  private _removeStore(id: number): void {
    const index = this.stores.findIndex((store) => store.id === id);
    if (index < 0) return;
    for (const scope of this.stores[index]!.scopes) {
      for (const state of scope.states) {
        this._entries.delete(state.uid);
        // Its steps stop counting: left counted, they pushed live states' steps out of the budget.
        this._history.forget(state);
        if (this.preview.peek()?.uid === state.uid) this.preview.value = null;
      }
    }
    this.stores.splice(index, 1);
    this.structure.value++;
  }

  private _add(store: number, info: StateFields, bump: boolean, known?: StateEntry): void {
    const node = this.stores.find((candidate) => candidate.id === store);
    if (!node) return;
    const key = entryKey(store, info.id);
    if (bump && this._entries.has(key)) this._remove(store, info.id);
    let scope = node.scopes.find((candidate) => candidate.name === info.scope);
    if (!scope) node.scopes.push((scope = { name: info.scope, states: [] }));
    this._keep(scope.states, key, new StateEntry(store, info), known);
    if (bump) this.structure.value++;
  }

  private _keep(states: StateEntry[], key: string, entry: StateEntry, known: StateEntry | undefined): void {
    // The same state seen before the reconnect keeps its recent changes (a version that went
    // back means a new page, whatever the session said).
    if (known && known.recent.length > 0 && known.currentVersion <= entry.currentVersion) entry.adoptHistory(known);
    states.push(entry);
    this._entries.set(key, entry);
  }

  private _remove(store: number, state: string): void {
    const entry = this._entries.get(entryKey(store, state));
    if (!entry) return;
    this._entries.delete(entry.uid);
    this._history.forget(entry);
    // The slider points at one of its versions: a state created again under this id starts at v0,
    // and its own v2 is not the value that was previewed.
    if (this.preview.peek()?.uid === entry.uid) this.preview.value = null;
    const node = this.stores.find((candidate) => candidate.id === store);
    const scope = node?.scopes.find((candidate) => candidate.name === entry.scope);
    if (node && scope) {
      scope.states.splice(scope.states.indexOf(entry), 1);
      if (scope.states.length === 0) node.scopes.splice(node.scopes.indexOf(scope), 1);
    }
    this.structure.value++;
  }

  private _changed(delta: RuntimeEvents['stateChanged']): void {
    const entry = this._entries.get(entryKey(delta.store, delta.state));
    if (!entry) return;
    const seen = entry.version.peek();
    if (delta.versions.to < seen) return;
    const before = entry.value.peek();
    const redactedBefore = entry.redacted.peek();
    // A delta carries the whole value (display limits), so a preview is replaced by it.
    entry.preview = false;
    batch(() => {
      entry.value.value = delta.value;
      entry.version.value = delta.versions.to;
      entry.redacted.value = delta.redacted;
      if (delta.versions.to === seen) return;
      const change: Change = { at: delta.at, versions: delta.versions, changes: delta.changes, previous: seen, before, after: delta.value, redactedBefore, redacted: delta.redacted };
      if (delta.label !== undefined) change.label = delta.label;
      if (delta.stack !== undefined && delta.stack.length > 0) change.stack = delta.stack;
      this._history.push(entry, change, MAX_HISTORY);
    });
  }
}
