/**
 * "Inspect this page's storage": a runtime of its own that the content script starts on the
 * panel's request, for pages with no Stratum runtime (or beside one, for what Stratum does not
 * own). It speaks the ordinary protocol (hello, snapshot, dbQuery, dbPut, webstorageSet, edit…)
 * over the content script's port, so the panel's Database and Storage tabs work on it unchanged.
 * It reads and writes through the page origin's own IndexedDB and webstorage (a content script
 * shares the origin's storage), never through the app's code.
 */
import { encode, resolvePath, type Encoded } from '#codec/index.js';
import { RuntimeBridge, type Wall } from '#protocol/bridge.js';
import { CommandError } from '#protocol/errors.js';
import {
  Command,
  Event,
  PROTOCOL_VERSION,
  type CommandMessage,
  type CommandRequest,
  type Hash,
  type PageFacts,
  type Ready,
  type RuntimeEnvelope,
  type Snapshot,
  type ValueRef,
} from '#protocol/messages.js';
import { originStores } from '#runtime/devtools/agent/commands/origin.js';
import type { RuntimeClaims } from './claims.js';
import { PageDatabases } from './idb.js';
import { AREA_IDS, PageKeys, parseStored, type Area } from './keys.js';
import { Blobs, reason, show } from './show.js';

/** How the panel's target picker names this runtime. */
export const INSPECTOR_NAME = 'Page storage (no Stratum runtime)';
const LABEL = 'devtools';

export interface InspectorOptions {
  /** Sends one envelope to the panel (the content script's port). */
  send(envelope: RuntimeEnvelope): void;
  window: Window;
  indexedDB: IDBFactory;
  top: boolean;
  /** What the page's runtimes said about their databases: those a runtime redacts are left to it. */
  claims?: RuntimeClaims;
  /** Tests pass their own; the page's flush otherwise. */
  schedule?: (flush: () => void) => () => void;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `rt-storage-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export class Inspector {
  readonly session = randomId();
  readonly bridge: RuntimeBridge;
  private readonly _clients = new Set<string>();
  private _listener: ((data: unknown) => void) | undefined;
  private readonly _blobs = new Blobs();
  private readonly _dbs: PageDatabases;
  private readonly _keys: PageKeys;
  private readonly _onStorage = (event: StorageEvent) => this._remoteKey(event);

  constructor(private readonly _options: InspectorOptions) {
    const wall: Wall = {
      send: (envelope) => _options.send(envelope as RuntimeEnvelope),
      listen: (listener) => {
        this._listener = listener;
        return () => (this._listener = undefined);
      },
    };
    this.bridge = new RuntimeBridge({
      wall,
      session: this.session,
      handle: (message, v) => this._handle(message, v),
      ...(_options.schedule && { schedule: _options.schedule }),
    });
    const { claims } = _options;
    this._dbs = new PageDatabases(
      _options.indexedDB,
      this._blobs,
      (name) => console.debug(`stratum inspector: "${name}" is being upgraded or deleted by the page; the panel's connection closed so it can`),
      claims && (async (name) => (await claims.settled(), claims.withheld(name))),
    );
    // A runtime that said so after the panel listed the database: the panel's list follows at once.
    if (claims) claims.onClaim = ({ name, version }) => void this._withdraw(name, version);
    this._keys = new PageKeys(_options.window, this._blobs);
    _options.window.addEventListener('storage', this._onStorage);
  }

  /** Tells a panel that is already open to say hello (as a runtime does when it starts listening). */
  announce(): void {
    this.bridge.send(Event.announce, {});
    this.bridge.flush();
  }

  /** One envelope from the panel, addressed to this session or to every runtime. */
  receive(data: unknown): void {
    this._listener?.(data);
  }

  shutdown(): void {
    this._options.window.removeEventListener('storage', this._onStorage);
    this._dbs.close();
    this.bridge.shutdown();
  }

  private _info(): Ready['runtime'] {
    const { location, document } = this._options.window;
    return { id: this.session, name: INSPECTOR_NAME, frame: { url: location.href, top: this._options.top, title: document.title }, protocol: PROTOCOL_VERSION, version: 'page storage' };
  }

  private _handle(message: CommandMessage, v: number): Promise<unknown> | object | undefined {
    if (message.command === Command.hello) {
      const { protocol, client } = message.payload;
      const compatible = protocol === PROTOCOL_VERSION && v === PROTOCOL_VERSION;
      const ready: Ready = { runtime: this._info(), protocol: { runtime: PROTOCOL_VERSION, panel: protocol }, compatible, dropped: this.bridge.dropped };
      if (!compatible) {
        ready.message = `The page storage inspector speaks protocol ${PROTOCOL_VERSION}; the panel speaks ${protocol}. Reload the extension.`;
        return ready;
      }
      this._clients.add(client);
      void this.snapshot().then(
        (snapshot) => this._clients.size > 0 && this.bridge.send(Event.snapshot, snapshot),
        (error: unknown) => console.error('stratum inspector: the snapshot failed', error),
      );
      return ready;
    }
    if (this._clients.size === 0) return undefined;
    return this._command(message);
  }

  async snapshot(): Promise<Snapshot> {
    const databases = await this._dbs.list();
    return { at: Date.now(), stores: [], webstorages: [this._keys.list('local'), this._keys.list('session')], databases, reports: [], trace: false };
  }

  private _command(message: CommandMessage): Promise<unknown> | object {
    switch (message.command) {
      case Command.stop:
        this._clients.delete(message.payload.client);
        return { clients: this._clients.size };
      case Command.snapshot:
        return this.snapshot();
      case Command.trace:
        return { enabled: false };
      case Command.dbQuery:
        return this._dbs.query(message.payload);
      case Command.dbPut:
        return this._dbPut(message.payload);
      case Command.dbAdd:
        return this._dbAdd(message.payload);
      case Command.dbDelete:
        return this._dbDelete(message.payload);
      case Command.dbClear: {
        const { database, table } = message.payload;
        return this._dbs.clear(database, table).then(() => {
          this._dbChanged(database, table, 'clear', [], `${LABEL}: clear`);
          return { cleared: true as const };
        });
      }
      case Command.webstorageSet:
        return this._keySet(message.payload);
      case Command.webstorageRemove: {
        const { storage, key, baseVersion, label } = message.payload;
        const removed = this._keys.remove(storage, key, baseVersion);
        if (removed) this._keyChanged(storage, key, undefined, label ?? `${LABEL}: remove`);
        return { removed };
      }
      case Command.webstorageClear: {
        const removed = this._keys.clear(message.payload.storage);
        this._keyChanged(message.payload.storage, null, undefined, `${LABEL}: clear`);
        return { removed };
      }
      case Command.edit:
        return this._edit(message.payload);
      case Command.expand:
        return this._expand(message.payload);
      case Command.pageFacts:
        return this._facts();
      case Command.originStores:
        return originStores(this._options.window as unknown as { caches?: CacheStorage; navigator?: Navigator });
      default:
        throw new CommandError('not-editable', `"${message.command}" needs a Stratum runtime: the page storage inspector reads IndexedDB and webstorage only`);
    }
  }

  private async _dbPut({ database, table, value, baseVersion, key: shown, label }: CommandRequest<'dbPut'>) {
    const { key, hash } = await this._dbs.put(database, table, value, baseVersion, shown);
    this._dbChanged(database, table, 'put', [key], label ?? `${LABEL}: put`);
    return { key: encode(key), hash };
  }

  private async _dbAdd({ database, table, value }: CommandRequest<'dbAdd'>) {
    const { key, hash } = await this._dbs.add(database, table, value);
    this._dbChanged(database, table, 'put', [key], `${LABEL}: add`);
    return { key: encode(key), hash };
  }

  private async _dbDelete({ database, table, key, baseVersion, label }: CommandRequest<'dbDelete'>) {
    const deleted = await this._dbs.delete(database, table, key, baseVersion);
    this._dbChanged(database, table, 'delete', [deleted], label ?? `${LABEL}: delete`);
    return { deleted: true };
  }

  private _keySet({ storage, key, value, baseVersion, label }: CommandRequest<'webstorageSet'>) {
    const { hash, text } = this._keys.set(storage, key, value, baseVersion);
    this._keyChanged(storage, key, text, label ?? `${LABEL}: set`);
    return { hash };
  }

  private async _edit({ target, path, op, value, to, baseVersion, label }: CommandRequest<'edit'>): Promise<{ version: Hash }> {
    const edit = { path, op, ...(value !== undefined && { value }), ...(to !== undefined && { to }), ...(baseVersion !== undefined && { baseVersion }) };
    const name = label ?? `${LABEL}: edit`;
    switch (target.kind) {
      case 'webstorage': {
        const { hash, text } = this._keys.edit(target.storage, target.key, edit);
        this._keyChanged(target.storage, target.key, text, name);
        return { version: hash };
      }
      case 'row': {
        const { key, hash } = await this._dbs.edit(target.database, target.table, target.key, edit);
        this._dbChanged(target.database, target.table, 'put', [key], name);
        return { version: hash };
      }
      default:
        throw new CommandError('not-found', 'the page storage inspector holds no states or caches');
    }
  }

  private async _resolve(ref: ValueRef): Promise<unknown> {
    if (ref.kind === 'webstorage') return this._keys.value(ref.storage, ref.key);
    if (ref.kind === 'row') return this._dbs.get(ref.database, ref.table, ref.key);
    throw new CommandError('not-found', 'the page storage inspector holds no states or caches');
  }

  private async _expand({ target, path }: CommandRequest<'expand'>): Promise<{ value: Encoded; redacted: [] }> {
    const root = await this._resolve(target);
    let part: unknown;
    try {
      part = resolvePath(root, path);
    } catch (error) {
      throw new CommandError('not-found', `nothing at that path any more: ${reason(error)}`);
    }
    return { value: show(part, this._blobs, path), redacted: [] };
  }

  private async _withdraw(name: string, version: number): Promise<void> {
    if (this._clients.size === 0 || !this._dbs.listed(name)) return;
    this.bridge.send(Event.registered, { kind: 'database', database: await this._dbs.describe(name, version) });
  }

  /** A change the panel made: sent at once, so it shows without a refresh. */
  private _dbChanged(database: number, table: string, change: 'put' | 'delete' | 'clear', keys: IDBValidKey[], label: string): void {
    this.bridge.send(Event.dbChanged, { database, table, change, keys: keys.map((key) => encode(key)), origin: 'local', changes: Math.max(1, keys.length), label, at: Date.now() });
  }

  private _keyChanged(storage: number, key: string | null, text: string | undefined, label: string, origin: 'local' | 'remote' = 'local'): void {
    const base = { storage, key, origin, changes: 1, label, at: Date.now(), redacted: [] };
    if (key === null || text === undefined) return this.bridge.send(Event.webstorageChanged, base);
    const info = this._keys.info(key, text);
    this.bridge.send(Event.webstorageChanged, { ...base, value: info.value, hash: info.hash, size: info.size });
  }

  /** Another tab of the origin changed a key: the browser tells every other window, this one too. */
  private _remoteKey(event: StorageEvent): void {
    if (this._clients.size === 0) return;
    const { localStorage, sessionStorage } = this._options.window;
    let area: Area;
    try {
      area = event.storageArea === localStorage ? 'local' : event.storageArea === sessionStorage ? 'session' : 'local';
    } catch (error) {
      return console.debug(`stratum inspector: a storage event from an unreadable storage (${reason(error)})`);
    }
    if (event.key !== null && event.newValue !== null && PageKeys.stratums(event.key, event.newValue)) return;
    this._keyChanged(AREA_IDS[area], event.key, event.newValue ?? undefined, event.key === null ? 'clear' : event.newValue === null ? 'remove' : 'set', 'remote');
  }

  private async _facts(): Promise<PageFacts> {
    const nav = this._options.window.navigator;
    let estimate: PageFacts['estimate'] = { unavailable: 'navigator.storage.estimate() is missing here (not a secure context?)' };
    let persisted: boolean | null = null;
    try {
      if (typeof nav.storage?.estimate === 'function') {
        const { usage = 0, quota = 0 } = await nav.storage.estimate();
        estimate = { usage, quota };
      }
      if (typeof nav.storage?.persisted === 'function') persisted = await nav.storage.persisted();
    } catch (error) {
      estimate = { unavailable: reason(error) };
    }
    let databases: PageFacts['databases'];
    try {
      databases = (await this._options.indexedDB.databases()).map((db) => ({ name: db.name ?? '', version: db.version ?? 0 }));
    } catch (error) {
      databases = { unavailable: reason(error) };
    }
    return { estimate, persisted, databases, foreignKeys: [], dropped: this.bridge.dropped };
  }
}

