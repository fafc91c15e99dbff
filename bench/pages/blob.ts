/**
 * Row 4: a 10 MB blob into IndexedDB and back, against idb storing the Blob in an object store.
 * `get` reads the bytes too: a Blob handle alone costs nothing until someone reads it, and the
 * panel's preview and the app both read it.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { openDatabase, type Database } from '../../runtime/db/index.js';
import { bench, sink, type Variant } from '../harness.js';
import { random } from './data.js';

const SIZE = 10 * 1024 * 1024;

function makeBlob(): Blob {
  const bytes = new Uint8Array(SIZE);
  const next = random(6);
  // Random bytes, so no layer on the way can store them compressed.
  for (let i = 0; i < SIZE; i += 4) new DataView(bytes.buffer).setUint32(i, next() * 2 ** 32);
  return new Blob([bytes], { type: 'application/octet-stream' });
}

const blob = makeBlob();

async function fresh(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

async function readAll(found: Blob | undefined): Promise<void> {
  if (!found) throw new Error('the blob was not found');
  const bytes = await found.arrayBuffer();
  if (bytes.byteLength !== SIZE) throw new Error(`read ${bytes.byteLength} bytes, not ${SIZE}`);
  sink.value = bytes;
}

interface Contender {
  put(): Promise<void>;
  /** Leaves the store empty, so every put writes a new blob rather than replacing one. */
  empty(): Promise<void>;
  get(): Promise<Blob | undefined>;
}

async function stratum(name: string): Promise<Contender> {
  await fresh(name);
  const db: Database = await openDatabase(name, { version: 1, tables: {}, blobs: true });
  let id = await db.blobs.put(blob);
  return {
    async put() {
      id = await db.blobs.put(blob);
    },
    async empty() {
      for (const info of await db.blobs.list()) await db.blobs.delete(info.id);
    },
    get: () => db.blobs.get(id),
  };
}

async function idb(name: string): Promise<Contender> {
  await fresh(name);
  const db: IDBPDatabase = await openDB(name, 1, {
    upgrade(database) {
      database.createObjectStore('blobs');
    },
  });
  await db.put('blobs', blob, 'blob');
  return {
    put: async () => void (await db.put('blobs', blob, 'blob')),
    empty: () => db.clear('blobs'),
    get: () => db.get('blobs', 'blob') as Promise<Blob | undefined>,
  };
}

const CONTENDERS: Record<string, (name: string) => Promise<Contender>> = { stratum, idb };

/** One database per contender for both cases: opening it twice would block its deletion. */
const opened = new Map<string, Promise<Contender>>();

function variants(make: (open: () => Promise<Contender>) => Variant): Record<string, Variant> {
  return Object.fromEntries(
    Object.entries(CONTENDERS).map(([name, open]) => {
      const once = () => {
        let made = opened.get(name);
        if (!made) opened.set(name, (made = open(`bench-blob-${name}`)));
        return made;
      };
      return [name, make(once)];
    }),
  );
}

bench('blob.put', {
  variants: variants((open) => ({
    setup: open,
    before: async () => (await open()).empty(),
    run: async () => (await open()).put(),
  })),
});

bench('blob.get', {
  variants: variants((open) => ({
    async setup() {
      const db = await open();
      await db.empty();
      await db.put();
    },
    async run(n) {
      const db = await open();
      for (let i = 0; i < n; i++) await readAll(await db.get());
    },
  })),
});
