/**
 * The Storage tab's data: every webstorage (asked kind, backend in use, availability and why,
 * namespace, bytes) and its keys. A key has no version: edits carry the hash of the value the
 * panel saw, and the agent refuses one over a newer value with `conflict`. Selections are kept by
 * kind + namespace, which survive a reconnect and a reload (registry ids need not).
 */
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import type { Encoded, Path } from '#codec/types.js';
import { Command, type Hash, type RuntimeEvents, type WebstorageInfo, type WebstorageKeyInfo } from '#protocol/messages.js';
import { summary } from '../lib/encoded.js';
import { replaceAt } from '../lib/splice.js';
import { sortRows, type SortBy } from '../lib/sort.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';
import { editAt, fetchPart, type ValueSource } from './value.js';

export class StorageItem {
  readonly keys: Signal<ReadonlyMap<string, WebstorageKeyInfo>>;
  readonly bytes: ReadonlySignal<number>;
  private readonly _sources = new Map<string, ValueSource>();

  constructor(readonly info: WebstorageInfo) {
    this.keys = signal(new Map(info.keys.map((key) => [key.key, key])));
    this.bytes = computed(() => [...this.keys.value.values()].reduce((sum, key) => sum + key.size, 0));
  }

  /** Stable across reloads (kind and namespace); a server request's memory of the same namespace is its own item. */
  get uid(): string {
    const base = `${this.info.kind}:${this.info.namespace}`;
    return this.info.request ? `${base}@request-${this.info.request.id}` : base;
  }

  source(key: string, make: () => ValueSource): ValueSource {
    let source = this._sources.get(key);
    if (!source) this._sources.set(key, (source = make()));
    return source;
  }
}

export class StorageModel {
  readonly items = signal<StorageItem[]>([]);
  /** Live server requests at the last snapshot (Node): the list shows `listed` of them; the rest are counted. */
  readonly requests = signal<{ live: number; listed: number } | undefined>(undefined);
  readonly selected = signal<string | null>(null);
  readonly selectedKey = signal<string | null>(null);
  readonly filter = signal('');
  readonly sort = signal<SortBy | null>({ column: 'key', descending: false });
  readonly current: ReadonlySignal<StorageItem | undefined>;
  /** The selected storage's keys, filtered and sorted as the grid shows them. */
  readonly visibleKeys: ReadonlySignal<WebstorageKeyInfo[]>;
  /** The storage shown before the list last emptied (the selected key is one of its keys). */
  private _lastShown: string | undefined;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {
    this.current = computed(() => {
      const items = this.items.value;
      return items.find((item) => item.uid === this.selected.value) ?? items[0];
    });
    this.visibleKeys = computed(() => {
      const item = this.current.value;
      if (!item) return [];
      const needle = this.filter.value.trim().toLowerCase();
      const keys = [...item.keys.value.values()].filter(
        (key) => needle === '' || key.key.toLowerCase().includes(needle) || summary(key.value).toLowerCase().includes(needle),
      );
      return sortRows(keys, this.sort.value, (key, column) => (column === 'size' ? key.size : column === 'value' ? summary(key.value) : key.key));
    });
    _connection.on('webstorageChanged', (delta) => this._changed(delta));
    _connection.on('registered', (message) => message.kind === 'webstorage' && this._register(message.webstorage));
    _connection.on('unregistered', ({ kind, id }) => {
      if (kind !== 'webstorage') return;
      this._replace(this.items.peek().filter((item) => item.info.id !== id));
    });
  }

  applySnapshot(list: WebstorageInfo[], requests?: { live: number; listed: number }): void {
    batch(() => {
      this._replace(list.map((info) => new StorageItem(info)));
      this.requests.value = requests;
    });
  }

  /**
   * A new list. When the storage shown is not in it (it left the page; a server request ended), the
   * tab falls back to another one, and the selected key goes: a key of the same name there is
   * another value, which the detail and its editor would show as the one picked.
   */
  private _replace(items: StorageItem[]): void {
    // An empty list (no runtime for a moment) shows nothing to mistake: the selection waits for the next.
    const shown = this.current.peek()?.uid ?? this._lastShown;
    batch(() => {
      this.items.value = items;
      const now = this.current.peek()?.uid;
      if (now === undefined) return;
      this._lastShown = now;
      if (shown !== undefined && now !== shown) {
        this.selectedKey.value = null;
        if (this.selected.peek() === shown) this.selected.value = null;
      }
    });
  }

  byId(id: number): StorageItem | undefined {
    return this.items.peek().find((item) => item.info.id === id);
  }

  /** Writes a key over the hash the panel saw (null: it expects no such key); `label` names it in the timeline. */
  async set(item: StorageItem, key: string, value: Encoded, base: Hash | null, label?: string): Promise<boolean> {
    const send = (baseVersion: Hash | null) =>
      this._connection.request(Command.webstorageSet, { storage: item.info.id, key, value, baseVersion, ...(label !== undefined && { label }) });
    const done = await this._ui.run(() => send(base), {
      what: `key "${key}"`,
      overwrite: (version) => send(typeof version === 'string' ? version : null),
      reload: (current) => this._adopt(item, key, current.value, current.version, current.redacted),
    });
    return done !== undefined;
  }

  async remove(item: StorageItem, entry: WebstorageKeyInfo): Promise<boolean> {
    const send = (baseVersion: Hash) => this._connection.request(Command.webstorageRemove, { storage: item.info.id, key: entry.key, baseVersion });
    const done = await this._ui.run(() => send(entry.hash), {
      what: `key "${entry.key}"`,
      overwrite: (version) => (typeof version === 'string' ? send(version) : Promise.resolve({ removed: false })),
      reload: (current) => this._adopt(item, entry.key, current.value, current.version, current.redacted),
    });
    return done !== undefined;
  }

  async clear(item: StorageItem): Promise<void> {
    const done = await this._ui.run(() => this._connection.request(Command.webstorageClear, { storage: item.info.id }));
    if (done) this._ui.notify(`Cleared ${done.removed} key${done.removed === 1 ? '' : 's'} of "${item.info.namespace}"`);
  }

  source(item: StorageItem, key: string): ValueSource {
    return item.source(key, () => {
      const entry = () => item.keys.peek().get(key);
      return {
        key: `webstorage:${item.uid}:${key}`,
        what: `key "${key}"`,
        value: computed(() => item.keys.value.get(key)?.value ?? null),
        redacted: computed(() => item.keys.value.get(key)?.redacted ?? []),
        get locked() {
          const error = entry()?.error;
          return error === undefined ? undefined : `the stored text cannot be decoded (${error}); it is left in place`;
        },
        ref: { kind: 'webstorage', storage: item.info.id, key },
        base: () => entry()?.hash ?? null,
        edit: (base, path, op, value, to, seen) =>
          editAt(
            { connection: this._connection, ui: this._ui },
            {
              ref: { kind: 'webstorage', storage: item.info.id, key },
              what: `key "${key}" of "${item.info.namespace}"`,
              reload: (current) => this._adopt(item, key, current.value, current.version, current.redacted),
            },
            base,
            path,
            op,
            value,
            to,
            seen,
          ),
        expand: (path, more) => this._expand(item, key, path, more),
      };
    });
  }

  private async _expand(item: StorageItem, key: string, path: Path, more?: boolean): Promise<void> {
    const before = item.keys.peek().get(key);
    if (!before) return;
    const part = await fetchPart({ connection: this._connection, ui: this._ui }, { kind: 'webstorage', storage: item.info.id, key }, before.value, path, more);
    const entry = item.keys.peek().get(key);
    if (!part || !entry) return;
    this._put(item, { ...entry, value: replaceAt(entry.value, path, part.node), redacted: [...entry.redacted, ...part.redacted] });
  }

  private _adopt(item: StorageItem, key: string, value: Encoded, version: Hash | number | null, redacted: Path[]): void {
    const entry = item.keys.peek().get(key);
    if (typeof version !== 'string') {
      // The key is gone on the page: show it gone.
      const next = new Map(item.keys.peek());
      next.delete(key);
      item.keys.value = next;
      return;
    }
    this._put(item, { key, value, hash: version, redacted, size: entry?.size ?? 0 });
  }

  private _put(item: StorageItem, entry: WebstorageKeyInfo): void {
    const next = new Map(item.keys.peek());
    next.set(entry.key, entry);
    item.keys.value = next;
  }

  private _register(info: WebstorageInfo): void {
    const items = this.items.peek().filter((item) => item.info.id !== info.id);
    this.items.value = [...items, new StorageItem(info)];
  }

  private _changed(delta: RuntimeEvents['webstorageChanged']): void {
    const item = this.byId(delta.storage);
    if (!item) return;
    batch(() => {
      if (delta.key === null) {
        item.keys.value = new Map();
        return;
      }
      if (delta.value === undefined) {
        const next = new Map(item.keys.peek());
        next.delete(delta.key);
        item.keys.value = next;
        return;
      }
      const entry: WebstorageKeyInfo = { key: delta.key, value: delta.value, hash: delta.hash ?? 'h', size: delta.size ?? 0, redacted: delta.redacted };
      if (delta.error !== undefined) entry.error = delta.error;
      this._put(item, entry);
    });
  }
}
