/**
 * How the Postgres and Redis providers' drivers were chosen (issue 19): the operations the
 * providers issue — one round trip at a time inside a transaction, a 1,000-row write
 * transaction, binary keys — timed on each candidate against the local servers.
 * Run: node bench/node/clients.mjs (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379).
 */
import pg from 'pg';
import postgres from 'postgres';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';

const PG_URL = process.env.STRATUM_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const REDIS_URL = process.env.STRATUM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = 3;

async function time(fn) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  return Math.min(...runs).toFixed(1);
}

const key = (i) => Buffer.from([0x10, i >> 8, i & 0xff, 0]);

async function benchPg() {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  await pool.query('CREATE TABLE IF NOT EXISTS stratum_bench_drivers (k bytea PRIMARY KEY, v text)');
  const c = await pool.connect();
  const out = {
    roundTrips: await time(async () => {
      for (let i = 0; i < 2000; i++) await c.query('SELECT v FROM stratum_bench_drivers WHERE k = $1', [key(i)]);
    }),
    writeTx: await time(async () => {
      await c.query('BEGIN');
      for (let i = 0; i < 1000; i++) await c.query('INSERT INTO stratum_bench_drivers (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v', [key(i), 'x'.repeat(100)]);
      await c.query('COMMIT');
    }),
  };
  await c.query('DROP TABLE stratum_bench_drivers');
  c.release();
  await pool.end();
  return out;
}

async function benchPostgres() {
  const sql = postgres(PG_URL, { max: 4, onnotice: () => undefined });
  await sql`CREATE TABLE IF NOT EXISTS stratum_bench_drivers (k bytea PRIMARY KEY, v text)`;
  const c = await sql.reserve();
  const out = {
    roundTrips: await time(async () => {
      for (let i = 0; i < 2000; i++) await c`SELECT v FROM stratum_bench_drivers WHERE k = ${key(i)}`;
    }),
    writeTx: await time(async () => {
      await c`BEGIN`;
      for (let i = 0; i < 1000; i++) await c`INSERT INTO stratum_bench_drivers (k, v) VALUES (${key(i)}, ${'x'.repeat(100)}) ON CONFLICT (k) DO UPDATE SET v = excluded.v`;
      await c`COMMIT`;
    }),
  };
  await c`DROP TABLE stratum_bench_drivers`;
  c.release();
  await sql.end();
  return out;
}

async function benchIoredis() {
  const r = new IORedis(REDIS_URL);
  const z = 'stratum-bench-drivers:z';
  const out = {
    roundTrips: await time(async () => {
      for (let i = 0; i < 2000; i++) await r.hgetBuffer('stratum-bench-drivers:h', key(i));
    }),
    writeTx: await time(async () => {
      for (let i = 0; i < 1000; i++) {
        await r.hset('stratum-bench-drivers:h', key(i), 'x'.repeat(100));
        await r.zadd(z, 0, key(i));
      }
    }),
    rangeByLex: await time(async () => {
      for (let i = 0; i < 500; i++) await r.zrangebylexBuffer(z, Buffer.concat([Buffer.from('['), key(i)]), '+', 'LIMIT', 0, 100);
    }),
  };
  await r.del(z, 'stratum-bench-drivers:h');
  r.disconnect();
  return out;
}

async function benchNodeRedis() {
  const r = await createClient({ url: REDIS_URL }).connect();
  const binary = r.withTypeMapping({ [36]: Buffer });
  const z = 'stratum-bench-drivers:z';
  const out = {
    roundTrips: await time(async () => {
      for (let i = 0; i < 2000; i++) await binary.hGet('stratum-bench-drivers:h', key(i));
    }),
    writeTx: await time(async () => {
      for (let i = 0; i < 1000; i++) {
        await r.hSet('stratum-bench-drivers:h', key(i), 'x'.repeat(100));
        await r.zAdd(z, { score: 0, value: key(i) });
      }
    }),
    rangeByLex: await time(async () => {
      for (let i = 0; i < 500; i++) await binary.zRangeByLex(z, Buffer.concat([Buffer.from('['), key(i)]), '+', { LIMIT: { offset: 0, count: 100 } });
    }),
  };
  await r.del([z, 'stratum-bench-drivers:h']);
  await r.quit();
  return out;
}

const rows = {
  'pg (2,000 reads; 1,000-write tx)': await benchPg(),
  'postgres (same)': await benchPostgres(),
  'ioredis (2,000 HGET; 2,000 writes; 500 ZRANGEBYLEX)': await benchIoredis(),
  'redis (same)': await benchNodeRedis(),
};
for (const [name, figures] of Object.entries(rows)) console.log(name.padEnd(56), JSON.stringify(figures), 'ms (best of 3)');
