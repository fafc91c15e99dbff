/**
 * The page side of a recording: a snapshot at the start, then every change of every registered
 * store, webstorage and database, each with the whole value its entry had after it, its label,
 * its time and (traces on) its call site; a snapshot at the end. Subscribed before the start
 * snapshot is read, so nothing that lands while it is read is missed.
 *
 * Bounded: the changes' JSON plus their blobs' base64 may not pass `budget` characters. The change
 * that crosses it is kept, recording stops there, and the end is read at that moment, so the file
 * is whole up to where it stops — never a gap in the middle. `stopped: 'budget'` says so.
 */
import { bytesToBase64 } from '../../codec/base64.js';
import { CODEC_VERSION, encode, type Encoded, type Path } from '../../codec/index.js';
import { blobRefs, eachTagged } from '../../codec/encoded.js';
import { config } from '../../registry/registry.js';
import { fileKey } from '../agent/key-handles.js';
import type { Key } from '../../db/keys.js';
import { redactAt } from '../agent/show.js';
import { applyRedaction } from '../agent/redact.js';
import { FarArrayRefusal, refuseFar } from '../snapshot/refuse-far.js';
import { BLOB_DATA_TABLE, BLOBS_TABLE, keyAt } from '../../db/schema.js';
import type { Database, DbEvent } from '../../db/types.js';
import type { State } from '../../store/state.js';
import type { Store } from '../../store/store.js';
import { contentHash, RECORDING_FORMAT, RECORDING_VERSION, type DbChange, type DbOperation, type RecordedChange, type RecordingFile } from '../../snapshot-file/recording.js';
import type { SnapshotDatabase, SnapshotFile } from '../../snapshot-file/format.js';
import type { WebStorageLike, WebStorageEventLike } from '../agent/targets.js';
import { capture, captureFirst, frames, type Site } from '../agent/trace.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from '../../snapshot-file/format.js';
import { Collected, currentPage, exportDatabase, exportSnapshot, exportStore, exportWebstorage, targetsOf, usedRefs } from '../snapshot/export.js';

/** Databases a rehearsal opens as throw-away copies: never recorded. */
export const REHEARSAL_PREFIX = 'stratum-rehearsal:';
/** The agent's own writes while replaying: not recorded again. */
export const REPLAY_LABEL = 'devtools: replay';

/** Webstorage takes no label: the replay marks its own webstorage writes here while it makes them. */
export const replaying = { webstorage: false };

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export interface RecorderStatus {
  recording: boolean;
  changes: number;
  bytes: number;
  budget: number;
  stopped: 'budget' | null;
}

export class Recorder {
  private readonly _changes: RecordedChange[] = [];
  private readonly _bytes: Record<string, string> = {};
  /** Unsubscribes from stores and webstorages (synchronous to read) and from databases (not). */
  private readonly _stops: (() => void)[] = [];
  private readonly _dbStops: (() => void)[] = [];
  /** Reads and blob hashing still running (a database change's rows, a blob's bytes). */
  private readonly _pending = new Set<Promise<void>>();
  /** Database events of this tick, by database: one committed transaction. */
  private readonly _open = new Map<Database, DbChange>();
  /** The keys a put operation wrote, until its rows are read. */
  private readonly _putKeys = new WeakMap<DbOperation, unknown[]>();
  private readonly _t0 = now();
  private readonly _createdAt = new Date().toISOString();
  private _size = 0;
  private _stopped: 'budget' | null = null;
  // Not `_`-named: build.mjs mangles those across every entry, and a new one renames them all.
  #refused: FarArrayRefusal | undefined;
  private _listening = true;
  /** Set when the end's states and webstorage were read: only database changes are recorded after. */
  private _stopStates = false;
  private _start: Promise<SnapshotFile>;
  private _end: Promise<SnapshotFile> | undefined;

  constructor(
    readonly budget: number,
    private readonly _trace: boolean,
  ) {
    const targets = targetsOf();
    for (const store of targets.stores) this._stops.push(store._observe((state, label, deferred) => !deferred && this._state(store, state, label)));
    for (const storage of targets.webstorages) this._stops.push(storage.subscribe((event) => this._webstorage(storage, event)));
    for (const db of targets.databases) if (!db.name.startsWith(REHEARSAL_PREFIX)) this._dbStops.push(db.subscribe((event) => this._database(db, event)));
    const start = exportSnapshot();
    this._start = start;
    // Refused at the start: stop listening now (finish() gives the words); other errors as before.
    void start.catch((error: unknown) => {
      if (!(error instanceof FarArrayRefusal)) throw error;
      this.#refuse(error);
    });
  }

  status(): RecorderStatus {
    return { recording: this._listening && !this._stopStates, changes: this._changes.length, bytes: this._size, budget: this.budget, stopped: this._stopped };
  }

  /** Stops (if the budget has not already) and answers the whole file. */
  async finish(): Promise<RecordingFile> {
    if (this.#refused) throw this.#refused;
    this._end ??= this._readEnd();
    const end = await this._end;
    await this._settle();
    if (this.#refused) throw this.#refused;
    return {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      codec: CODEC_VERSION,
      createdAt: this._createdAt,
      page: currentPage(),
      budget: this.budget,
      stopped: this._stopped ?? 'user',
      start: await this._start,
      changes: this._changes,
      end,
      bytes: this._bytes,
    };
  }

  /**
   * A change the file cannot hold (a far sparse array, sparse.ts): recording stops there and
   * finish() refuses in its words, rather than give a file with that change missing.
   */
  #refuse(error: FarArrayRefusal): void {
    this.#refused ??= error;
    this.cancel();
  }

  /** Stops listening without a file (the last panel left). */
  cancel(): void {
    this._unlisten();
  }

  private _unlisten(): void {
    this._listening = false;
    for (const stop of [...this._stops.splice(0), ...this._dbStops.splice(0)]) stop();
  }

  /**
   * The end, as the page holds it when recording stops: states and webstorage read at once (in the
   * same tick as the last change recorded); databases read asynchronously, their changes recorded
   * until then, so a transaction that commits meanwhile is in both the changes and the end.
   */
  private _readEnd(): Promise<SnapshotFile> {
    const targets = targetsOf();
    const collected = new Collected();
    const stores = targets.stores.map((store) => exportStore(store, collected));
    const webstorages = targets.webstorages.map(exportWebstorage);
    this._stopStates = true;
    for (const stop of this._stops.splice(0)) stop();
    return (async () => {
      let databases: SnapshotDatabase[];
      try {
        await this._settle();
        databases = await Promise.all(targets.databases.filter((db) => !db.name.startsWith(REHEARSAL_PREFIX)).map((db) => exportDatabase(db, collected)));
      } finally {
        // Also when a database's end could not be read (a server's connection dropped): the
        // command drops this recorder, and a listener left behind would keep every later
        // transaction's rows in it for good.
        this._unlisten();
      }
      const file = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, codec: CODEC_VERSION, createdAt: new Date().toISOString(), page: currentPage(), stores, webstorages, databases } as const;
      return { ...file, bytes: await collected.bytes(usedRefs(file)) };
    })();
  }

  private async _settle(): Promise<void> {
    while (this._pending.size > 0) await Promise.all([...this._pending]);
  }

  private _base(label: string, site: Site | undefined): { at: number; label: string; stack?: string[] } {
    const base: { at: number; label: string; stack?: string[] } = { at: Math.round((now() - this._t0) * 1000) / 1000, label };
    if (site) base.stack = frames(site);
    return base;
  }

  /** Adds a change; `ready` fills what is read later. Counts it against the budget once filled. */
  private _push(change: RecordedChange, ready?: Promise<void>): void {
    if (!this._listening || (this._stopStates && change.kind !== 'db')) return;
    this._changes.push(change);
    const count = () => {
      this._size += JSON.stringify(change).length;
      if (this._size > this.budget && this._stopped === null) {
        this._stopped = 'budget';
        // The end is what the page holds now, when the last recorded change is in.
        this._end = this._readEnd();
      }
    };
    if (!ready) return count();
    const job = ready.then(count, (error: unknown) => (error instanceof FarArrayRefusal ? this.#refuse(error) : console.error('stratum devtools: a recorded change could not be read', error)));
    this._pending.add(job);
    void job.finally(() => this._pending.delete(job));
  }

  /**
   * `value` encoded whole, with what redact() hides at `root` cut as the snapshot export cuts it
   * (`redacted` lists the paths); its blobs still referenced are stored by content hash
   * (asynchronously: `ready`), a hidden blob's bytes never read.
   */
  private _encode(value: unknown, root: Path): { value: Encoded; redacted?: Path[]; ready: Promise<void> | undefined } {
    refuseFar(value, root, 'record');
    const blobs = new Map<string, Blob>();
    let encoded = encode(value, {
      onBlob: (blob) => {
        const ref = `pending:${blobs.size}`;
        blobs.set(ref, blob);
        return ref;
      },
    });
    let redacted: Path[] | undefined;
    const redact = config.redact;
    if (redact) {
      // A row of $cache or $blobs is also asked where the cache and blob views ask (show.ts).
      const cut = applyRedaction(encoded, value, redactAt(redact, value, root), root);
      encoded = cut.value;
      if (cut.redacted.length > 0) {
        redacted = cut.redacted;
        const kept = new Set(blobRefs(encoded));
        for (const ref of [...blobs.keys()]) if (!kept.has(ref)) blobs.delete(ref);
      }
    }
    if (blobs.size === 0) return { value: encoded, ...(redacted && { redacted }), ready: undefined };
    const ready = (async () => {
      const hashes = new Map<string, string>();
      for (const [ref, blob] of blobs) {
        const base64 = bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
        const hash = contentHash(base64);
        if (!Object.hasOwn(this._bytes, hash)) {
          this._bytes[hash] = base64;
          this._size += base64.length;
        }
        hashes.set(ref, hash);
      }
      eachTagged(encoded, (node) => {
        if (node['$t'] === 'blob' && typeof node['ref'] === 'string' && hashes.has(node['ref'])) node['ref'] = hashes.get(node['ref'])!;
      });
    })();
    return { value: encoded, ...(redacted && { redacted }), ready };
  }

  private _state(store: Store, state: State<unknown>, label: string | undefined): void {
    if (label === REPLAY_LABEL) return;
    try {
      const scope =
        store.clientId && state.scope === `$client:${store.clientId}` ? '$client' : store.userId !== null && state.scope === `$user:${store.userId}` ? '$user' : state.scope;
      const site = this._trace && !label?.startsWith('devtools') ? captureFirst([state.set, store.batch]) : undefined;
      const { value, redacted, ready } = this._encode(state.value, ['state', state.scope, state.key]);
      this._push({ kind: 'state', store: store.name, scope, key: state.key, value, ...(redacted && { redacted }), ...this._base(label ?? 'set', site) }, ready);
    } catch (error) {
      // Inside the app's set: the app's change stands; the recording misses it and says so.
      if (error instanceof FarArrayRefusal) this.#refuse(error);
      else console.error('stratum devtools: could not record a state change', error);
    }
  }

  private _webstorage(storage: WebStorageLike, event: WebStorageEventLike): void {
    if (replaying.webstorage) return;
    const local = event.origin === 'local';
    if (event.key === null) {
      const site = this._trace && local ? capture(storage.clear) : undefined;
      this._push({ kind: 'webstorage', storage: storage.kind, namespace: storage.namespace, key: null, ...this._base('clear', site) });
      return;
    }
    let text = storage.rawEntries().find((entry) => entry.key === event.key)?.text;
    let redacted: Path[] | undefined;
    const redact = config.redact;
    if (redact && text !== undefined) {
      // As the snapshot export does: the stored text would show what redact() hides, the cut value is recorded instead.
      const value = storage.get(event.key);
      const cut = applyRedaction(encode(value), value, redact, ['webstorage', storage.namespace, event.key]);
      if (cut.redacted.length > 0) {
        text = `stratum:${CODEC_VERSION}:${JSON.stringify(cut.value)}`;
        redacted = cut.redacted;
      }
    }
    const site = this._trace && local ? capture(text === undefined ? storage.remove : storage.set) : undefined;
    this._push({
      kind: 'webstorage',
      storage: storage.kind,
      namespace: storage.namespace,
      key: event.key,
      ...(text !== undefined && { text }),
      ...(redacted && { redacted }),
      ...this._base(text === undefined ? 'remove' : 'set', site),
    });
  }

  private _database(db: Database, event: DbEvent): void {
    if (event.type !== 'put' && event.type !== 'delete' && event.type !== 'clear') return;
    if (event.label === REPLAY_LABEL) return;
    let change = this._open.get(db);
    if (!change) {
      // Events of one commit are emitted in one synchronous loop: a microtask closes the transaction.
      const site = event.trace ? (event.trace as Site) : undefined;
      change = { kind: 'db', database: db.name, origin: event.origin, ops: [], ...this._base(event.label ?? event.type, site) };
      const opened = change;
      this._open.set(db, opened);
      let close!: () => void;
      const closed = new Promise<void>((resolve) => (close = resolve));
      queueMicrotask(() => {
        this._open.delete(db);
        close();
      });
      this._push(opened, closed.then(() => this._fillRows(db, opened)));
    }
    // A blob's bytes live in `$blobdata` beside its `$blobs` row; only the latter is announced.
    const tables = event.table === BLOBS_TABLE ? [BLOBS_TABLE, BLOB_DATA_TABLE] : [event.table];
    for (const table of tables) {
      if (event.type === 'clear') change.ops.push({ table, op: 'clear' });
      else if (event.type === 'delete') {
        const info = config.redact ? db.tables().find((candidate) => candidate.name === table) : undefined;
        const place = info && { root: ['db', db.name, table], keyPath: info.key };
        change.ops.push({ table, op: 'delete', keys: event.keys.map((key) => (place ? fileKey(key, place) : encode(key))) });
      }
      else {
        // The rows are read once the transaction is closed, as they are after it committed.
        const op: DbOperation = { table, op: 'put', rows: [] };
        this._putKeys.set(op, [...event.keys]);
        change.ops.push(op);
      }
    }
  }

  /** Reads the rows a transaction put, as they are once it committed; a row gone since is dropped (its delete follows). */
  private async _fillRows(db: Database, change: DbChange): Promise<void> {
    const puts = change.ops.filter((op): op is Extract<DbOperation, { op: 'put' }> => op.op === 'put').map((op) => [op, this._putKeys.get(op) ?? []] as const);
    if (puts.length === 0) return;
    const tables = [...new Set(puts.map(([op]) => op.table))];
    const read = await db.transaction(tables, 'readonly', (tx) => Promise.all(puts.map(([op, opKeys]) => Promise.all(opKeys.map((key) => tx.table(op.table).get(key as never))))));
    const jobs: Promise<void>[] = [];
    puts.forEach(([op, opKeys], i) => {
      const info = db.tables().find((table) => table.name === op.table);
      read[i]!.forEach((row, j) => {
        if (row === undefined) return;
        const { value, redacted, ready } = this._encode(row, ['db', db.name, op.table]);
        if (ready) jobs.push(ready);
        // Out-of-line keys (localForage's stores): the key the row was read by, which the row does not hold.
        const rowKey = info?.key === null ? (opKeys[j] as Key) : info && keyAt(row, info.key);
        const key = info ? fileKey(rowKey, { root: ['db', db.name, op.table], keyPath: info.key }, redacted) : null;
        op.rows.push({ key, value, ...(redacted && { redacted }) });
      });
    });
    await Promise.all(jobs);
  }
}
