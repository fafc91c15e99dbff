/**
 * Model-based test (fast-check commands, support/db-model.ts) of the in-process database
 * providers: memory, IndexedDB (fake-indexeddb) and libSQL (:memory:) side by side. Numeric
 * rows, rows with keys of every type and rich values, and the Cache layout under a moving clock;
 * every provider must answer exactly what the reference model answers. The server providers run
 * the same model in model-db-servers.test.ts.
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { indexeddb } from '../../runtime/db/providers/indexeddb.js';
import { memory } from '../../runtime/db/providers/memory.js';
import { libsql } from '../../runtime/db/libsql.js';
import { commands, emptyModel, openAll, sameEverywhere } from './support/db-model.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-db');
afterAll(() => ledger.save());
const RUNS = SOAK ? 20_000 : 400;

describe('database providers against their model', () => {
  it('memory, IndexedDB and libSQL answer every operation exactly as the model does', async () => {
    const row = ledger.open(
      'Data integrity',
      'db model (fast-check commands): random puts (keys past 2^53 included), generated keys, adds, a unique index, deletes, clears, range and index queries, aborted transactions; number, string, Date and array keys with rich values (Maps, Sets, BigInts, typed arrays, -0, NaN, holes, null prototypes, Errors); the Cache layout with TTLs on a moving clock; on memory, IndexedDB and libSQL side by side, against a reference model',
    );
    let runs = 0;
    let steps = 0;
    const shared = libsql({ url: ':memory:' });
    await fc.assert(
      fc.asyncProperty(commands(SOAK ? 40 : 8), async (cmds) => {
        runs++;
        steps += [...cmds].length;
        globalThis.indexedDB = new IDBFactory();
        const clock = { now: 1_000 };
        const targets = [
          { label: 'memory', provider: memory() },
          { label: 'indexeddb', provider: indexeddb() },
          { label: 'libsql', provider: shared },
        ];
        const dbs = await openAll(targets, clock);
        try {
          await fc.asyncModelRun(() => ({ model: emptyModel(), real: { dbs, clock } }), cmds);
          await sameEverywhere(dbs);
        } finally {
          // Closed, not deleted: each run has databases of its own name (and a fresh IndexedDB factory).
          for (const { db } of dbs) db.close();
        }
      }),
      { numRuns: RUNS },
    );
    row.done({ times: runs, lost: [], figures: `${steps.toLocaleString('en-US')} operations × 3 providers` });
  }, SOAK ? 3_600_000 : 300_000);
});
