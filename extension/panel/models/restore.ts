/**
 * Going back: an earlier value the timeline holds — of a state, a webstorage key or a database
 * row — written again as a normal versioned edit, labelled `devtools: restore`. The base is what
 * the panel holds now: a state's version, a key's hash (both kept current by the deltas), or for
 * a row the hash of the newest value the timeline learnt for it (rows are not pushed). When the
 * page moved on meanwhile the agent refuses with `conflict`, and the banner offers reload or
 * overwrite; nothing is written over a newer value.
 *
 * An entry recorded before a reload (with "preserve log") names registry ids of the old page;
 * its subject is found again by name: store name + State.id, `kind:namespace`, database name.
 */
import type { Encoded } from '#codec/types.js';
import { Command, type DatabaseInfo, type Hash } from '#protocol/messages.js';
import { preview } from '../lib/encoded.js';
import { notRestorable, RESTORE_LABEL } from '../lib/restorable.js';
import type { Connection } from './connection.js';
import type { DatabaseModel } from './database.js';
import type { StateEntry, StateModel } from './state.js';
import type { StorageItem, StorageModel } from './storage.js';
import type { Held, Subject, TimelineEntry } from './timeline-events.js';
import type { TimelineModel } from './timeline.js';
import type { Ui } from './ui.js';

type Of<K extends Subject['kind']> = Extract<Subject, { kind: K }>;

/** One row, whichever page load named it. */
function rowId(subject: Of<'row'>): string {
  return JSON.stringify([subject.databaseName, subject.table, subject.key]);
}

/** How a held value is named in messages: `state "user"`, `key "theme"`, `row 5 of "notes"`. */
export function subjectName(subject: Subject): string {
  if (subject.kind === 'state') return `state "${subject.key}"`;
  if (subject.kind === 'webstorage') return `key "${subject.key}" of ${subject.name}`;
  return `row ${preview(subject.key)} of "${subject.table}"`;
}

export class RestoreModel {
  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
    private readonly _timeline: TimelineModel,
    private readonly _states: StateModel,
    private readonly _storage: StorageModel,
    private readonly _database: DatabaseModel,
  ) {}

  /** Why this value cannot be put back, in words; undefined when it can. */
  why(held: Held): string | undefined {
    if (held.gone) return held.subject.kind === 'row' ? 'this change deleted the row' : 'this change removed the key';
    if (held.unknown !== undefined) return held.unknown;
    if (held.value === undefined) return 'reading the row…';
    return notRestorable(held.value, held.redacted);
  }

  /** Writes `held`'s value back; resolves true when applied (a refusal is shown, not thrown). */
  async restore(entry: TimelineEntry, held: Held): Promise<boolean> {
    const why = this.why(held);
    if (why !== undefined || held.value === undefined) {
      this._ui.fail(`Cannot restore ${subjectName(held.subject)}: ${why ?? 'its value is not known'}`);
      return false;
    }
    const value = held.value;
    const subject = held.subject;
    const current = entry.load === this._timeline.load.peek();
    const other = current ? undefined : this._timeline.otherApp(entry.load);
    if (other) {
      // Found by name, another app's store of the same name ("store-1") would take this app's value.
      this._ui.fail(`Cannot restore ${subjectName(held.subject)}: it was recorded in ${other.name} (${other.frame.url}), not in the app shown now`);
      return false;
    }
    switch (subject.kind) {
      case 'state': {
        const state = this._state(subject, current);
        return state ? this._states.restore(state, value) : this._gone(subject, `store "${subject.storeName}"`);
      }
      case 'webstorage': {
        const item = this._webstorage(subject, current);
        return item ? this._restoreKey(item, subject.key, value) : this._gone(subject, subject.name);
      }
      case 'row': {
        const db = this._databaseOf(subject, current);
        return db ? this._restoreRow(db, subject, value, this._rowBase(entry, held, subject)) : this._gone(subject, `database "${subject.databaseName}"`);
      }
    }
  }

  private _gone(subject: Subject, where: string): false {
    this._ui.fail(`Cannot restore ${subjectName(subject)}: ${where} is not on the page now`);
    return false;
  }

  private _state(subject: Of<'state'>, current: boolean): StateEntry | undefined {
    if (current) return this._states.entry(subject.store, subject.state);
    const store = this._states.stores.find((candidate) => candidate.name === subject.storeName);
    return store && this._states.entry(store.id, subject.state);
  }

  private _webstorage(subject: Of<'webstorage'>, current: boolean): StorageItem | undefined {
    return current ? this._storage.byId(subject.storage) : this._storage.items.peek().find((item) => item.uid === subject.name);
  }

  private _databaseOf(subject: Of<'row'>, current: boolean): DatabaseInfo | undefined {
    const list = this._database.databases.peek();
    return current ? list.find((db) => db.id === subject.database) : list.find((db) => db.name === subject.databaseName);
  }

  private async _restoreKey(item: StorageItem, key: string, value: Encoded): Promise<boolean> {
    const done = await this._storage.set(item, key, value, item.keys.peek().get(key)?.hash ?? null, RESTORE_LABEL);
    if (done) this._ui.notify(`Restored key "${key}"`);
    return done;
  }

  /**
   * The hash the panel holds for a row now: that of the newest value the timeline learnt for it
   * after `entry` (null when a later change deleted it or cleared its table), else `held`'s own.
   * A later change whose rows were not read leaves it stale: the agent then answers `conflict`.
   */
  private _rowBase(entry: TimelineEntry, held: Held, subject: Of<'row'>): Hash | null {
    const id = rowId(subject);
    const entries = this._timeline.entries;
    let base: Hash | null = held.hash ?? null;
    for (let i = entries.indexOf(entry) + 1; i < entries.length; i++) {
      const later = entries[i]!;
      if (later.clears && later.clears.database === subject.databaseName && later.clears.table === subject.table) base = null;
      for (const other of later.held ?? []) {
        if (other.subject.kind !== 'row' || rowId(other.subject) !== id) continue;
        if (other.gone) base = null;
        else if (other.hash !== undefined) base = other.hash;
      }
    }
    return base;
  }

  private async _restoreRow(db: DatabaseInfo, subject: Of<'row'>, value: Encoded, base: Hash | null): Promise<boolean> {
    const what = subjectName(subject);
    const send = (baseVersion: Hash | null) =>
      // `key` only to the page storage inspector, which ships with this panel: a Stratum runtime
      // of an earlier release refuses a field it does not know, and its agent does not check it.
      this._connection.request(Command.dbPut, { database: db.id, table: subject.table, value, baseVersion, ...(baseVersion !== null && this._connection.inspecting && { key: subject.key }), label: RESTORE_LABEL });
    const done = await this._ui.run(() => send(base), {
      what,
      overwrite: (version) => send(typeof version === 'string' ? version : null),
      // Nothing to adopt here: the row grid and the timeline learn the page's row from its delta.
      reload: () => undefined,
    });
    if (done) this._ui.notify(`Restored ${what}`);
    return done !== undefined;
  }
}
