/**
 * Model-based test (fast-check commands) of writes that replace rows and their index entries,
 * run against every provider: bulkPuts (with keys repeated inside one call, and with rows the
 * key generator must key), single puts, deletes, a bulkPut that fails part-way and bulkPuts in a
 * transaction that then throws (rolled back: Redis by its undo log), interleaved
 * at random. The model is a Map per table; after every command each table's rows in key order,
 * its count, and the rows each index holds for each value are what the model says. Servers
 * write a bulkPut's rows in a few statements (PgRows.writeAll, issue 18); this holds those to
 * the row-by-row path's outcome.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../index.js';
import { contract } from './harness.js';

const RUNS = 40;
const NS = [0, 1, 2] as const;
const TAGS = ['a', 'b', 'c'] as const;

interface Item {
  k: number;
  n: number;
  tags: string[];
  text: string;
}

interface Counter {
  id?: number;
  n: number;
}

interface Model {
  items: Map<number, Item>;
  counters: Map<number, Counter>;
  /** The counters' key generator: what the next row without an id gets. */
  next: number;
}

interface Real {
  db: Database;
}

const item = fc.record({
  k: fc.integer({ min: 0, max: 7 }),
  n: fc.constantFrom(...NS),
  tags: fc.array(fc.constantFrom(...TAGS), { maxLength: 3 }),
  text: fc.string({ maxLength: 6 }),
});
// A row the generator keys has no `id` at all (IndexedDB refuses an `id` that is undefined).
const counter = fc.record({ id: fc.integer({ min: 1, max: 12 }), n: fc.constantFrom(...NS) }, { requiredKeys: ['n'] });

/**
 * In fake-indexeddb an aborted transaction keeps the generator where an explicit key moved it
 * (IndexedDB reverts every change of an aborted transaction, the key generator's included; its
 * generated keys are reverted there too): its aborted bulkPuts leave the key to the generator.
 */
const generated = fc.record({ n: fc.constantFrom(...NS) });

class BulkPutItems implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rows: Item[]) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const keys = await real.db.table('items').bulkPut(this.rows);
    expect(keys).toEqual(this.rows.map((row) => row.k));
    for (const row of this.rows) model.items.set(row.k, row);
  }
  toString = () => `bulkPut(items, ${JSON.stringify(this.rows)})`;
}

class PutItem implements fc.AsyncCommand<Model, Real> {
  constructor(readonly row: Item) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    expect(await real.db.table('items').put(this.row)).toBe(this.row.k);
    model.items.set(this.row.k, this.row);
  }
  toString = () => `put(items, ${JSON.stringify(this.row)})`;
}

class DeleteItem implements fc.AsyncCommand<Model, Real> {
  constructor(readonly k: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.db.table('items').delete(this.k);
    model.items.delete(this.k);
  }
  toString = () => `delete(items, ${this.k})`;
}

/** A bulkPut whose row `at` has no key: it fails in words and leaves every table as it was. */
class FailingBulkPut implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly rows: Item[],
    readonly at: number,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    const rows: unknown[] = [...this.rows];
    rows.splice(Math.min(this.at, rows.length), 0, { n: 1, tags: [] });
    await expect(real.db.table('items').bulkPut(rows)).rejects.toMatchObject({ name: 'DataError' });
  }
  toString = () => `failing bulkPut(items, ${JSON.stringify(this.rows)}, keyless at ${this.at})`;
}

/** bulkPuts and a delete in one transaction that then throws: every table is left as it was. */
class AbortedBulkPut implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly rows: Item[],
    readonly counters: Counter[],
    readonly k: number,
  ) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    const stop = new Error('stop');
    const outcome = real.db.transaction(['items', 'counters'], 'readwrite', async (tx) => {
      await tx.table('items').bulkPut(this.rows);
      await tx.table('counters').bulkPut(this.counters.map((row) => ({ ...row })));
      await tx.table('items').delete(this.k);
      await tx.table('items').bulkPut(this.rows.slice(0, 2));
      throw stop;
    });
    await expect(outcome).rejects.toBe(stop);
  }
  toString = () => `aborted(bulkPut(items, ${JSON.stringify(this.rows)}), bulkPut(counters, ${JSON.stringify(this.counters)}), delete(items, ${this.k}))`;
}

class BulkPutCounters implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rows: Counter[]) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const keys = await real.db.table('counters').bulkPut(this.rows.map((row) => ({ ...row })));
    const expected: number[] = [];
    for (const row of this.rows) {
      const id = row.id ?? model.next;
      model.next = Math.max(model.next, Math.floor(id) + 1);
      expected.push(id);
      model.counters.set(id, { ...row, id });
    }
    expect(keys).toEqual(expected);
  }
  toString = () => `bulkPut(counters, ${JSON.stringify(this.rows)})`;
}

async function expectTables(model: Model, db: Database): Promise<void> {
  const items = [...model.items.values()].sort((a, b) => a.k - b.k);
  expect(await db.table('items').query()).toEqual(items);
  expect(await db.table('items').count()).toBe(items.length);
  for (const n of NS) {
    expect(await db.table('items').query({ index: 'byN', range: { gte: n, lte: n } })).toEqual(items.filter((row) => row.n === n));
  }
  for (const tag of TAGS) {
    expect(await db.table('items').query({ index: 'byTag', range: { gte: tag, lte: tag } })).toEqual(items.filter((row) => row.tags.includes(tag)));
  }
  const counters = [...model.counters.values()].sort((a, b) => a.id! - b.id!);
  expect(await db.table('counters').query()).toEqual(counters);
  for (const n of NS) {
    expect(await db.table('counters').query({ index: 'byN', range: { gte: n, lte: n } })).toEqual(counters.filter((row) => row.n === n));
  }
}

/** The model's rows after `writes` in order: the last write of each key. */
function lastOf(writes: Item[]): Item[] {
  return [...new Map(writes.map((row) => [row.k, row])).values()].sort((a, b) => a.k - b.k);
}

contract((t, c) => {
  describe(`${t.label}: bulkPut against a model`, () => {
    // A server store writes 1,000 rows or 16 MB of encoded text per chunk: keys repeated within a
    // chunk and across chunks, by row count and by size.
    it.each([
      ['2,600 rows over 1,000 keys', 2_600, 1_000, 8],
      ['24 rows of 1 MB over 10 keys', 24, 10, 1_000_000],
    ])('a bulkPut of %s leaves each key its last row and index entries', { timeout: 120_000 }, async (_what, count, distinct, length) => {
      const db = await c.open({ tables: { items: { key: 'k', indexes: { byN: 'n', byTag: { path: 'tags', multiEntry: true } } } } });
      const items = db.table('items');
      await items.bulkPut(Array.from({ length: distinct }, (_, k) => ({ k, n: 2, tags: ['c'], text: 'old' })));
      const writes = Array.from({ length: count }, (_, i): Item => ({ k: i % distinct, n: i % 3, tags: TAGS.slice(0, i % 4), text: String(i).padEnd(length, '.') }));
      expect(await items.bulkPut(writes)).toEqual(writes.map((row) => row.k));
      const expected = lastOf(writes);
      expect(await items.query()).toEqual(expected);
      for (const n of NS) expect(await items.count({ index: 'byN', range: { gte: n, lte: n } })).toBe(expected.filter((row) => row.n === n).length);
      for (const tag of TAGS) {
        const keys = ((await items.query({ index: 'byTag', range: { gte: tag, lte: tag } })) as Item[]).map((row) => row.k);
        expect(keys).toEqual(expected.filter((row) => row.tags.includes(tag)).map((row) => row.k));
      }
    });

    it('a bulkPut fails on its first row that cannot be stored, before a later row without a key', async () => {
      const db = await c.open();
      const keys = db.table('keys');
      await expect(keys.bulkPut([{ k: 1 }, { k: 2, call() {} }, { nokey: true }])).rejects.toMatchObject({ name: 'DataCloneError' });
      await expect(keys.bulkPut([{ k: 1 }, { nokey: true }, { k: 2, call() {} }])).rejects.toMatchObject({ name: 'DataError' });
      expect(await keys.count()).toBe(0);
    });

    it('rows, index entries and keys generated match the model after any mix of bulkPuts, puts and deletes', { timeout: 120_000 }, async () => {
      let run = 0;
      const commands = [
        fc.array(item, { maxLength: 12 }).map((rows) => new BulkPutItems(rows)),
        item.map((row) => new PutItem(row)),
        fc.integer({ min: 0, max: 7 }).map((k) => new DeleteItem(k)),
        fc.tuple(fc.array(item, { maxLength: 6 }), fc.nat(6)).map(([rows, at]) => new FailingBulkPut(rows, at)),
        fc.array(counter, { maxLength: 6 }).map((rows) => new BulkPutCounters(rows)),
        fc
          .tuple(fc.array(item, { maxLength: 8 }), fc.array(t.kind === 'indexeddb' ? generated : counter, { maxLength: 4 }), fc.integer({ min: 0, max: 7 }))
          .map(([rows, counters, k]) => new AbortedBulkPut(rows, counters, k)),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 8 }), async (list) => {
          const db = await openDatabase(`${c.name()}-${++run}`, {
            version: 1,
            tables: {
              items: { key: 'k', indexes: { byN: 'n', byTag: { path: 'tags', multiEntry: true } } },
              counters: { key: 'id', autoIncrement: true, indexes: { byN: 'n' } },
            },
            provider: t.provider(),
          });
          c.track(db);
          const model: Model = { items: new Map(), counters: new Map(), next: 1 };
          const wrapped = [...list].map((command) => ({
            check: () => true,
            run: async (m: Model, r: Real) => {
              await command.run(m, r);
              await expectTables(m, r.db);
            },
            toString: () => command.toString(),
          }));
          await fc.asyncModelRun(() => ({ model, real: { db } }), wrapped);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
