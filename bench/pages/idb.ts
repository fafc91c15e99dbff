/**
 * Row 3: IndexedDB. Each contender has a database of its own, opened and filled through its own
 * API (untimed), with the same rows and the same index on `n`. bulkPut writes 10,000 rows into
 * an emptied table; query reads 100 rows by index from 100,000; count counts them.
 */
import Dexie, { type Table as DexieTable } from 'dexie';
import { openDB, type IDBPDatabase } from 'idb';
import { openDatabase, type Database } from '../../runtime/db/index.js';
import { bench, sink, type Variant } from '../harness.js';
import { random, record } from './data.js';

type Row = ReturnType<typeof record> & { n: number };

const BULK = 10_000;
const TOTAL = 100_000;
const PAGE = 100;

/** Rows whose `n` is a permutation of 0..count-1, so a range of n holds a known number of rows. */
function makeRows(count: number, seed: number): Row[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, id) => ({ ...record(id, next), n: (id * 7919) % count }));
}

const bulkRows = makeRows(BULK, 3);
const allRows = makeRows(TOTAL, 4);

/** The same sequence of query starts for every contender. */
function starts(): () => number {
  const next = random(5);
  return () => Math.floor(next() * (TOTAL - 10 * PAGE));
}

// Dexie turns on long async stack traces when served from localhost or 127.0.0.1 (Dexie.debug);
// an app in production runs without them, so the bench does too.
Dexie.debug = false;

async function fresh(name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

interface Contender {
  open(name: string): Promise<void>;
  clear(): Promise<void>;
  bulkPut(rows: Row[]): Promise<unknown>;
  query(from: number): Promise<unknown[]>;
  count(): Promise<number>;
}

function stratum(): Contender {
  let db: Database | undefined;
  const table = () => db!.table('rows');
  return {
    async open(name) {
      db = await openDatabase(name, { version: 1, tables: { rows: { key: 'id', indexes: { n: 'n' } } } });
    },
    clear: () => table().clear(),
    bulkPut: (rows) => table().bulkPut(rows),
    query: (from) => table().query({ index: 'n', range: { gte: from, lt: from + 10 * PAGE }, limit: PAGE }),
    count: () => table().count(),
  };
}

function idb(): Contender {
  let db: IDBPDatabase | undefined;
  return {
    async open(name) {
      db = await openDB(name, 1, {
        upgrade(database) {
          database.createObjectStore('rows', { keyPath: 'id' }).createIndex('n', 'n');
        },
      });
    },
    clear: () => db!.clear('rows'),
    async bulkPut(rows) {
      const tx = db!.transaction('rows', 'readwrite');
      for (const row of rows) void tx.store.put(row);
      await tx.done;
    },
    query: (from) => db!.getAllFromIndex('rows', 'n', IDBKeyRange.bound(from, from + 10 * PAGE, false, true), PAGE),
    count: () => db!.count('rows'),
  };
}

function dexie(): Contender {
  let rows: DexieTable<Row, number> | undefined;
  return {
    async open(name) {
      const db = new Dexie(name);
      db.version(1).stores({ rows: 'id, n' });
      await db.open();
      rows = db.table('rows');
    },
    clear: () => rows!.clear(),
    bulkPut: (list) => rows!.bulkPut(list),
    query: (from) => rows!.where('n').between(from, from + 10 * PAGE).limit(PAGE).toArray(),
    count: () => rows!.count(),
  };
}

const CONTENDERS: Record<string, () => Contender> = { stratum, idb, dexie };

/** One database per contender and purpose, filled once (100,000 rows: a few seconds each). */
const opened = new Map<string, Promise<Contender>>();
function contender(name: string, purpose: 'bulk' | 'read'): Promise<Contender> {
  const key = `${name}-${purpose}`;
  let found = opened.get(key);
  if (!found) {
    found = (async () => {
      const made = CONTENDERS[name]!();
      await fresh(`bench-${key}`);
      await made.open(`bench-${key}`);
      if (purpose === 'read') {
        for (let at = 0; at < TOTAL; at += BULK) await made.bulkPut(allRows.slice(at, at + BULK));
        const count = await made.count();
        if (count !== TOTAL) throw new Error(`${name} holds ${count} rows after filling ${TOTAL}`);
      }
      return made;
    })();
    opened.set(key, found);
  }
  return found;
}

function variants(make: (name: string) => Variant): Record<string, Variant> {
  return Object.fromEntries(Object.keys(CONTENDERS).map((name) => [name, make(name)]));
}

bench('idb.bulkPut', {
  variants: variants((name) => {
    let db: Contender;
    return {
      setup: async () => void (db = await contender(name, 'bulk')),
      before: () => db.clear(),
      run: () => db.bulkPut(bulkRows),
    };
  }),
});

bench('idb.query', {
  variants: variants((name) => {
    let db: Contender;
    const next = starts();
    return {
      setup: async () => void (db = await contender(name, 'read')),
      async run(n) {
        for (let i = 0; i < n; i++) {
          const rows = await db.query(next());
          if (rows.length !== PAGE) throw new Error(`${name} returned ${rows.length} rows, not ${PAGE}`);
          sink.value = rows;
        }
      },
    };
  }),
});

bench('idb.count', {
  variants: variants((name) => {
    let db: Contender;
    return {
      setup: async () => void (db = await contender(name, 'read')),
      async run(n) {
        for (let i = 0; i < n; i++) sink.value = await db.count();
      },
    };
  }),
});
