/**
 * Reads that select rows by their content while redact() hides some by value (db.ts
 * selectsByContent): an index view, a range with a bound named outright, in the grid (dbQuery) and
 * the query console (dbConsole). The answers are pinned against the same selection worked out on
 * a plain array, on tables several read slices long, in every provider.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode, encode } from '../../../codec/index.js';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, PG_URL, REDIS_URL, runName } from '../../../db/contract/services.js';
import { openDatabase } from '../../../db/database.js';
import { compareKeys, type Key } from '../../../db/keys.js';
import type { Provider } from '../../../db/provider.js';
import { indexeddb } from '../../../db/providers/indexeddb.js';
import { libsql } from '../../../db/providers/libsql.js';
import { memory } from '../../../db/providers/memory.js';
import { postgres } from '../../../db/providers/postgres.js';
import { redis } from '../../../db/providers/redis.js';
import type { Database } from '../../../db/types.js';
import { Command, MAX_PAGE, type Range as WireRange, type CommandName, type CommandRequest, type CommandResult } from '../../../protocol/messages.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';
import { VISIBLE_SLICE } from './visible-rows.js';

interface Item {
  id: number;
  tag: string;
  code: string;
  labels: unknown;
  pair: { t: string; k: number };
}

interface Account {
  email: string;
  n: number;
}

const ITEMS = 3 * VISIBLE_SLICE + 57;
const ACCOUNTS = 2 * VISIBLE_SLICE + 31;

const secret = (value: unknown) => typeof value === 'string' && value.startsWith('secret');
/** Hides any string that starts with "secret", wherever it is: redact() by value. */
const redact = (_path: unknown, value: unknown) => secret(value);

/** Deterministic, spread-out numbers (an LCG), so ids, tags and labels are not in step. */
function sequence(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function items(): Item[] {
  const next = sequence(11);
  const labelsOf = (n: number): unknown => {
    const pick = ['x', 'y', 'z', 'secret-w', 'y'];
    if (n % 9 === 0) return pick[n % 5];
    if (n % 13 === 0) return ['x', true, 'z'];
    return Array.from({ length: n % 4 }, (_, i) => pick[(n + i * 2) % 5]);
  };
  return Array.from({ length: ITEMS }, (_, i) => {
    const id = i * 3 + 1;
    const roll = next();
    // Group "a" is longer than a read slice: paging inside one index key is exercised.
    const tag = roll < 0.45 ? 'a' : roll < 0.7 ? 'b' : roll < 0.9 ? 'c' : 'secret-d';
    const code = id % 7 === 0 ? `secret-${id}` : `code-${String(Math.floor(next() * 1e6)).padStart(6, '0')}-${id}`;
    return { id, tag, code, labels: labelsOf(i), pair: { t: tag === 'secret-d' ? 'b' : tag, k: i % 5 } };
  });
}

function accounts(): Account[] {
  const next = sequence(23);
  return Array.from({ length: ACCOUNTS }, (_, n) => ({ email: `${n % 6 === 0 ? 'secret' : String.fromCharCode(97 + Math.floor(next() * 26))}-${n}@mail`, n }));
}

type Index = 'byTag' | 'byCode' | 'byLabels' | 'byPair';

/** The index's keys of one row as IndexedDB files them (multiEntry: each distinct valid element). */
function entryKeys(item: Item, index: Index): Key[] {
  if (index === 'byTag') return [item.tag];
  if (index === 'byCode') return [item.code];
  if (index === 'byPair') return [[item.pair.t, item.pair.k]];
  const labels = Array.isArray(item.labels) ? item.labels : [item.labels];
  return [...new Set(labels.filter((label): label is string => typeof label === 'string'))];
}

function hiddenIn(item: Item, index: Index): boolean {
  if (index === 'byLabels') return [item.labels].flat().some(secret);
  if (index === 'byPair') return secret(item.pair.t);
  return secret(index === 'byTag' ? item.tag : item.code);
}

interface Bounds {
  eq?: Key;
  gt?: Key;
  gte?: Key;
  lt?: Key;
  lte?: Key;
}

function within(key: Key, range: Bounds | undefined): boolean {
  if (!range) return true;
  const c = (bound: Key) => compareKeys(key, bound);
  return (
    (range.eq === undefined || c(range.eq) === 0) &&
    (range.gt === undefined || c(range.gt) > 0) &&
    (range.gte === undefined || c(range.gte) >= 0) &&
    (range.lt === undefined || c(range.lt) < 0) &&
    (range.lte === undefined || c(range.lte) <= 0)
  );
}

interface Ask {
  index?: Index;
  range?: Bounds;
  direction?: 'next' | 'prev';
  offset?: number;
  limit?: number;
}

/** What the grid must answer, worked out on the plain rows: index order is (index key, primary key). */
function expectedItems(all: Item[], ask: Ask & { index: Index }): { total: number; ids: number[] } {
  const entries = all
    .flatMap((item) => entryKeys(item, ask.index).map((key) => ({ key, item })))
    .filter((entry) => within(entry.key, ask.range))
    .sort((a, b) => compareKeys(a.key, b.key) || a.item.id - b.item.id);
  if (ask.direction === 'prev') entries.reverse();
  const shown = entries.filter((entry) => !hiddenIn(entry.item, ask.index));
  const offset = ask.offset ?? 0;
  return { total: shown.length, ids: shown.slice(offset, offset + Math.min(ask.limit ?? 100, MAX_PAGE)).map((entry) => entry.item.id) };
}

function expectedAccounts(all: Account[], ask: Ask): { total: number; ids: number[] } {
  const rows = all.filter((row) => within(row.email, ask.range)).sort((a, b) => compareKeys(a.email, b.email));
  if (ask.direction === 'prev') rows.reverse();
  const shown = rows.filter((row) => !secret(row.email));
  const offset = ask.offset ?? 0;
  return { total: shown.length, ids: shown.slice(offset, offset + Math.min(ask.limit ?? 100, MAX_PAGE)).map((row) => row.n) };
}

const TABLES = {
  items: {
    key: 'id',
    indexes: {
      byTag: 'tag',
      byCode: { path: 'code', unique: true },
      byLabels: { path: 'labels', multiEntry: true },
      byPair: ['pair.t', 'pair.k'],
    },
  },
  accounts: { key: 'email' },
};

async function fill(db: Database) {
  await db.table('items').clear();
  await db.table('accounts').clear();
  // Put out of key order: nothing may depend on the order rows were written in.
  await db.table('items').bulkPut(items().reverse());
  await db.table('accounts').bulkPut(accounts());
}

/** kit().call, without its cap on page frames: a read of several slices in fake-indexeddb takes a while. */
async function call<K extends CommandName>(t: ReturnType<typeof kit>, name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
  let done = false;
  const answer = t.panel.request(name, payload).finally(() => (done = true));
  answer.catch(() => {});
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    t.frame();
  }
  return answer;
}

/** The ask as the panel sends it: range bounds encoded. */
function wire({ range, ...rest }: Ask) {
  return { ...rest, ...(range && { range: Object.fromEntries(Object.entries(range).map(([bound, key]) => [bound, encode(key)])) as WireRange }) };
}

const INDEX_CASES: Array<Ask & { index: Index }> = [];
for (const direction of ['next', 'prev'] as const) {
  for (const offset of [0, VISIBLE_SLICE - 3, 2 * VISIBLE_SLICE + 9]) {
    INDEX_CASES.push({ index: 'byTag', direction, offset, limit: MAX_PAGE });
    INDEX_CASES.push({ index: 'byTag', direction, offset, range: { eq: 'a' }, limit: 150 });
    INDEX_CASES.push({ index: 'byTag', direction, offset, range: { gt: 'a' } });
    INDEX_CASES.push({ index: 'byCode', direction, offset, range: { gte: 'code-3', lt: 'secret-9' }, limit: 250 });
    INDEX_CASES.push({ index: 'byLabels', direction, offset, limit: 300 });
    INDEX_CASES.push({ index: 'byLabels', direction, offset, range: { gt: 'x', lte: 'z' } });
    INDEX_CASES.push({ index: 'byPair', direction, offset, range: { gte: ['a', 2], lt: ['c', 1] }, limit: 120 });
  }
}
INDEX_CASES.push({ index: 'byTag', range: { eq: 'nothing' } }, { index: 'byCode', offset: 10_000 }, { index: 'byTag', limit: 0 });

const KEY_CASES: Ask[] = [];
for (const direction of ['next', 'prev'] as const) {
  for (const offset of [0, VISIBLE_SLICE + 1]) {
    KEY_CASES.push({ direction, offset, range: { gte: 'a' }, limit: 300 });
    KEY_CASES.push({ direction, offset, range: { gt: 'f', lte: 'u' } });
  }
}
// A bound that is a hidden key itself is refused before any read (key-handles.ts).
KEY_CASES.push({ range: { eq: accounts()[1]!.email } }, { range: { lt: 'zz' }, offset: ACCOUNTS });

const PROVIDERS: Array<{ name: string; make: () => Provider | Promise<Provider | undefined>; cleanup?: () => Promise<void> }> = [];
const schema = runName();
const prefix = `${runName()}:`;
PROVIDERS.push(
  { name: 'IndexedDB', make: () => indexeddb() },
  { name: 'memory', make: () => memory() },
  { name: 'libSQL', make: () => libsql({ url: ':memory:' }) },
  { name: 'PostgreSQL', make: async () => ((await hasPostgres()) ? postgres({ url: PG_URL, schema }) : undefined), cleanup: () => dropSchema(schema) },
  { name: 'Redis', make: async () => ((await hasRedis()) ? redis({ url: REDIS_URL }, { prefix }) : undefined), cleanup: () => dropPrefix(prefix) },
);

afterEach(() => configureDevtools({ redact: () => false }));
afterAll(async () => {
  if (await hasPostgres()) await dropSchema(schema);
  if (await hasRedis()) await dropPrefix(prefix);
});

describe.each(PROVIDERS)('index views and named bounds with redact, $name', ({ name, make }) => {
  it('answer the rows and totals the selection less its hidden rows gives', { timeout: 120_000 }, async (context) => {
    const provider = await make();
    if (!provider) return context.skip();
    const db = await openDatabase(`visible-${name}`, { version: 1, tables: TABLES, provider });
    try {
      await fill(db);
      configureDevtools({ redact });
      const t = kit();
      await t.hello();
      const database = registryId(db)!;
      // Servers take a round trip per slice: a subset of the cases there.
      const indexCases = name === 'IndexedDB' || name === 'memory' ? INDEX_CASES : INDEX_CASES.filter((_, i) => i % 5 === 0);
      for (const ask of indexCases) {
        const page = await call(t, Command.dbQuery, { database, table: 'items', ...wire(ask) });
        const want = expectedItems(items(), ask);
        expect({ ask, total: page.total, ids: page.rows.map((row) => (decode(row.value) as Item).id) }).toEqual({ ask, ...want });
      }
      for (const ask of KEY_CASES) {
        const page = await call(t, Command.dbQuery, { database, table: 'accounts', ...wire(ask) });
        const want = expectedAccounts(accounts(), ask);
        expect({ ask, total: page.total, ids: page.rows.map((row) => (decode(row.value) as Account).n) }).toEqual({ ask, ...want });
      }
      // BigInt bounds on number keys, compared exactly (IndexedDB's own ranges take none: read through the Table API).
      for (const direction of ['next', 'prev'] as const) {
        const page = await call(t, Command.dbQuery, { database, table: 'items', range: { gte: encode(10n), lt: encode(1000n) }, direction, offset: 5, limit: 400 });
        const ids = items().map((item) => item.id).filter((id) => id >= 10 && id < 1000).sort((a, b) => a - b);
        if (direction === 'prev') ids.reverse();
        expect({ direction, total: page.total, ids: page.rows.map((row) => (decode(row.value) as Item).id) }).toEqual({ direction, total: ids.length, ids: ids.slice(5, 405) });
      }
      // The query console selects the same rows; a filter on a field then runs over the visible ones only.
      for (const ask of indexCases.filter((_, i) => i % 4 === 0)) {
        const result = await call(t, Command.dbConsole, { database, table: 'items', ...wire(ask) });
        const want = expectedItems(items(), ask);
        expect({ ask, total: result.total, ids: result.rows.map((row) => (decode(row.value) as Item).id), scanned: result.explain.scanned }).toEqual({
          ask,
          ...want,
          scanned: Math.min(want.total, (ask.offset ?? 0) + want.ids.length),
        });
        const odd = await call(t, Command.dbConsole, {
          database,
          table: 'items',
          ...wire(ask),
          filter: [{ field: 'pair.k', op: 'gte', value: 3 }],
        });
        const all = expectedItems(items(), { ...ask, offset: 0, limit: Infinity });
        const byId = new Map(items().map((item) => [item.id, item]));
        const matched = all.ids.filter((id) => byId.get(id)!.pair.k >= 3);
        const offset = ask.offset ?? 0;
        expect({ ask, total: odd.total, scanned: odd.explain.scanned, ids: odd.rows.map((row) => (decode(row.value) as Item).id) }).toEqual({
          ask,
          total: matched.length,
          scanned: all.total,
          ids: matched.slice(offset, offset + Math.min(ask.limit ?? 100, MAX_PAGE)),
        });
      }
      // A filter on a field redact() hides in some rows is refused, as ever (the read stops there).
      await expect(call(t, Command.dbConsole, { database, table: 'items', index: 'byTag', filter: [{ field: 'code', op: 'gte', value: 'a' }] })).rejects.toMatchObject({ code: 'redacted' });
      expect((await call(t, Command.dbQuery, { database, table: 'items', index: 'byTag', limit: 1 })).total).toBe(expectedItems(items(), { index: 'byTag' }).total);
    } finally {
      await db.delete();
    }
  });
});

describe('an index view of a table several slices long, with redact', () => {
  it('filters the selection over several tasks: the page runs its own tasks (frames) in between', { timeout: 60_000 }, async () => {
    const db = await openDatabase('visible-tasks', { version: 1, tables: TABLES, provider: indexeddb() });
    try {
      await fill(db);
      // Every call of redact() and every turn of a task that requeues itself, in order.
      const log: string[] = [];
      configureDevtools({
        redact: (path, value) => {
          log.push('redact');
          return redact(path, value);
        },
      });
      const t = kit();
      await t.hello();
      log.length = 0;
      let ticking = true;
      const tick = () => {
        if (!ticking) return;
        log.push('task');
        setImmediate(tick);
      };
      setImmediate(tick);
      const page = await call(t, Command.dbQuery, { database: registryId(db)!, table: 'items', index: 'byTag', limit: 10 });
      ticking = false;
      expect(page.total).toBe(expectedItems(items(), { index: 'byTag' }).total);
      const first = log.indexOf('redact');
      const last = log.lastIndexOf('redact');
      const between = log.slice(first, last).filter((entry) => entry === 'task').length;
      // One task per slice at least (ITEMS rows are more than three slices).
      expect(between).toBeGreaterThanOrEqual(Math.floor(ITEMS / VISIBLE_SLICE));
    } finally {
      await db.delete();
    }
  });
});

describe('the agent’s own IndexedDB connection', () => {
  it('never holds up the app: an upgrade during a read opens without being blocked, and the read settles', { timeout: 60_000 }, async () => {
    const db = await openDatabase('visible-upgrade', { version: 1, tables: TABLES, provider: indexeddb() });
    await fill(db);
    configureDevtools({ redact });
    const t = kit();
    await t.hello();
    const reading = call(t, Command.dbQuery, { database: registryId(db)!, table: 'items', index: 'byLabels', limit: 10 });
    reading.catch(() => {});
    // Let the read get under way, then upgrade as another tab would.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    let blocked = false;
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('visible-upgrade', 2);
      open.onblocked = () => (blocked = true);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    upgraded.close();
    expect(blocked).toBe(false);
    await Promise.allSettled([reading]);
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase('visible-upgrade');
      request.onsuccess = () => resolve();
    });
  });
});

describe.each([
  { name: 'IndexedDB', make: () => indexeddb() },
  { name: 'memory', make: () => memory() },
])('paging through an index view with redact, $name', ({ name, make }) => {
  it('reads the whole selection once, then each page from the mark before it; a change the agent hears reads it all again', { timeout: 120_000 }, async () => {
    const ROWS = 2_600;
    const db = await openDatabase(`visible-paging-${name}`, { version: 1, tables: { rows: { key: 'id', indexes: { byTag: 'tag' } } }, provider: make() });
    try {
      const all = Array.from({ length: ROWS }, (_, i) => ({ id: i, tag: i % 7 === 3 ? `secret-${i % 5}` : `t${i % 5}`, n: i }));
      await db.table('rows').bulkPut(all);
      // redact()'s calls on whole rows: once per row read, and twice per row of the answer (shown, hashed).
      let read = 0;
      configureDevtools({
        redact: (path, value) => {
          if (path.length === 3) read++;
          return redact(path, value);
        },
      });
      const t = kit();
      await t.hello();
      const database = registryId(db)!;
      const expected = (direction: 'next' | 'prev') => {
        const shown = all.filter((row) => !secret(row.tag)).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.id - b.id));
        return (direction === 'next' ? shown : shown.reverse()).map((row) => row.id);
      };
      for (const direction of ['next', 'prev'] as const) {
        read = 0;
        const first = await call(t, Command.dbQuery, { database, table: 'rows', index: 'byTag', direction, offset: 0, limit: 100 });
        expect(first.total).toBe(expected(direction).length);
        expect(read).toBe(ROWS + 2 * 100);
        read = 0;
        const far = await call(t, Command.dbQuery, { database, table: 'rows', index: 'byTag', direction, offset: 2_100, limit: 100 });
        expect({ total: far.total, ids: far.rows.map((row) => (decode(row.value) as { id: number }).id) }).toEqual({ total: expected(direction).length, ids: expected(direction).slice(2_100, 2_200) });
        // From the mark at the 2,000th visible row: ~200 rows read (the hidden ones among them), not 2,600.
        expect(read).toBeLessThan(300 + 2 * 100);
      }
      // A change the agent hears: the next page reads the whole selection again, and counts the new row.
      await db.table('rows').put({ id: ROWS, tag: 't0', n: ROWS });
      await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
      all.push({ id: ROWS, tag: 't0', n: ROWS });
      read = 0;
      const after = await call(t, Command.dbQuery, { database, table: 'rows', index: 'byTag', offset: 2_100, limit: 100 });
      expect({ total: after.total, ids: after.rows.map((row) => (decode(row.value) as { id: number }).id) }).toEqual({ total: expected('next').length, ids: expected('next').slice(2_100, 2_200) });
      expect(read).toBe(ROWS + 1 + 2 * 100);
    } finally {
      await db.delete();
    }
  });
});
