/**
 * Rows for the server engines (issue 19): stratumjs/db through the Postgres or Redis provider
 * against the raw client with hand-written storage (the limit: rows as JSON text, one round
 * trip per batch), then `transact` throughput from 3 processes. Each run uses a schema / key
 * prefix of its own, removed at the end.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';
import pg from 'pg';
import { Redis } from 'ioredis';
import { openDatabase, type Database } from '../../runtime/db/index.js';
import { postgres } from '../../runtime/db/postgres.js';
import { redis } from '../../runtime/db/redis.js';
import { bench, sink } from '../harness.js';
import { random, record } from '../pages/data.js';

type Row = ReturnType<typeof record> & { n: number };
export type Engine = 'postgres' | 'redis';

const PG_URL = process.env.STRATUM_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.STRATUM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BULK = 10_000;
const TOTAL = 100_000;
const PAGE = 100;
/** Increments per process in the transact row. */
const INCREMENTS = 300;

function makeRows(count: number, seed: number): Row[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, id) => ({ ...record(id, next), n: (id * 7919) % count }));
}

interface Contender {
  clear(): Promise<void>;
  bulkPut(rows: Row[]): Promise<unknown>;
  query(from: number): Promise<unknown[]>;
  count(): Promise<number>;
  close(): unknown;
}

async function stratum(engine: Engine, namespace: string, name: string): Promise<Contender> {
  const provider = engine === 'postgres' ? postgres({ url: PG_URL, schema: namespace }) : redis({ url: REDIS_URL }, { prefix: `${namespace}:` });
  const db: Database = await openDatabase(name, { version: 1, tables: { rows: { key: 'id', indexes: { n: 'n' } } }, provider });
  const table = db.table('rows');
  return {
    clear: () => table.clear(),
    bulkPut: (rows) => table.bulkPut(rows),
    query: (from) => table.query({ index: 'n', range: { gte: from, lt: from + 10 * PAGE }, limit: PAGE }),
    count: () => table.count(),
    close: () => db.close(),
  };
}

async function rawPostgres(namespace: string, name: string): Promise<Contender> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const t = `"${namespace}"."raw_${name}"`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${namespace}"`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t} (id int PRIMARY KEY, n int NOT NULL, data text NOT NULL)`);
  await pool.query(`CREATE INDEX IF NOT EXISTS "raw_${name}_n" ON ${t} (n, id)`);
  return {
    clear: async () => void (await pool.query(`DELETE FROM ${t}`)),
    bulkPut: (rows) =>
      pool.query(`INSERT INTO ${t} (id, n, data) SELECT * FROM unnest($1::int[], $2::int[], $3::text[]) ON CONFLICT (id) DO UPDATE SET n = excluded.n, data = excluded.data`, [
        rows.map((row) => row.id),
        rows.map((row) => row.n),
        rows.map((row) => JSON.stringify(row)),
      ]),
    query: async (from) => (await pool.query<{ data: string }>(`SELECT data FROM ${t} WHERE n >= $1 AND n < $2 ORDER BY n, id LIMIT $3`, [from, from + 10 * PAGE, PAGE])).rows.map((row) => JSON.parse(row.data) as unknown),
    count: async () => Number((await pool.query<{ c: string }>(`SELECT count(*) AS c FROM ${t}`)).rows[0]?.c),
    close: () => pool.end(),
  };
}

async function rawRedis(namespace: string, name: string): Promise<Contender> {
  const client = new Redis(REDIS_URL);
  const rows = `${namespace}:raw:${name}:rows`;
  const byN = `${namespace}:raw:${name}:n`;
  return {
    clear: async () => void (await client.del(rows, byN)),
    async bulkPut(list) {
      const multi = client.multi();
      for (const row of list) multi.hset(rows, String(row.id), JSON.stringify(row)).zadd(byN, row.n, String(row.id));
      await multi.exec();
    },
    async query(from) {
      const ids = await client.zrangebyscore(byN, from, `(${from + 10 * PAGE}`, 'LIMIT', 0, PAGE);
      return ids.length ? (await client.hmget(rows, ...ids)).map((text) => JSON.parse(text as string) as unknown) : [];
    },
    count: () => client.hlen(rows),
    close: () => client.disconnect(),
  };
}

/** Runs the three worker processes; resolves to the slowest one's milliseconds. */
async function threeProcesses(script: string, engine: Engine, variant: string, namespace: string): Promise<number> {
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [script, engine, variant, namespace, String(INCREMENTS)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out.trim().split('\n').pop() as string) as { ms: number }).ms) : reject(new Error(`transact worker exited with ${String(code)}`))));
    });
  return Math.max(...(await Promise.all([one(), one(), one()])));
}

export function serverSuite(engine: Engine): void {
  const namespace = `stratum_bench_${process.pid}`;
  const bulkRows = makeRows(BULK, 3);
  const allRows = makeRows(TOTAL, 4);
  const makers: Record<string, (name: string) => Promise<Contender>> = {
    stratum: (name) => stratum(engine, namespace, name),
    [engine === 'postgres' ? 'pg' : 'ioredis']: (name) => (engine === 'postgres' ? rawPostgres(namespace, name) : rawRedis(namespace, name)),
  };
  const opened = new Map<string, Promise<Contender>>();
  const contender = (name: string, purpose: 'bulk' | 'read'): Promise<Contender> => {
    const key = `${name}-${purpose}`;
    let found = opened.get(key);
    if (!found) {
      found = (async () => {
        const made = await (makers[name] as (name: string) => Promise<Contender>)(purpose);
        if (purpose === 'read') {
          await made.clear();
          for (let at = 0; at < TOTAL; at += BULK) await made.bulkPut(allRows.slice(at, at + BULK));
          const count = await made.count();
          if (count !== TOTAL) throw new Error(`${name} holds ${count} rows after filling ${TOTAL}`);
        }
        return made;
      })();
      opened.set(key, found);
    }
    return found;
  };
  const variants = (make: (name: string) => Parameters<typeof bench>[1]['variants'][string]) => Object.fromEntries(Object.keys(makers).map((name) => [name, make(name)]));

  bench(`${engine}.bulkPut`, {
    variants: variants((name) => {
      let db: Contender;
      return { setup: async () => void (db = await contender(name, 'bulk')), before: () => db.clear(), run: () => db.bulkPut(bulkRows) };
    }),
  });
  bench(`${engine}.query`, {
    variants: variants((name) => {
      let db: Contender;
      const next = random(5);
      return {
        setup: async () => void (db = await contender(name, 'read')),
        async run(n) {
          for (let i = 0; i < n; i++) {
            const rows = await db.query(Math.floor(next() * (TOTAL - 10 * PAGE)));
            if (rows.length !== PAGE) throw new Error(`${name} returned ${rows.length} rows, not ${PAGE}`);
            sink.value = rows;
          }
        },
      };
    }),
  });
  bench(`${engine}.count`, {
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
  let worker = '';
  bench(`${engine}.transact`, {
    setup: async () => {
      worker = path.join(path.dirname(new URL(import.meta.url).pathname), `servers-worker-${process.pid}.mjs`);
      const source = path.join(process.cwd(), 'bench/node/servers-worker.ts');
      await esbuild.build({ entryPoints: [source], outfile: worker, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
      if (engine === 'postgres') {
        // The raw peer's counter table, made once here: three workers each running CREATE TABLE
        // IF NOT EXISTS at the same moment race in PostgreSQL's catalog (23505 on pg_type), which
        // stopped this row in one run of issue 18's fifth pass.
        const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
        try {
          await pool.query(`CREATE SCHEMA IF NOT EXISTS "${namespace}"`);
          await pool.query(`CREATE TABLE IF NOT EXISTS "${namespace}".counter (id int PRIMARY KEY, n int NOT NULL)`);
        } finally {
          await pool.end();
        }
      }
    },
    variants: variants((name) => ({ timed: () => threeProcesses(worker, engine, name === 'stratum' ? 'stratum' : 'raw', namespace) })),
  });

  // The bench process ends without a hook that could await: each run removes what runs whose
  // process is gone left behind (its own at the start of the next run).
  removeLeftovers(engine).catch((error: unknown) => console.warn(`bench: could not remove earlier runs' ${engine} data: ${String(error)}`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeLeftovers(engine: Engine): Promise<void> {
  const gone = (name: string): boolean => !alive(Number(/^stratum_bench_(\d+)/.exec(name)?.[1] ?? process.pid));
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'stratum\\_bench\\_%'");
    for (const { nspname } of rows) if (gone(nspname)) await client.query(`DROP SCHEMA "${nspname}" CASCADE`);
    await client.end();
  } else {
    const client = new Redis(REDIS_URL);
    const keys = (await client.keys('stratum_bench_*')).filter(gone);
    if (keys.length) await client.unlink(...keys);
    client.disconnect();
  }
}
