/**
 * A small app for snapshot tests: a store with global, client and component states (one holding
 * a File), two webstorage namespaces, and a database with two tables, indexes, the Cache layout
 * and blobs. `app()` builds one "page"; call it again for a fresh page with the same code.
 */
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase } from '../../runtime/db/database.js';
import { indexeddb } from '../../runtime/db/providers/indexeddb.js';
import { memory } from '../../runtime/db/providers/memory.js';
import type { Database, Provider } from '../../runtime/db/index.js';
import { Scopes } from '../../runtime/store/scopes.js';
import { Store } from '../../runtime/store/store.js';
import { webstorage } from '../../runtime/webstorage/index.js';
import type { Targets } from '../../runtime/devtools/snapshot/export.js';

export type ProviderName = 'memory' | 'indexeddb';

export interface Page {
  store: Store;
  local: ReturnType<typeof webstorage>;
  session: ReturnType<typeof webstorage>;
  db: Database;
  targets: Targets;
}

/** Deterministic bytes (a different pattern per seed). */
export function bytes(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export function provider(name: ProviderName): Provider {
  if (name === 'memory') return memory();
  // A new factory is a fresh browser profile: no database of an earlier page is in it.
  globalThis.indexedDB = new IDBFactory();
  return indexeddb();
}

export const SCHEMA = {
  products: { key: 'sku', indexes: { byPrice: 'price', byTag: { path: 'tags', multiEntry: true } } },
  orders: { key: 'id', autoIncrement: true },
} as const;

/** One page of the app, empty: states at their initial values, no keys, no rows. */
export async function app(name: ProviderName, options: { clientId?: string; dbName?: string; tables?: object } = {}): Promise<Page> {
  const store = new Store({ name: 'app', clientId: options.clientId ?? 'tab-1', userId: 'ada' });
  store.createState({ theme: 'light' } as Record<string, unknown>, { key: 'prefs', scope: 'settings' });
  store.createState('', { key: 'draft', scope: Scopes.Client });
  store.createState(false, { key: 'open', component: 'header' });
  store.createState(null as File | null, { key: 'avatar', scope: Scopes.User });
  const local = webstorage('local', { namespace: 'shop' });
  const session = webstorage('session', { namespace: 'ui' });
  const db = await openDatabase(options.dbName ?? 'shop', {
    version: 2,
    tables: (options.tables ?? SCHEMA) as typeof SCHEMA,
    cache: true,
    blobs: true,
    provider: provider(name),
  });
  return { store, local, session, db, targets: { stores: [store], webstorages: [local, session], databases: [db] } };
}

/** Fills a page with data of every kind, blobs of `blobSize` bytes included. */
export async function fill(page: Page, blobSize = 3 * 1024 * 1024): Promise<void> {
  const { store, local, session, db } = page;
  store.getState<Record<string, unknown>>({ key: 'prefs', scope: 'settings' })!.set({
    theme: 'dark',
    since: new Date(5),
    tags: new Set(['a', 'b']),
    limits: new Map([['cart', 10]]),
    big: 2n ** 70n,
    ratio: -0,
  });
  store.getState<string>({ key: 'draft', scope: Scopes.Client })!.set('hello');
  store.getState<boolean>({ key: 'open', component: 'header' })!.set(true);
  store.getState<File | null>({ key: 'avatar', scope: Scopes.User })!.set(new File([bytes(1000, 3)], 'me.png', { type: 'image/png', lastModified: 1234 }));
  local.set('cart', [{ sku: 'p1', n: 2 }]);
  local.set('token', 'secret-1');
  session.set('tab', 'orders');
  await db.table('products').bulkPut([
    { sku: 'p1', price: 10, tags: ['red', 'big'], added: new Date(1) },
    { sku: 'p2', price: 25, tags: ['blue'], manual: new Blob([bytes(64, 9)], { type: 'application/pdf' }) },
    { sku: 'p3', price: 7, tags: [] },
  ]);
  await db.table('orders').add({ items: ['p1'], total: 20 });
  await db.table('orders').add({ items: ['p2', 'p3'], total: 32 });
  await db.cache.set('rates', { eur: 1.1 });
  await db.cache.set('session', 'abc', { ttl: 60_000 });
  await db.blobs.put(new Blob([bytes(blobSize)], { type: 'application/octet-stream' }), { name: 'big.bin', meta: { source: 'test' } });
  await db.blobs.put(new File([bytes(10, 5)], 'note.txt', { type: 'text/plain', lastModified: 99 }));
}
