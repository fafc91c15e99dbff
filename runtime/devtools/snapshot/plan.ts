/**
 * Plans an import without writing anything: the file is checked, every entry matched to what the
 * page holds (stores by name and order, states by scope and key, webstorages by kind and
 * namespace, databases by name), every database's schema compared, every value decoded, and the
 * differences computed by diff() between the page now and what the import would make of it.
 * Anything refused throws a SnapshotError here, before the first write.
 *
 * Rules: states of the snapshot are set when they exist on the page (`$client:` scopes follow the
 * importing page's client); a namespace or a table is replaced as a whole (keys and rows the file
 * lacks are removed), except the stored copy of a persisted state the file does not mention,
 * which stays with its state; an entry redacted on either side is left as the page holds it.
 */
import { CodecError, decode, deserialize, encode, type Encoded, type Path } from '../../codec/index.js';
import { CommandError } from '../../protocol/errors.js';
import { guardClasses } from '../agent/edit.js';
import { asKey, type Key } from '../../db/keys.js';
import { keyAt } from '../../db/schema.js';
import type { Database } from '../../db/types.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import type { WebStorageLike } from '../agent/targets.js';
import { keyInHidden } from '../agent/key-handles.js';
import { REDACTED as REDACTED_KEY } from '../agent/redact.js';
import { diff, keyStep, same, sameStored, type Difference } from '../../snapshot-file/diff.js';
import { Collected, exportDatabase, exportStore, exportWebstorage, targetsOf, usedRefs, type Targets } from './export.js';
import { SnapshotError, type SnapshotDatabase, type SnapshotFile, type SnapshotStore, type SnapshotWebstorage } from '../../snapshot-file/format.js';
import { Rebuilder, unrestorable } from './rebuild.js';
import { checkSchema } from './schema.js';
import { checkSnapshot } from '../../snapshot-file/validate.js';

/** A key that is a state id, `["scope","key"]` (how persisted states are stored), as its parts. */
function stateIdOf(key: string): [string, string] | undefined {
  if (!key.startsWith('["$client:')) return undefined;
  try {
    const parsed: unknown = JSON.parse(key);
    return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string' ? [parsed[0], parsed[1]] : undefined;
  } catch (error) {
    // Only looked like a state id; it is an ordinary key.
    if (!(error instanceof SyntaxError)) throw error;
    return undefined;
  }
}

export interface ImportOptions {
  /** Refuse, applying nothing, when an entry has no counterpart on the page or cannot be rebuilt (default: skip it and say so). */
  strict?: boolean;
  /** The instances to import into; default every registered one. */
  targets?: Targets;
}

export interface Skip {
  path: Path;
  reason: string;
  /** Redacted entries are skipped by design; the rest makes a strict import refuse. */
  redacted?: boolean;
}

export interface TableWrite {
  name: string;
  rows: unknown[];
  /** For a table whose keys are out of line: each row's key, in the order of `rows`. */
  keys?: Key[];
  /** Keys of rows the page keeps as they are (redacted). */
  keep: Key[];
}

export interface Plan {
  stores: { store: Store; states: { state: State<unknown>; value: unknown }[] }[];
  /** `set` holds stored texts, written as they are (setRaw). */
  webstorages: { storage: WebStorageLike; set: [string, string][]; remove: string[] }[];
  databases: { db: Database; tables: TableWrite[] }[];
  differences: Difference[];
  skipped: Skip[];
}

const REDACTED = 'redacted by configureDevtools({ redact }): the page keeps its own value';
type Views = { stores: SnapshotStore[]; webstorages: SnapshotWebstorage[]; databases: SnapshotDatabase[] };

/** The identities of entries redacted on either side: neither imported nor compared. */
function hide<T extends { redacted?: Path[] }>(mine: T[], theirs: T[], id: (entry: T) => string): Set<string> {
  return new Set([...mine, ...theirs].filter((entry) => entry.redacted !== undefined).map(id));
}

/**
 * Why a file value holding class instances cannot replace `live`: it would change one of the
 * page's (a file cannot rebuild a class); an unchanged one is kept. Undefined when it can.
 */
function changesClass(value: Encoded, live: unknown): string | undefined {
  try {
    guardClasses(decode(value), live, []);
    return undefined;
  } catch (error) {
    if (error instanceof CommandError) return error.message;
    // A value that does not decode is refused by the rebuild, with where it is.
    return undefined;
  }
}

class Planner {
  readonly skipped: Skip[] = [];
  readonly current: Views = { stores: [], webstorages: [], databases: [] };
  readonly incoming: Views = { stores: [], webstorages: [], databases: [] };
  readonly plan: Omit<Plan, 'differences' | 'skipped'> = { stores: [], webstorages: [], databases: [] };
  private readonly _collected = new Collected();
  private readonly _rebuild: Rebuilder;
  private readonly _pending: (() => void)[] = [];

  constructor(
    private readonly _file: SnapshotFile,
    private readonly _targets: Required<Targets>,
  ) {
    this._rebuild = new Rebuilder(_file);
  }

  skip(path: Path, reason: string, redacted = false): void {
    this.skipped.push(redacted ? { path, reason, redacted } : { path, reason });
  }

  stores(): void {
    const live = new Map<string, Store[]>();
    for (const store of this._targets.stores) live.set(store.name, [...(live.get(store.name) ?? []), store]);
    const seen = new Map<string, number>();
    for (const theirs of this._file.stores) {
      const index = seen.get(theirs.name) ?? 0;
      seen.set(theirs.name, index + 1);
      const store = live.get(theirs.name)?.[index];
      if (!store) {
        this.skip(['state', theirs.name], `no store "${theirs.name}" on this page`);
        continue;
      }
      const scope = (name: string): string => {
        if (theirs.clientId !== null && store.clientId && name === `$client:${theirs.clientId}`) return `$client:${store.clientId}`;
        if (theirs.userId !== null && store.userId !== null && name === `$user:${theirs.userId}`) return `$user:${store.userId}`;
        return name;
      };
      const mine = exportStore(store, this._collected);
      const byId = new Map(store.states().map((state) => [JSON.stringify([state.scope, state.key]), state]));
      const shown = new Map(mine.states.map((state) => [JSON.stringify([state.scope, state.key]), state]));
      const target = { store, states: [] as { state: State<unknown>; value: unknown }[] };
      // Remapped scopes are the page's: so are the ids diff() reads them by.
      const kept: SnapshotStore = {
        ...theirs,
        clientId: theirs.clientId === null ? null : (store.clientId ?? null),
        userId: theirs.userId === null ? null : store.userId,
        states: [],
      };
      const current: SnapshotStore = { ...mine, name: theirs.name, states: [] };
      for (const state of theirs.states) {
        const id = JSON.stringify([scope(state.scope), state.key]);
        this._mentioned.add(id);
        const path = ['state', theirs.name, scope(state.scope), state.key];
        const live = byId.get(id);
        const now = shown.get(id);
        const why = unrestorable(state.value, false);
        const changed = live && unrestorable(state.value, true) !== undefined ? changesClass(state.value, live.value) : undefined;
        if (!live || !now) this.skip(path, 'not on this page (a component’s states exist only while it is mounted)');
        else if (state.redacted || now.redacted) this.skip(path, REDACTED, true);
        else if (why !== undefined) this.skip(path, `holds ${why}`);
        else if (changed !== undefined) this.skip(path, changed);
        else {
          kept.states.push({ ...state, scope: scope(state.scope) });
          current.states.push(now);
          this._pending.push(() => {
            if (this._same(now.value, state.value)) return;
            // The page's unchanged class instances go back as the very objects it holds.
            target.states.push({ state: live, value: guardClasses(this._rebuild.value(state.value, `state "${state.key}"`), live.value, []) });
          });
        }
      }
      this.incoming.stores.push(kept);
      this.current.stores.push(current);
      this.plan.stores.push(target);
    }
  }

  /** The page's client id (what its stores resolve Scopes.Client to), if it has one. */
  private get _myClient(): string | undefined {
    return this._targets.stores.find((store) => store.clientId)?.clientId;
  }

  /** A state id key (`["$client:<file's id>","draft"]`) under this page's client id; any other key as it is. */
  private _clientKey(key: string): string {
    const mine = this._myClient;
    const parsed = stateIdOf(key);
    if (!mine || !parsed) return key;
    const theirs = this._file.stores.some((store) => store.clientId !== null && parsed[0] === `$client:${store.clientId}`);
    return theirs ? JSON.stringify([`$client:${mine}`, parsed[1]]) : key;
  }

  /** The page's state ids the file's stores name (in the page's scopes), whatever became of them. */
  private readonly _mentioned = new Set<string>();

  /**
   * A persisted state's stored copy (namespace `stratum-state`, spelled here as the agent spells
   * the client id's key, so the snapshot code does not load the persistence adapter) of a state
   * on this page that the file does not mention: it stays, as the state itself does.
   */
  private _unmentionedCopy(namespace: string, key: string): boolean {
    if (namespace !== 'stratum-state' || this._mentioned.has(key)) return false;
    return this._targets.stores.some((store) => store.states().some((state) => state.id === key && state.persistence !== undefined));
  }

  private _ownClientKey(key: string): boolean {
    const mine = this._myClient;
    return mine !== undefined && stateIdOf(key)?.[0] === `$client:${mine}`;
  }

  /** Compares a page value with a file value; set by finish(), once the page's blob bytes are read. */
  private _same: (mine: Encoded, theirs: Encoded) => boolean = () => false;

  webstorages(): void {
    for (const theirs of this._file.webstorages) {
      const storage = this._targets.webstorages.find((candidate) => candidate.kind === theirs.kind && candidate.namespace === theirs.namespace);
      if (!storage) {
        this.skip(['webstorage', theirs.kind, theirs.namespace], `no webstorage('${theirs.kind}', { namespace: '${theirs.namespace}' }) on this page`);
        continue;
      }
      const mine = exportWebstorage(storage);
      // The other tab's client-scoped keys (a persisted Scopes.Client state) become this tab's.
      const entries = theirs.entries.map((entry) => ({ ...entry, key: this._clientKey(entry.key) }));
      const hidden = hide(mine.entries, entries, (entry) => entry.key);
      for (const key of hidden) this.skip(['webstorage', theirs.kind, theirs.namespace, key], REDACTED, true);
      const kept = entries.filter((entry) => !hidden.has(entry.key));
      const now = new Map(mine.entries.filter((entry) => !hidden.has(entry.key)).map((entry) => [entry.key, entry.text]));
      this.incoming.webstorages.push({ ...theirs, entries: kept });
      this.current.webstorages.push({ ...mine, entries: mine.entries.filter((entry) => !hidden.has(entry.key)) });
      // This tab's own client keys go only when the snapshot replaces them: another tab's
      // snapshot knows nothing of this tab's session.
      const removable = (key: string): boolean => !kept.some((entry) => entry.key === key) && !this._ownClientKey(key) && !this._unmentionedCopy(theirs.namespace, key);
      const write = { storage, set: [] as [string, string][], remove: [...now.keys()].filter(removable) };
      for (const entry of kept) {
        const text = now.get(entry.key);
        if (text !== undefined && sameStored(text, entry.text, this._file, this._file)) continue;
        try {
          deserialize(entry.text);
        } catch (error) {
          if (!(error instanceof CodecError)) throw error;
          // Another app's text that is not JSON is written back as it was exported; a text in
          // Stratum's format that this runtime cannot read (damaged, or a newer codec's) is refused.
          if (entry.text.startsWith('stratum:')) {
            throw new SnapshotError('malformed', `key "${entry.key}" of namespace "${theirs.namespace}" cannot be decoded (${error.message})`);
          }
        }
        write.set.push([entry.key, entry.text]);
      }
      this.plan.webstorages.push(write);
    }
  }

  async databases(): Promise<void> {
    for (const theirs of this._file.databases) {
      const db = this._targets.databases.find((candidate) => candidate.name === theirs.name);
      if (!db) {
        this.skip(['database', theirs.name], `database "${theirs.name}" is not open on this page`);
        continue;
      }
      checkSchema(db, theirs);
      // Real keys: the page's hidden rows are kept by them (never shown: their paths below say [redacted]).
      const mine = await exportDatabase(db, this._collected, 'real');
      const kept: SnapshotDatabase = { ...theirs, tables: [] };
      const current: SnapshotDatabase = { ...mine, tables: [] };
      const keep = new Map<string, Key[]>();
      // Redacted rows (entries, blobs) on either side: skipped, and the page's own are kept by key.
      const hiddenOf = <T extends { redacted?: Path[] }>(name: string, page: T[], file: T[], id: (entry: T) => string, key: (entry: T) => Encoded, path: (entry: T) => Path) => {
        const hidden = hide(page, file, id);
        const listed = new Set<string>();
        for (const entry of [...page, ...file]) {
          if (!hidden.has(id(entry)) || listed.has(id(entry))) continue;
          listed.add(id(entry));
          this.skip(path(entry), REDACTED, true);
        }
        keep.set(name, page.filter((entry) => hidden.has(id(entry))).map((entry) => this._rebuild.value(key(entry), `a key of "${theirs.name}"`) as Key));
        return (entries: T[]) => entries.filter((entry) => !hidden.has(id(entry)));
      };
      for (const table of theirs.tables) {
        const page = mine.tables.find((candidate) => candidate.name === table.name)!;
        const visible = hiddenOf(table.name, page.rows, table.rows, (row) => JSON.stringify(row.key), (row) => row.key, (row) => ['row', theirs.name, table.name, row.redacted && keyInHidden(table.schema.keyPath, row.redacted) ? REDACTED_KEY : keyStep(row.key)]);
        kept.tables.push({ ...table, rows: visible(table.rows) });
        current.tables.push({ ...page, rows: visible(page.rows) });
      }
      if (theirs.cache && mine.cache) {
        const visible = hiddenOf('$cache', mine.cache, theirs.cache, (entry) => JSON.stringify(entry.key), (entry) => entry.key, (entry) => ['cache', theirs.name, keyStep(entry.key)]);
        kept.cache = visible(theirs.cache);
        current.cache = visible(mine.cache);
      }
      if (theirs.blobs && mine.blobs) {
        const visible = hiddenOf('$blobs', mine.blobs, theirs.blobs, (blob) => blob.id, (blob) => blob.id, (blob) => ['blob', theirs.name, blob.id]);
        kept.blobs = visible(theirs.blobs);
        current.blobs = visible(mine.blobs);
      }
      this.incoming.databases.push(kept);
      this.current.databases.push(current);
      this._pending.push(() => this._databaseWrite(db, kept, keep));
    }
  }

  /** After the diff: which tables of `db` to rewrite, with their rows decoded. */
  private _databaseWrite(db: Database, theirs: SnapshotDatabase, keep: Map<string, Key[]>): void {
    const touched = (stratum: string, table?: string) =>
      this.differences.some((d) => d.path[0] === stratum && d.path[1] === theirs.name && (table === undefined || d.path[2] === table));
    const write = { db, tables: [] as TableWrite[] };
    for (const table of theirs.tables) {
      if (!touched('row', table.name)) continue;
      const keyPath = table.schema.keyPath;
      // Out-of-line keys (localForage's stores): each row is written at the key the file lists it under.
      const keys: Key[] = [];
      const rows = table.rows.map((row) => {
        // Which row, as the file spells its key, so the person can find it there.
        const where = `the row ${JSON.stringify(row.key)} of "${theirs.name}"/"${table.name}"`;
        const why = unrestorable(row.value, false);
        if (why !== undefined) throw new SnapshotError('unrestorable', `${where} holds ${why}, which a database cannot store`);
        const value = this._rebuild.value(row.value, where);
        if (keyPath === null) {
          const key = asKey(this._rebuild.value(row.key, `the key of ${where}`));
          if (key === undefined) throw new SnapshotError('malformed', `${where} is listed under no valid key, and its table keeps its keys out of line`);
          keys.push(key);
          return value;
        }
        if (JSON.stringify(encode(keyAt(value, keyPath) ?? null)) !== JSON.stringify(row.key)) {
          throw new SnapshotError('malformed', `${where} is listed under key ${JSON.stringify(row.key)} but holds another key`);
        }
        return value;
      });
      write.tables.push({ name: table.name, rows, keep: keep.get(table.name) ?? [], ...(keyPath === null && { keys }) });
    }
    if (theirs.cache && touched('cache')) {
      const rows = theirs.cache.map((entry) => ({
        key: this._rebuild.value(entry.key, `the cache key ${JSON.stringify(entry.key)} of "${theirs.name}"`),
        value: this._rebuild.value(entry.value, `the cache entry ${JSON.stringify(entry.key)} of "${theirs.name}"`),
        expires: entry.expires,
      }));
      write.tables.push({ name: '$cache', rows, keep: keep.get('$cache') ?? [] });
    }
    if (theirs.blobs && touched('blob')) {
      const infos = theirs.blobs.map(({ data: _bytes, redacted: _hidden, meta, ...info }) =>
        meta === undefined ? info : { ...info, meta: this._rebuild.value(meta, `the meta of blob ${info.id}`) },
      );
      const data = theirs.blobs.map((blob) => ({ id: blob.id, data: this._rebuild.value(blob.data, `blob ${blob.id}`) }));
      write.tables.push({ name: '$blobs', rows: infos, keep: keep.get('$blobs') ?? [] }, { name: '$blobdata', rows: data, keep: keep.get('$blobs') ?? [] });
    }
    if (write.tables.length > 0) this.plan.databases.push(write);
  }

  differences: Difference[] = [];

  /** Reads the page's blob bytes, diffs, then decides the writes. */
  async finish(): Promise<Plan> {
    const header = { ...this._file, ...this.current };
    const current: SnapshotFile = { ...header, bytes: await this._collected.bytes(usedRefs(header)) };
    const incoming: SnapshotFile = { ...this._file, ...this.incoming };
    this.differences = diff(current, incoming);
    this._same = (mine, theirs) => same(mine, theirs, current, incoming);
    for (const decide of this._pending) decide();
    return { ...this.plan, differences: this.differences, skipped: this.skipped };
  }
}

/** Everything an import of `input` (a snapshot file's object) would do, refused or planned; nothing is written. */
export async function planImport(input: unknown, options: ImportOptions = {}): Promise<Plan> {
  const file = checkSnapshot(input);
  const planner = new Planner(file, targetsOf(options.targets));
  planner.stores();
  planner.webstorages();
  await planner.databases();
  const plan = await planner.finish();
  const refused = plan.skipped.filter((skip) => !skip.redacted);
  if (options.strict && refused.length > 0) {
    const list = refused.slice(0, 5).map((skip) => `${JSON.stringify(skip.path)}: ${skip.reason}`).join('; ');
    throw new SnapshotError('missing', `strict import refused: ${refused.length} entr${refused.length === 1 ? 'y' : 'ies'} cannot be imported (${list}). Nothing was imported.`);
  }
  return plan;
}
