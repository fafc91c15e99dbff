/** The two server engines as the multi-process tests open them: one namespace per test run. */
import type { Provider } from '../../runtime/db/index.js';
import { postgres } from '../../runtime/db/postgres.js';
import { redis } from '../../runtime/db/redis.js';
import { PG_URL, REDIS_URL } from '../../runtime/db/contract/services.js';

export type Engine = 'postgres' | 'redis';

/** `namespace` is the Postgres schema, or the Redis key prefix (without its colon). */
export function open(engine: Engine, namespace: string, url?: string, lockTtl?: number): Provider {
  return engine === 'postgres'
    ? postgres({ url: url ?? PG_URL, schema: namespace })
    : redis({ url: url ?? REDIS_URL }, { prefix: `${namespace}:`, ...(lockTtl !== undefined && { lockTtl }) });
}
