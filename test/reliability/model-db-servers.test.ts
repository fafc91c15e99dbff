/**
 * The database model of support/db-model.ts on the server providers: PostgreSQL and Redis, each
 * against the reference model (and so against memory, IndexedDB and libSQL, which
 * model-db.test.ts holds to the same model). Each file run works in a schema and a key prefix of
 * its own, removed at the end; a server that is down skips its part with the reason
 * (services.ts; STRATUM_REQUIRE_SERVICES=1 fails instead). Fewer runs than the in-process
 * providers: every operation is a round trip.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { postgres } from '../../runtime/db/postgres.js';
import { redis } from '../../runtime/db/redis.js';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, PG_URL, REDIS_URL, runName } from '../../runtime/db/contract/services.js';
import { commands, emptyModel, openAll, sameEverywhere, type Target } from './support/db-model.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-db-servers');
afterAll(() => ledger.save());
const RUNS = SOAK ? 3_000 : 250;

const schema = runName();
const prefix = `${runName()}:`;
const withPostgres = await hasPostgres();
const withRedis = await hasRedis();
afterAll(async () => {
  if (withPostgres) await dropSchema(schema);
  if (withRedis) await dropPrefix(prefix);
});

describe('server database providers against their model', () => {
  it.skipIf(!withPostgres && !withRedis)('PostgreSQL and Redis answer every operation exactly as the model does', async () => {
    const row = ledger.open(
      'Data integrity',
      'db model on the servers (fast-check commands): the in-process model (numeric rows, keys of every type with rich values, the Cache layout on a moving clock) on PostgreSQL and Redis, against the same reference model',
    );
    let runs = 0;
    let steps = 0;
    const pg = withPostgres ? postgres({ url: PG_URL, schema }) : undefined;
    const rd = withRedis ? redis({ url: REDIS_URL }, { prefix }) : undefined;
    await fc.assert(
      fc.asyncProperty(commands(SOAK ? 40 : 8), async (cmds) => {
        runs++;
        steps += [...cmds].length;
        const clock = { now: 1_000 };
        const targets: Target[] = [...(pg ? [{ label: 'postgres', provider: pg }] : []), ...(rd ? [{ label: 'redis', provider: rd }] : [])];
        const dbs = await openAll(targets, clock);
        try {
          await fc.asyncModelRun(() => ({ model: emptyModel(), real: { dbs, clock } }), cmds);
          await sameEverywhere(dbs);
        } finally {
          // Deleted, so the schema and the prefix hold one run's rows at a time.
          await Promise.all(dbs.map(({ db }) => db.delete()));
        }
      }),
      { numRuns: RUNS },
    );
    row.done({ times: runs, lost: [], figures: `${steps.toLocaleString('en-US')} operations × ${[pg, rd].filter(Boolean).length} providers` });
  }, SOAK ? 3_600_000 : 300_000);
});
