/**
 * One of the three processes of the servers' transact row: <count> concurrent increments of
 * one counter, through stratumjs/db (`stratum`) or the raw client (`raw`: a row locked with
 * SELECT … FOR UPDATE on Postgres, INCR on Redis). Prints the milliseconds the increments took.
 *   node servers-worker.mjs <engine> <variant> <namespace> <count>
 */
import pg from 'pg';
import { Redis } from 'ioredis';
import { openDatabase } from '../../runtime/db/index.js';
import { postgres } from '../../runtime/db/postgres.js';
import { redis } from '../../runtime/db/redis.js';
import { Store } from '../../runtime/store/index.js';

const PG_URL = process.env.STRATUM_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.STRATUM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const [engine, variant, namespace, countText] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);

let increment: () => Promise<unknown>;
let close: () => unknown;
if (variant === 'stratum') {
  const provider = engine === 'postgres' ? postgres({ url: PG_URL, schema: namespace }) : redis({ url: REDIS_URL }, { prefix: `${namespace}:` });
  const db = await openDatabase('bench', { version: 1, tables: {}, cache: true, provider });
  const counter = new Store({ name: 'bench' }).createState(0, { key: 'counter', scope: 'shared', persist: { db } });
  await counter.ready;
  increment = () => counter.transact((n) => n + 1);
  close = () => db.close();
} else if (engine === 'postgres') {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
  // The table is made by the bench process before the workers start (servers.ts): concurrent
  // CREATE TABLE IF NOT EXISTS is not safe in PostgreSQL. The row is, with ON CONFLICT.
  await pool.query(`INSERT INTO "${namespace}".counter VALUES (1, 0) ON CONFLICT DO NOTHING`);
  increment = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ n: number }>(`SELECT n FROM "${namespace}".counter WHERE id = 1 FOR UPDATE`);
      await client.query(`UPDATE "${namespace}".counter SET n = $1 WHERE id = 1`, [(rows[0]?.n ?? 0) + 1]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };
  close = () => pool.end();
} else {
  const client = new Redis(REDIS_URL);
  increment = () => client.incr(`${namespace}:raw-counter`);
  close = () => client.disconnect();
}

const start = performance.now();
await Promise.all(Array.from({ length: count }, increment));
console.log(JSON.stringify({ ms: performance.now() - start }));
// No process.exit: closing lets the transactions under way (a read of another process's change)
// finish and release the database's lock. Exiting at once left it held until its TTL, and the
// next sample's processes waited 15 s for it (the row was "not available" in every run).
await close();
