/**
 * The servers the Postgres and Redis suites need. Where one is down the suites skip with a
 * printed reason; with STRATUM_REQUIRE_SERVICES=1 (CI) a missing server fails them instead.
 */
import pg from 'pg';
import { Redis } from 'ioredis';

export const PG_URL = process.env.STRATUM_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
export const REDIS_URL = process.env.STRATUM_REDIS_URL ?? 'redis://127.0.0.1:6379';

const required = process.env.STRATUM_REQUIRE_SERVICES === '1';

async function check(name: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    const reason = `${name} is not reachable (${error instanceof Error ? error.message : String(error)})`;
    if (required) throw new Error(`${reason}, and STRATUM_REQUIRE_SERVICES=1 requires it.`);
    console.warn(`[stratum] skipping the ${name} suites: ${reason}. Set STRATUM_PG_URL / STRATUM_REDIS_URL, or start the server.`);
    return false;
  }
}

let postgresUp: Promise<boolean> | undefined;
let redisUp: Promise<boolean> | undefined;

export function hasPostgres(): Promise<boolean> {
  postgresUp ??= check('PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.end();
  });
  return postgresUp;
}

export function hasRedis(): Promise<boolean> {
  redisUp ??= check('Redis', async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
  return redisUp;
}

/** A name no other test run uses: a schema or key prefix of this run's own. */
export function runName(): string {
  return `stratum_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops a schema a run created (with everything in it). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under a run's prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
