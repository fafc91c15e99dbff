/**
 * Row 3 on a server: stratumjs/db through the libSQL provider against @libsql/client with
 * hand-written SQL (the limit: rows as JSON text, one batch per bulk write). Both use a file
 * database in the temp folder, filled untimed, deleted at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { openDatabase, type Database } from '../../runtime/db/index.js';
import { libsql } from '../../runtime/db/libsql.js';
import { bench, sink, type Variant } from '../harness.js';
import { random, record } from '../pages/data.js';

type Row = ReturnType<typeof record> & { n: number };

const BULK = 10_000;
const TOTAL = 100_000;
const PAGE = 100;

function makeRows(count: number, seed: number): Row[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, id) => ({ ...record(id, next), n: (id * 7919) % count }));
}

const bulkRows = makeRows(BULK, 3);
const allRows = makeRows(TOTAL, 4);
const folder = mkdtempSync(path.join(tmpdir(), 'stratum-bench-sqlite-'));

function starts(): () => number {
  const next = random(5);
  return () => Math.floor(next() * (TOTAL - 10 * PAGE));
}

interface Contender {
  clear(): Promise<void>;
  bulkPut(rows: Row[]): Promise<unknown>;
  query(from: number): Promise<unknown[]>;
  count(): Promise<number>;
  close(): void;
}

async function stratum(file: string): Promise<Contender> {
  const db: Database = await openDatabase('bench', {
    version: 1,
    tables: { rows: { key: 'id', indexes: { n: 'n' } } },
    provider: libsql({ url: `file:${file}` }),
  });
  const table = db.table('rows');
  return {
    clear: () => table.clear(),
    bulkPut: (rows) => table.bulkPut(rows),
    query: (from) => table.query({ index: 'n', range: { gte: from, lt: from + 10 * PAGE }, limit: PAGE }),
    count: () => table.count(),
    close: () => db.close(),
  };
}

async function raw(file: string): Promise<Contender> {
  const client: Client = createClient({ url: `file:${file}` });
  await client.batch(['CREATE TABLE rows (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, data TEXT NOT NULL)', 'CREATE INDEX rows_n ON rows (n)'], 'write');
  return {
    clear: async () => void (await client.execute('DELETE FROM rows')),
    async bulkPut(rows) {
      await client.batch(
        rows.map((row) => ({ sql: 'INSERT OR REPLACE INTO rows (id, n, data) VALUES (?, ?, ?)', args: [row.id, row.n, JSON.stringify(row)] })),
        'write',
      );
    },
    async query(from) {
      const result = await client.execute({ sql: 'SELECT data FROM rows WHERE n >= ? AND n < ? ORDER BY n, id LIMIT ?', args: [from, from + 10 * PAGE, PAGE] });
      return result.rows.map((row) => JSON.parse(String(row.data)) as unknown);
    },
    async count() {
      const result = await client.execute('SELECT COUNT(*) AS count FROM rows');
      return Number(result.rows[0]?.count);
    },
    close: () => client.close(),
  };
}

const CONTENDERS: Record<string, (file: string) => Promise<Contender>> = { stratum, libsql: raw };

const opened = new Map<string, Promise<Contender>>();
function contender(name: string, purpose: 'bulk' | 'read'): Promise<Contender> {
  const key = `${name}-${purpose}`;
  let found = opened.get(key);
  if (!found) {
    found = (async () => {
      const made = await CONTENDERS[name]!(path.join(folder, `${key}.db`));
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

// The databases stay open across cases (query and count share one); the folder goes when the bench ends.
process.once('exit', () => rmSync(folder, { recursive: true, force: true }));

function variants(make: (name: string) => Variant): Record<string, Variant> {
  return Object.fromEntries(Object.keys(CONTENDERS).map((name) => [name, make(name)]));
}

bench('sqlite.bulkPut', {
  variants: variants((name) => {
    let db: Contender;
    return {
      setup: async () => void (db = await contender(name, 'bulk')),
      before: () => db.clear(),
      run: () => db.bulkPut(bulkRows),
    };
  }),
});

bench('sqlite.query', {
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

bench('sqlite.count', {
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
