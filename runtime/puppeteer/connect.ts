import type { Page } from 'puppeteer';
import { decode, encode, type Path } from '../codec/index.js';
import { Command, type CommandName, type CommandRequest, type CommandResult, type ProtocolError, type Ready, type Snapshot, type StateInfo, type WebstorageInfo, type DatabaseInfo, type BlobInfo, type Range, type ValueRef, type Encoded } from '../protocol/messages.js';
import type { KitEvent } from '../protocol/kit.js';
import { kitPage, tabIdOf } from './extension.js';
import { editRequest, type EditOptions, type Version } from './edits.js';
import { fullValue } from './full.js';
import { kitLabel } from './label.js';
import { simulateApi, type SimulateApi } from './simulate.js';

/** An error the runtime answered with, in its own words; `code` is the protocol's (e.g. `conflict`). */
export class StratumError extends Error {
  override name = 'StratumError';
  constructor(readonly code: string, message: string, readonly current?: unknown) {
    super(message);
  }
}

export interface StateLocator {
  /** The store's name; needed only when several stores hold the same scope + key. */
  store?: string;
  key: string;
  /** A global scope, Scopes.Client/User ('$client', '$user'), or a resolved name; default Scopes.Component. */
  scope?: string;
  component?: string;
}

export interface StateView {
  store: string;
  id: string;
  key: string;
  scope: string;
  version: number;
  value: unknown;
  persistence?: string;
}

export interface QueryOptions {
  index?: string;
  range?: { eq?: unknown; gt?: unknown; gte?: unknown; lt?: unknown; lte?: unknown };
  offset?: number;
  limit?: number;
  direction?: 'next' | 'prev';
}

export interface StratumClient extends SimulateApi {
  readonly ready: Ready;
  snapshot(): Promise<Snapshot>;
  states(): Promise<StateView[]>;
  /** `get` and every read below return the full value, never the panel's display cut. */
  state<T = unknown>(locator: StateLocator): {
    get(): Promise<T>;
    set(value: T): Promise<void>;
    edit(path: Path, value: unknown, options?: EditOptions): Promise<Version>;
  };
  webstorages(): Promise<WebstorageInfo[]>;
  storage(kind: 'local' | 'session' | 'memory', options?: { namespace?: string }): {
    get<T = unknown>(key: string): Promise<T | undefined>;
    set(key: string, value: unknown): Promise<void>;
    remove(key: string): Promise<void>;
    keys(): Promise<string[]>;
    edit(key: string, path: Path, value: unknown, options?: EditOptions): Promise<Version>;
  };
  db(name: string): {
    table<V = unknown>(table: string): {
      query(query?: QueryOptions): Promise<V[]>;
      count(query?: QueryOptions): Promise<number>;
      put(value: V): Promise<unknown>;
      add(value: V): Promise<unknown>;
      delete(key: unknown): Promise<void>;
      edit(key: unknown, path: Path, value: unknown, options?: EditOptions): Promise<Version>;
    };
    cache: {
      /** The entry's value, or undefined when missing or expired. */
      get<V = unknown>(key: unknown): Promise<V | undefined>;
      edit(key: unknown, path: Path, value: unknown, options?: EditOptions): Promise<Version>;
    };
  };
  blobs(database: string): { list(): Promise<BlobInfo[]>; read(id: string): Promise<Uint8Array> };
  /** Resolves with the first snapshot that satisfies `predicate` (checked on every change). */
  waitFor(predicate: (snapshot: Snapshot) => boolean, options?: { timeout?: number }): Promise<Snapshot>;
  /** Raw access to any protocol command. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>>;
  close(): Promise<void>;
}

const SPECIAL = new Set(['$client', '$user']);

function matches(state: StateInfo, locator: StateLocator): boolean {
  if (state.key !== locator.key) return false;
  const scope = locator.scope ?? '$component';
  if (scope === '$component') return locator.component !== undefined && state.scope === `$component:${locator.component}`;
  if (SPECIAL.has(scope)) return state.scope.startsWith(`${scope}:`);
  return state.scope === scope;
}

/** The key a row has under a key path (dotted paths, compound paths); undefined when it has none. */
function keyOf(value: unknown, keyPath: string | string[]): unknown {
  const at = (path: string) =>
    path.split('.').reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), value);
  if (typeof keyPath === 'string') return at(keyPath);
  const parts = keyPath.map(at);
  return parts.includes(undefined) ? undefined : parts;
}

function describe(locator: StateLocator): string {
  return `${locator.store ? `${locator.store}/` : ''}${locator.scope ?? `$component:${locator.component}`}/${locator.key}`;
}

/** A standalone server (`npx stratumjs devtools`) and which of its runtimes to talk to. */
export interface ServerTarget {
  url: string;
  token: string;
  /** The runtime's name in the picker (connectDevtools' `name`); default the first to answer. */
  runtime?: string;
}

/**
 * A typed client of the running app over the same protocol as the panel: one more client of
 * the extension's background, through a hidden extension page — or, given `{ url, token }`,
 * one more panel of the standalone server (a Node process or a page that called
 * connectDevtools). Conflicts and refusals throw a StratumError carrying the runtime's words.
 */
export async function connect(target: Page | ServerTarget, options: { timeout?: number } = {}): Promise<StratumClient> {
  const timeout = options.timeout ?? 10_000;
  if (isServerTarget(target)) {
    const { connectServer } = await import('./connect-ws.js');
    const server = await connectServer(target, timeout);
    return clientOver(server.ready, server.request, server.close, timeout);
  }
  const page = target;
  const kit = await kitPage(page.browser());
  const tabId = await tabIdOf(page, timeout);
  // The kit finds pages with no runtime too (issue 21's inspector); a hello nobody answers there
  // is said as what it is.
  const { handle, ready } = await kit.evaluate((tab, wait) => window.stratumKit.attach(tab, wait), tabId, timeout).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes('hello got no answer')) throw error;
    throw new Error(
      `No Stratum runtime answered from this page (${page.url()}) within ${timeout} ms. ` +
        'A runtime answers once the page has imported stratumjs with devtools enabled (the default outside production builds); ' +
        "a page without one can still be inspected from the panel (\"Inspect this page's storage\").",
    );
  });

  async function request<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    const answer = await kit.evaluate(
      (h, n, p) => window.stratumKit.request(h, n as CommandName, p as never),
      handle,
      name,
      payload as never,
    );
    if (!answer.ok) {
      const error: ProtocolError = answer.error;
      throw new StratumError(error.code, error.message, error.current && decode(error.current.value));
    }
    return answer.result as CommandResult<K>;
  }
  return clientOver(ready, request, async () => void (await kit.evaluate((h) => window.stratumKit.close(h), handle)), timeout);
}

function isServerTarget(target: Page | ServerTarget): target is ServerTarget {
  return typeof (target as ServerTarget).url === 'string' && typeof (target as ServerTarget).token === 'string';
}

type Request = <K extends CommandName>(name: K, payload: CommandRequest<K>) => Promise<CommandResult<K>>;

/** The client's methods over any way of sending a command. */
function clientOver(ready: Ready, request: Request, close: () => Promise<void>, timeout: number): StratumClient {
  const snapshot = () => request(Command.snapshot, {});
  const full = (encoded: Encoded, ref: ValueRef) => fullValue(encoded, ref, (payload) => request(Command.expand, payload));
  const edit = async (ref: ValueRef, path: Path, value: unknown, options?: EditOptions) => (await request(Command.edit, editRequest(ref, path, value, options))).version;

  async function findState(locator: StateLocator): Promise<{ store: number; state: StateInfo }> {
    const found: { store: number; state: StateInfo }[] = [];
    for (const store of (await snapshot()).stores) {
      if (locator.store && store.name !== locator.store) continue;
      for (const scope of store.scopes) for (const state of scope.states) if (matches(state, locator)) found.push({ store: store.id, state });
    }
    if (found.length === 0) throw new StratumError('not-found', `No state ${describe(locator)} on the page.`);
    if (found.length > 1) throw new StratumError('invalid', `${found.length} states match ${describe(locator)}: name the store or the resolved scope.`);
    return found[0]!;
  }

  async function findStorage(kind: string, namespace = 'stratum'): Promise<WebstorageInfo> {
    const storage = (await snapshot()).webstorages.find((candidate) => candidate.kind === kind && candidate.namespace === namespace);
    if (!storage) throw new StratumError('not-found', `No webstorage('${kind}', { namespace: '${namespace}' }) on the page.`);
    return storage;
  }

  async function findDatabase(name: string): Promise<DatabaseInfo> {
    const database = (await snapshot()).databases.find((candidate) => candidate.name === name && !candidate.closed);
    if (!database) throw new StratumError('not-found', `No open database "${name}" on the page.`);
    return database;
  }

  function range(query: QueryOptions | undefined): Range | undefined {
    if (!query?.range) return undefined;
    const out: Range = {};
    for (const [bound, value] of Object.entries(query.range)) if (value !== undefined) out[bound as keyof Range] = encode(value);
    return out;
  }

  async function rows(name: string, table: string, query: QueryOptions = {}) {
    const database = await findDatabase(name);
    const bounds = range(query);
    return request(Command.dbQuery, {
      database: database.id,
      table,
      ...(query.index !== undefined && { index: query.index }),
      ...(bounds && { range: bounds }),
      ...(query.offset !== undefined && { offset: query.offset }),
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(query.direction && { direction: query.direction }),
    });
  }

  return {
    ready,
    snapshot,
    async states() {
      const out: StateView[] = [];
      for (const store of (await snapshot()).stores) {
        for (const scope of store.scopes) {
          for (const state of scope.states) {
            const value = await full(state.value, { kind: 'state', store: store.id, state: state.id });
            out.push({ store: store.name, id: state.id, key: state.key, scope: state.scope, version: state.version, value, ...(state.persistence && { persistence: state.persistence }) });
          }
        }
      }
      return out;
    },
    state<T>(locator: StateLocator) {
      return {
        async get() {
          const { store, state } = await findState(locator);
          return (await full(state.value, { kind: 'state', store, state: state.id })) as T;
        },
        async edit(path, value, options) {
          const { store, state } = await findState(locator);
          return edit({ kind: 'state', store, state: state.id }, path, value, options);
        },
        async set(value: T) {
          const { store, state } = await findState(locator);
          await request(Command.stateSet, { store, state: state.id, value: encode(value), baseVersion: state.version, label: kitLabel('set', state.key) });
        },
      };
    },
    webstorages: async () => (await snapshot()).webstorages,
    storage(kind, storageOptions = {}) {
      const find = () => findStorage(kind, storageOptions.namespace);
      return {
        async get<T>(key: string) {
          const storage = await find();
          const entry = storage.keys.find((candidate) => candidate.key === key);
          return entry === undefined ? undefined : ((await full(entry.value, { kind: 'webstorage', storage: storage.id, key })) as T);
        },
        edit: async (key, path, value, options) => edit({ kind: 'webstorage', storage: (await find()).id, key }, path, value, options),
        async set(key, value) {
          const storage = await find();
          const baseVersion = storage.keys.find((candidate) => candidate.key === key)?.hash ?? null;
          await request(Command.webstorageSet, { storage: storage.id, key, value: encode(value), baseVersion, label: kitLabel('set', key) });
        },
        async remove(key) {
          const storage = await find();
          const entry = storage.keys.find((candidate) => candidate.key === key);
          if (entry) await request(Command.webstorageRemove, { storage: storage.id, key, baseVersion: entry.hash, label: kitLabel('remove', key) });
        },
        keys: async () => (await find()).keys.map((entry) => entry.key),
      };
    },
    db(name) {
      const cacheRef = async (key: unknown): Promise<ValueRef> => ({ kind: 'cache', database: (await findDatabase(name)).id, key: encode(key) });
      return {
        cache: {
          async get<V>(key: unknown) {
            const ref = await cacheRef(key);
            try {
              return (await full((await request(Command.expand, { target: ref, path: [] })).value, ref)) as V;
            } catch (error) {
              if (error instanceof StratumError && error.code === 'not-found' && /no such cache entry/.test(error.message)) return undefined;
              throw error;
            }
          },
          edit: async (key, path, value, options) => edit(await cacheRef(key), path, value, options),
        },
        table<V>(table: string) {
          return {
            async query(query?: QueryOptions) {
              const database = (await findDatabase(name)).id;
              const page = await rows(name, table, query);
              return Promise.all(page.rows.map(async (row) => (await full(row.value, { kind: 'row', database, table, key: row.key })) as V));
            },
            edit: async (key: unknown, path: Path, value: unknown, options?: EditOptions) =>
              edit({ kind: 'row', database: (await findDatabase(name)).id, table, key: encode(key) }, path, value, options),
            count: async (query?: QueryOptions) => (await rows(name, table, { ...query, limit: 0 })).total,
            async put(value: V) {
              const database = await findDatabase(name);
              const info = database.tables.find((candidate) => candidate.name === table);
              if (!info) throw new StratumError('not-found', `No table "${table}" in database "${name}".`);
              // A put replaces the row the test means to replace: the one at its key now.
              const key = keyOf(value, info.keyPath);
              const current = key === undefined ? undefined : (await rows(name, table, { range: { eq: key }, limit: 1 })).rows[0];
              const answer = await request(Command.dbPut, { database: database.id, table, value: encode(value), baseVersion: current?.hash ?? null, label: kitLabel('put', table) });
              return decode(answer.key);
            },
            async add(value: V) {
              const database = await findDatabase(name);
              return decode((await request(Command.dbAdd, { database: database.id, table, value: encode(value) })).key);
            },
            async delete(key: unknown) {
              const database = await findDatabase(name);
              const found = (await rows(name, table, { range: { eq: key }, limit: 1 })).rows[0];
              if (found) await request(Command.dbDelete, { database: database.id, table, key: encode(key), baseVersion: found.hash, label: kitLabel('delete', table) });
            },
          };
        },
      };
    },
    blobs(name) {
      return {
        async list() {
          // Page by page: one listing message stays bounded however many blobs there are.
          const database = (await findDatabase(name)).id;
          const all: BlobInfo[] = [];
          for (let total = Infinity; all.length < total; ) {
            const page = await request(Command.blobList, { database, offset: all.length });
            total = page.total;
            if (page.blobs.length === 0) break;
            all.push(...page.blobs);
          }
          return all;
        },
        async read(id: string) {
          const database = await findDatabase(name);
          const parts: Uint8Array[] = [];
          for (let offset = 0, size = Infinity; offset < size; ) {
            const chunk = await request(Command.blobRead, { database: database.id, id, offset, length: 1 << 20 });
            const bytes = Uint8Array.from(Buffer.from(chunk.bytes, 'base64'));
            parts.push(bytes);
            size = chunk.size;
            offset += bytes.length;
            if (bytes.length === 0) break;
          }
          return Uint8Array.from(Buffer.concat(parts));
        },
      };
    },
    async waitFor(predicate, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeout ?? timeout);
      for (;;) {
        const current = await snapshot();
        if (predicate(current)) return current;
        if (Date.now() > deadline) throw new StratumError('timeout', `waitFor: the condition did not hold within ${waitOptions.timeout ?? timeout} ms.`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    ...simulateApi(request, snapshot, (code, message) => new StratumError(code, message)),
    request,
    close,
  };
}

export type { KitEvent };
