/**
 * The database model of test/reliability/model-db*.test.ts: fast-check commands run on several
 * providers side by side, each answer checked against a reference model. Three parts share one
 * database per run:
 * - `t`, numeric rows `{ id, v, u }`: puts with explicit keys (at and past 2^53), generated keys,
 *   adds, a unique index, deletes, clears, range and index queries, aborted transactions;
 * - `r`, rich rows `{ k, g, tags, value }`: number, string, Date, binary and array keys (the
 *   index `byG` over a key of any type, the multiEntry index `byTags`), values with Maps, Sets, Dates, BigInts, typed arrays, -0, NaN, holes,
 *   undefined fields, null-prototype objects, class instances and Errors. The model stores what
 *   structured clone (IndexedDB) reads back (or refuses: a WeakMap, a Promise, an Error whose
 *   property or name structured clone would drop), and answers are compared by `shape`, which
 *   tells apart what `toEqual` does not (prototypes, -0, holes, extra properties);
 * - the Cache layout under a clock the commands move: set with and without a TTL, get, delete,
 *   keys, prune.
 * Every provider must answer exactly what the model answers (the same rows in the same order, the
 * same generated keys, the same error names).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { openDatabase, type Database, type Provider } from '../../../runtime/db/index.js';
import { shape } from './shape.js';

const TOP = 2 ** 53;

export type Row = { id: number; v: number; u?: number };
type Key = number | string | Date | Uint8Array | ArrayBuffer | Key[];
/** What an operation answered: a value, or the name of the error it threw. */
export type Answer = { ok: unknown } | { error: string };

export interface Model {
  rows: Map<number, Row>;
  /** The key generator's next number; Infinity once used up (IndexedDB's 2^53 + 1, which no double holds). */
  next: number;
  /** Rich rows by their key's text (`keyText`), as structured clone reads them back. */
  rich: Map<string, { key: Key; row: RichRow }>;
  cache: Map<string, { key: Key; value: unknown; expires: number | null }>;
  /** Blobs in the order they were put; a deleted one stays as null, so indexes keep naming the same blob. */
  blobs: (ModelBlob | null)[];
}

interface ModelBlob {
  bytes: number[];
  type: string;
  /** A File's name, the `name` option, or ''. */
  name: string;
  file: boolean;
  meta?: object;
}

export interface Real {
  dbs: { label: string; db: Database }[];
  clock: { now: number };
  /** Each provider's blob ids, in the order they were put (ids are random, so per provider). */
  blobIds?: Map<string, string[]>;
}

export interface Target {
  label: string;
  provider: Provider;
}

export function emptyModel(): Model {
  return { rows: new Map(), next: 1, rich: new Map(), cache: new Map(), blobs: [] };
}

function sorted(model: Model): Row[] {
  return [...model.rows.values()].sort((a, b) => a.id - b.id);
}

function advance(model: Model, key: number): void {
  if (key >= model.next) model.next = key >= TOP ? Infinity : Math.floor(key) + 1;
}

async function answer(run: () => Promise<unknown>): Promise<Answer> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** Compared by shape: a null prototype, a -0 or a hole is an answer of its own. */
function same(actual: Answer, expected: Answer, what: string): void {
  if ('ok' in actual && 'ok' in expected) expect(shape(actual.ok), what).toEqual(shape(expected.ok));
  else expect(actual, what).toEqual(expected);
}

type Cmd = fc.AsyncCommand<Model, Real>;

const cmd = (name: string, apply: (model: Model, real: Real) => Answer, op: (db: Database) => Promise<unknown>): Cmd => ({
  check: () => true,
  async run(model, real) {
    const expected = apply(model, real);
    for (const { label, db } of real.dbs) same(await answer(() => op(db)), expected, `${label}: ${name}`);
  },
  toString: () => name,
});

// ── numeric rows ─────────────────────────────────────────────────────────────

const explicitKey = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(0.5, 2.5, TOP - 1, TOP, TOP + 2, Infinity) },
);
const v = fc.integer({ min: 0, max: 4 });

const put = fc.tuple(explicitKey, v).map(([id, value]) =>
  cmd(
    `put({ id: ${id}, v: ${value} })`,
    (model) => {
      model.rows.set(id, { id, v: value });
      advance(model, id);
      return { ok: id };
    },
    (db) => db.table('t').put({ id, v: value }),
  ),
);

const generated = v.map((value) =>
  cmd(
    `put({ v: ${value} })`,
    (model) => {
      if (model.next > TOP) return { error: 'ConstraintError' };
      const id = model.next;
      model.rows.set(id, { id, v: value });
      advance(model, id);
      return { ok: id };
    },
    (db) => db.table('t').put({ v: value }),
  ),
);

const add = fc.tuple(explicitKey, v).map(([id, value]) =>
  cmd(
    `add({ id: ${id}, v: ${value} })`,
    (model) => {
      if (model.rows.has(id)) return { error: 'ConstraintError' };
      model.rows.set(id, { id, v: value });
      advance(model, id);
      return { ok: id };
    },
    (db) => db.table('t').add({ id, v: value }),
  ),
);

/**
 * A row with a value for the unique index `byU`: refused when another row holds it already. Its
 * keys are negative, so they never move the key generator: by the spec a failed put reverts what
 * it did to the generator, which memory and libSQL do and fake-indexeddb does not.
 */
const putUnique = fc.tuple(fc.integer({ min: -3, max: -1 }), fc.integer({ min: 0, max: 2 })).map(([id, u]) =>
  cmd(
    `put({ id: ${id}, v: 0, u: ${u} })`,
    (model) => {
      if ([...model.rows.values()].some((row) => row.u === u && row.id !== id)) return { error: 'ConstraintError' };
      model.rows.set(id, { id, v: 0, u });
      advance(model, id);
      return { ok: id };
    },
    (db) => db.table('t').put({ id, v: 0, u }),
  ),
);

const remove = explicitKey.map((id) =>
  cmd(
    `delete(${id})`,
    (model) => {
      model.rows.delete(id);
      return { ok: undefined };
    },
    (db) => db.table('t').delete(id),
  ),
);

const clear = fc.constant(
  cmd(
    'clear()',
    (model) => {
      model.rows.clear();
      return { ok: undefined };
    },
    (db) => db.table('t').clear(),
  ),
);

const direction = fc.constantFrom('next', 'prev') as fc.Arbitrary<'next' | 'prev'>;
const limit = fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined });

/** A query and a count of the same range; the count must agree with an unlimited query. */
async function queryAndCount(db: Database, table: string, range: Record<string, unknown>, dir: 'next' | 'prev', most: number | undefined, index: string | undefined): Promise<unknown[]> {
  const t = db.table(table);
  const selection = { ...(Object.keys(range).length > 0 && { range }), ...(index && { index }) };
  const rows = await t.query({ ...selection, direction: dir, ...(most !== undefined && { limit: most }) } as never);
  const count = await t.count(selection as never);
  if (most === undefined && count !== rows.length) throw new Error(`count ${count} but ${rows.length} rows`);
  return rows;
}

const bound = fc.option(fc.integer({ min: -2, max: 12 }), { nil: undefined });
const query = fc.tuple(bound, bound, fc.boolean(), direction, limit, fc.boolean()).map(([lo, hi, open, dir, most, byIndex]) => {
  const range: Record<string, number> = {};
  if (lo !== undefined) range[open ? 'gt' : 'gte'] = lo;
  if (hi !== undefined) range[open ? 'lt' : 'lte'] = hi;
  return cmd(
    `query(${JSON.stringify({ range, direction: dir, limit: most, index: byIndex ? 'byV' : undefined })})`,
    (model) => {
      if (lo !== undefined && hi !== undefined && (lo > hi || (lo === hi && open))) return { error: 'DataError' };
      const inRange = (x: number) => (lo === undefined || (open ? x > lo : x >= lo)) && (hi === undefined || (open ? x < hi : x <= hi));
      // An index orders by its value, then by primary key.
      let rows = byIndex ? sorted(model).sort((a, b) => a.v - b.v || a.id - b.id).filter((row) => inRange(row.v)) : sorted(model).filter((row) => inRange(row.id));
      if (dir === 'prev') rows = rows.reverse();
      return { ok: most === undefined ? rows : rows.slice(0, most) };
    },
    (db) => queryAndCount(db, 't', range, dir, most, byIndex ? 'byV' : undefined),
  );
});

/**
 * A transaction that writes, then throws: nothing of it stays, the key generator included. Its
 * writes are a generated put and a put of an existing row: fake-indexeddb does not revert the
 * generator moved by an explicit key on abort (browsers do, by the spec), so that case is the
 * contract tests' business on real providers only.
 */
const aborted = fc.tuple(explicitKey, v).map(([id, value]) =>
  cmd(
    `transaction(put generated, put ${id} if present, throw)`,
    (model) => ({ error: model.next > TOP ? 'ConstraintError' : 'Error' }),
    (db) =>
      db.transaction(['t'], 'readwrite', async (tx) => {
        await tx.table('t').put({ v: value });
        if ((await tx.table('t').get(id)) !== undefined) await tx.table('t').put({ id, v: value + 10 });
        throw new Error('abort');
      }),
  ),
);

// ── keys of every type, rich values ──────────────────────────────────────────

function bytesOf(key: Uint8Array | ArrayBuffer): number[] {
  return [...(key instanceof ArrayBuffer ? new Uint8Array(key) : key)];
}

/** IndexedDB's key order: numbers < Dates < strings < binary < arrays; strings by UTF-16 code units, binary bytewise. */
export function compareKey(a: Key, b: Key): number {
  const rank = (key: Key) => (typeof key === 'number' ? 0 : key instanceof Date ? 1 : typeof key === 'string' ? 2 : Array.isArray(key) ? 4 : 3);
  const order = rank(a) - rank(b);
  if (order !== 0) return Math.sign(order);
  if (rank(a) === 3) return compareKey(bytesOf(a as Uint8Array), bytesOf(b as Uint8Array));
  if (Array.isArray(a)) {
    const other = b as Key[];
    for (let i = 0; i < Math.min(a.length, other.length); i++) {
      const item = compareKey(a[i]!, other[i]!);
      if (item !== 0) return item;
    }
    return Math.sign(a.length - other.length);
  }
  const [x, y] = a instanceof Date ? [a.getTime(), (b as Date).getTime()] : [a, b as number | string];
  return x < y ? -1 : x > y ? 1 : 0;
}

function keyText(key: Key): string {
  if (Array.isArray(key)) return `[${key.map(keyText).join(',')}]`;
  if (key instanceof Uint8Array || key instanceof ArrayBuffer) return `B${bytesOf(key).join('.')}`;
  if (key instanceof Date) return `D${key.getTime()}`;
  return typeof key === 'number' ? `N${key}` : JSON.stringify(key);
}

const scalarKey: fc.Arbitrary<Key> = fc.oneof(
  fc.integer({ min: -2, max: 3 }),
  fc.constantFrom(-Infinity, -0, 0.5, Infinity),
  fc.constantFrom('', 'a', 'B', 'ab', 'é', '\u{1F600}', '\uFFFF', 'a\u0000'),
  fc.constantFrom(-1, 0, 1, 1e12).map((time) => new Date(time)),
  // Never empty: fake-indexeddb 6.2 refuses an empty binary key (a DataError), which browsers take.
  fc.array(fc.constantFrom(0, 1, 255), { minLength: 1, maxLength: 2 }).chain((bytes) => fc.constantFrom(new Uint8Array(bytes), new Uint8Array(bytes).buffer)),
);
const key: fc.Arbitrary<Key> = fc.oneof(
  { weight: 4, arbitrary: scalarKey },
  { weight: 1, arbitrary: fc.array(fc.oneof(scalarKey, fc.array(scalarKey, { maxLength: 2 })), { maxLength: 2 }) },
);

/** What is no key (a DataError wherever a key is asked for), now and then. */
const notKey = fc.constantFrom<unknown>(NaN, true, null, {}, [NaN], new Date(NaN), 1n);
const anyKey: fc.Arbitrary<unknown> = fc.oneof({ weight: 9, arbitrary: key }, { weight: 1, arbitrary: notKey });

function isKey(value: unknown): value is Key {
  if (typeof value === 'number') return !Number.isNaN(value);
  if (typeof value === 'string' || value instanceof Uint8Array || value instanceof ArrayBuffer) return true;
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return Array.isArray(value) && value.every(isKey);
}

/** A key as the database hands it back: binary as an ArrayBuffer of its bytes, a Date as a new Date. */
function returned(key: Key): unknown {
  if (Array.isArray(key)) return key.map(returned);
  if (key instanceof Uint8Array || key instanceof ArrayBuffer) return new Uint8Array(bytesOf(key)).buffer;
  return key instanceof Date ? new Date(key.getTime()) : key;
}

/** A class whose instances structured clone reads back as plain objects. */
class Point {
  x = 1;
  y = -0;
}

/** A small value of one of the kinds providers may store differently. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, 0.1, 2 ** 53 + 2, undefined, null, true, '', 'ü', '$t', '"\\'),
  fc.constantFrom(0n, -1n, 2n ** 70n),
  fc.constantFrom(0, -1, 8.64e15, NaN).map((time) => new Date(time)),
  fc.constant(null).map(() => /a+\//giu),
  fc.constant(null).map(() => new Uint8Array([0, 255])),
  fc.constant(null).map(() => new Float64Array([-0, NaN, 1.5])),
  fc.constant(null).map(() => new BigInt64Array([-1n])),
  fc.constant(null).map(() => new Uint8Array(new ArrayBuffer(6), 2, 3)),
  fc.constant(null).map(() => new DataView(new ArrayBuffer(3))),
  fc.constant(null).map(() => new ArrayBuffer(2)),
  fc.constant(null).map(() => Object(3) as object),
  fc.constant(null).map(() => new Point()),
  // A Blob inside a row (type and size compared here; bytes by the blob commands).
  fc.constant(null).map(() => new Blob(['ab'], { type: 'text/plain' })),
  // Refused everywhere: structured clone has no form for them (the codec wrote `{}` before).
  fc.constant(null).map(() => new WeakMap()),
  fc.constant(null).map(() => Promise.resolve(1)),
);

/** A name the codec or a provider might treat specially. */
const field = fc.constantFrom('a', 'b', '$t', '__proto__', '', '0', 'constructor', 'null');

const rich: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leaf },
    fc.array(fc.tuple(field, tie('value')), { maxLength: 3 }).map((entries) => {
      const out: Record<string, unknown> = {};
      for (const [name, item] of entries) Object.defineProperty(out, name, { value: item, enumerable: true, writable: true, configurable: true });
      return out;
    }),
    fc.array(fc.tuple(field, tie('value')), { maxLength: 2 }).map((entries) => {
      const out = Object.create(null) as Record<string, unknown>;
      for (const [name, item] of entries) out[name] = item;
      return out;
    }),
    // Arrays, some with holes (an index deleted), some longer than their last item.
    fc.tuple(fc.array(tie('value'), { maxLength: 3 }), fc.nat(3), fc.nat(2)).map(([items, hole, extra]) => {
      const out = [...items];
      if (hole < out.length) delete out[hole];
      out.length += extra === 2 ? 1 : 0;
      return out;
    }),
    fc.array(fc.tuple(fc.oneof(leaf, fc.string({ maxLength: 2 })), tie('value')), { maxLength: 2 }).map((entries) => new Map(entries)),
    fc.array(fc.oneof(leaf, fc.string({ maxLength: 2 })), { maxLength: 3 }).map((items) => new Set(items)),
    fc.tuple(fc.constantFrom('Error', 'TypeError', 'RangeError'), fc.option(tie('value'), { nil: undefined })).map(([name, cause]) => {
      const Make = globalThis[name as 'Error'];
      return cause === undefined ? new Make('m') : new Make('with cause', { cause });
    }),
    // What structured clone drops without a word (a property, a name of one's own): refused everywhere.
    fc.constantFrom('name', 'code').map((extra) => Object.assign(new Error('e'), extra === 'name' ? { name: 'HttpError' } : { code: 404 })),
  ),
})).value;

/**
 * Whether every provider refuses the value (DataCloneError): an Error with a property or a name
 * structured clone would drop. What structured clone itself refuses, `structuredClone` tells.
 */
function dropsSilently(value: unknown, seen = new Set<unknown>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Error) {
    if (!/^(Eval|Range|Reference|Syntax|Type|URI)?Error$/.test(value.name)) return true;
    if (Object.keys(value).some((key) => !['name', 'message', 'stack', 'cause'].includes(key))) return true;
    if ('cause' in value && dropsSilently(value.cause, seen)) return true;
  }
  const children = value instanceof Map ? [...value].flat() : value instanceof Set ? [...value] : Object.values(value);
  return children.some((child) => dropsSilently(child, seen));
}

/** What structured clone (IndexedDB) reads back, or the name of the error every provider answers. */
function cloned<T>(value: T): { ok: T } | { error: string } {
  if (dropsSilently(value)) return { error: 'DataCloneError' };
  try {
    return { ok: structuredClone(value) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

export interface RichRow {
  k: Key;
  g?: Key;
  /** For the multiEntry index `byTags`: each distinct key of an array, or a lone key. */
  tags?: unknown;
  value: unknown;
}

type RichIndex = 'byG' | 'byTags' | undefined;

/** A row's keys in an index, as IndexedDB takes them: what is no key is left out, duplicates once. */
function entries(row: RichRow, index: 'byG' | 'byTags'): Key[] {
  const value = index === 'byG' ? row.g : row.tags;
  if (index === 'byG' || !Array.isArray(value)) return isKey(value) ? [value] : [];
  const out = new Map<string, Key>();
  for (const item of value) if (isKey(item) && !out.has(keyText(item))) out.set(keyText(item), item);
  return [...out.values()];
}

/** Stores a row in the model as IndexedDB would: the key checked, the value cloned (or refused). */
function store(model: Model, row: RichRow): Answer {
  // What IndexedDB keeps is what structured clone reads back; what it refuses, every provider
  // refuses. The clone comes first, then the key taken from it (the spec's order for put).
  const stored = cloned(row);
  if ('error' in stored) return stored;
  if (!isKey(row.k)) return { error: 'DataError' };
  model.rich.set(keyText(row.k), { key: row.k, row: stored.ok });
  return { ok: returned(row.k) };
}

/** A row of `r`; `g` sometimes no key at all, so the row stays out of the index `byG`. */
const tags = fc.option(fc.oneof({ weight: 3, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: scalarKey }, { weight: 1, arbitrary: key }, { weight: 1, arbitrary: notKey }), { maxLength: 3 }) }, { weight: 1, arbitrary: anyKey }), {
  nil: undefined,
});
const richRow = fc.tuple(anyKey, fc.option(fc.oneof({ weight: 4, arbitrary: key }, { weight: 1, arbitrary: notKey }), { nil: undefined }), tags, rich).map(
  ([k, g, t, value]): RichRow => ({ k: k as Key, ...(g !== undefined && { g: g as Key }), ...(t !== undefined && { tags: t }), value }),
);

const putRich = richRow.map((row) =>
  cmd(
    `r.put(${JSON.stringify(shape(row))})`,
    (model) => store(model, row),
    (db) => db.table('r').put(row),
  ),
);

/** Puts every row or none: the first refused row fails them all. */
const bulkPutRich = fc.array(richRow, { minLength: 1, maxLength: 3 }).map((rows) =>
  cmd(
    `r.bulkPut(${JSON.stringify(shape(rows))})`,
    (model) => {
      const before = new Map(model.rich);
      const keys: unknown[] = [];
      for (const row of rows) {
        const stored = store(model, row);
        if ('error' in stored) {
          model.rich = before;
          return stored;
        }
        keys.push(stored.ok);
      }
      return { ok: keys };
    },
    (db) => db.table('r').bulkPut(rows),
  ),
);

/** Merges a patch into a row: a missing row is a NotFoundError, a patch that moves the key a DataError. */
const updateRich = fc.tuple(anyKey, fc.option(key, { nil: undefined }), rich, fc.boolean()).map(([k, g, value, moveKey]) => {
  const patch: Record<string, unknown> = { value, ...(g !== undefined && { g }), ...(moveKey && { k: [k] }) };
  return cmd(
    `r.update(${JSON.stringify(shape(k))}, ${JSON.stringify(shape(patch))})`,
    (model) => {
      if (!isKey(k)) return { error: 'DataError' };
      const found = model.rich.get(keyText(k));
      if (found === undefined) return { error: 'NotFoundError' };
      if (moveKey) return { error: 'DataError' };
      const next = { ...found.row, ...patch } as RichRow;
      const stored = store(model, next);
      // update answers with the merged row as it was handed to put (the patch's own objects).
      return 'error' in stored ? stored : { ok: next };
    },
    (db) => db.table('r').update(k as Key, patch),
  );
});

const getRich = anyKey.map((k) =>
  cmd(
    `r.get(${JSON.stringify(shape(k))})`,
    (model) => (isKey(k) ? { ok: model.rich.get(keyText(k))?.row } : { error: 'DataError' }),
    (db) => db.table('r').get(k as Key),
  ),
);

const deleteRich = anyKey.map((k) =>
  cmd(
    `r.delete(${JSON.stringify(shape(k))})`,
    (model) => {
      if (!isKey(k)) return { error: 'DataError' };
      model.rich.delete(keyText(k));
      return { ok: undefined };
    },
    (db) => db.table('r').delete(k as Key),
  ),
);

const richIndex = fc.constantFrom<RichIndex>(undefined, 'byG', 'byTags');
const queryRich = fc.tuple(fc.option(key, { nil: undefined }), fc.option(key, { nil: undefined }), fc.boolean(), direction, limit, richIndex).map(([lo, hi, open, dir, most, index]) => {
  const range: Record<string, Key> = {};
  if (lo !== undefined) range[open ? 'gt' : 'gte'] = lo;
  if (hi !== undefined) range[open ? 'lt' : 'lte'] = hi;
  return cmd(
    `r.query(${JSON.stringify(shape({ range, direction: dir, limit: most, index }))})`,
    (model) => {
      if (lo !== undefined && hi !== undefined) {
        const order = compareKey(lo, hi);
        if (order > 0 || (order === 0 && open)) return { error: 'DataError' };
      }
      const inRange = (x: Key) => (lo === undefined || compareKey(x, lo) > (open ? 0 : -1)) && (hi === undefined || compareKey(x, hi) < (open ? 0 : 1));
      const all = [...model.rich.values()];
      // An index holds a row once per key it has there (none when no key), ordered by that key, then by primary key.
      let rows = index
        ? all
            .flatMap((item) => entries(item.row, index).map((at) => ({ ...item, at })))
            .filter(({ at }) => inRange(at))
            .sort((a, b) => compareKey(a.at, b.at) || compareKey(a.key, b.key))
        : all.filter(({ key: k }) => inRange(k)).sort((a, b) => compareKey(a.key, b.key));
      if (dir === 'prev') rows = rows.reverse();
      // A row met twice (two keys in a multiEntry index) is two objects, as every provider reads it.
      const out = rows.map(({ row }) => structuredClone(row));
      return { ok: most === undefined ? out : out.slice(0, most) };
    },
    (db) => queryAndCount(db, 'r', range, dir, most, index),
  );
});

// ── the Cache layout under a clock the commands move ────────────────────────

const ttl = fc.option(fc.constantFrom(1, 5, 10, 1e300), { nil: undefined });

const cacheSet = fc.tuple(scalarKey, rich, ttl).map(([k, value, life]) =>
  cmd(
    `cache.set(${keyText(k)}, ${JSON.stringify(shape(value))}, ttl ${life})`,
    (model, real) => {
      const stored = cloned(value);
      if ('error' in stored) return stored;
      model.cache.set(keyText(k), { key: k, value: stored.ok, expires: life === undefined ? null : real.clock.now + life });
      return { ok: undefined };
    },
    (db) => db.cache.set(k, value, life === undefined ? {} : { ttl: life }),
  ),
);

function live(model: Model, now: number) {
  return [...model.cache.values()].filter((entry) => entry.expires === null || entry.expires > now);
}

const cacheGet = scalarKey.map((k) =>
  cmd(
    `cache.get(${keyText(k)})`,
    (model, real) => ({ ok: live(model, real.clock.now).find((entry) => keyText(entry.key) === keyText(k))?.value }),
    (db) => db.cache.get(k),
  ),
);

const cacheDelete = scalarKey.map((k) =>
  cmd(
    `cache.delete(${keyText(k)})`,
    (model) => {
      model.cache.delete(keyText(k));
      return { ok: undefined };
    },
    (db) => db.cache.delete(k),
  ),
);

const cacheKeys = fc.constant(
  cmd(
    'cache.keys()',
    (model, real) => ({ ok: live(model, real.clock.now).map((entry) => returned(entry.key)).sort((a, b) => compareKey(a as Key, b as Key)) }),
    (db) => db.cache.keys(),
  ),
);

const cachePrune = fc.constant(
  cmd(
    'cache.prune()',
    (model, real) => {
      const before = model.cache.size;
      for (const [text, entry] of model.cache) if (entry.expires !== null && entry.expires <= real.clock.now) model.cache.delete(text);
      return { ok: before - model.cache.size };
    },
    (db) => db.cache.prune(),
  ),
);

/** Time passes: entries whose TTL ran out read as missing, on every provider at once. */
const tick = fc.integer({ min: 1, max: 6 }).map((ms): Cmd => ({
  check: () => true,
  async run(_model, real) {
    real.clock.now += ms;
  },
  toString: () => `tick(${ms} ms)`,
}));

// ── blobs ───────────────────────────────────────────────────────────────────

/** What a user sees of a stored blob: bytes, type, and for a File its name. */
async function seen(blob: Blob | undefined): Promise<unknown> {
  if (blob === undefined) return undefined;
  return { bytes: [...new Uint8Array(await blob.arrayBuffer())], type: blob.type, file: typeof File === 'function' && blob instanceof File ? (blob as File).name : null };
}

/** A BlobInfo without what differs per provider by design (the random id, the clock's `created`). */
function infoSeen(info: { name: string; type: string; size: number; meta?: object } | undefined): unknown {
  return info && { name: info.name, type: info.type, size: info.size, ...(info.meta !== undefined && { meta: info.meta }) };
}

const blobCmd = (name: string, apply: (model: Model) => Answer, op: (db: Database, ids: string[]) => Promise<unknown>): Cmd => ({
  check: () => true,
  async run(model, real) {
    const expected = apply(model);
    real.blobIds ??= new Map();
    for (const { label, db } of real.dbs) {
      const ids = real.blobIds.get(label) ?? [];
      real.blobIds.set(label, ids);
      same(await answer(() => op(db, ids)), expected, `${label}: ${name}`);
    }
  },
  toString: () => name,
});

const blobPut = fc
  .tuple(fc.uint8Array({ maxLength: 5 }), fc.constantFrom('', 'text/plain', 'application/x-Stratum'), fc.option(fc.constantFrom('a.txt', ''), { nil: undefined }), fc.option(fc.constantFrom('n', ''), { nil: undefined }), fc.option(rich, { nil: undefined }))
  .map(([bytes, type, fileName, optionName, meta]) => {
    const metaObject = meta === undefined ? undefined : { meta };
    return blobCmd(
      `blobs.put(${fileName === undefined ? 'Blob' : `File ${JSON.stringify(fileName)}`} [${bytes.join(',')}] ${JSON.stringify(type)}, name ${optionName}, meta ${JSON.stringify(shape(metaObject))})`,
      (model) => {
        let stored: object | undefined;
        if (metaObject !== undefined) {
          const cloned_ = cloned(metaObject);
          if ('error' in cloned_) return cloned_;
          stored = cloned_.ok;
        }
        // The Blob constructor lowercases the type: the model reads it from one, as every provider does.
        model.blobs.push({ bytes: [...bytes], type: new Blob([], { type }).type, name: optionName ?? fileName ?? '', file: fileName !== undefined, ...(stored !== undefined && { meta: stored }) });
        return { ok: 'id' };
      },
      async (db, ids) => {
        const blob = fileName === undefined ? new Blob([bytes], { type }) : new File([bytes], fileName, { type });
        ids.push(await db.blobs.put(blob, { ...(optionName !== undefined && { name: optionName }), ...(metaObject !== undefined && { meta: metaObject }) }));
        return 'id';
      },
    );
  });

/** The n-th blob put, or an id no blob has. */
const blobIndex = fc.nat(4);
const idAt = (ids: string[], at: number) => ids[at] ?? `missing-${at}`;

const blobGet = blobIndex.map((at) =>
  blobCmd(
    `blobs.get(#${at})`,
    (model) => {
      const blob = model.blobs[at];
      // Node's structuredClone (memory, fake-indexeddb) reads a File back as a Blob: the name is not compared here (layouts.test.ts covers it).
      return { ok: blob ? { bytes: blob.bytes, type: blob.type } : undefined };
    },
    async (db, ids) => {
      const back = (await seen(await db.blobs.get(idAt(ids, at)))) as { bytes: number[]; type: string } | undefined;
      return back && { bytes: back.bytes, type: back.type };
    },
  ),
);

const blobInfo = blobIndex.map((at) =>
  blobCmd(
    `blobs.info(#${at})`,
    (model) => {
      const blob = model.blobs[at];
      return { ok: blob ? infoSeen({ name: blob.name, type: blob.type, size: blob.bytes.length, ...(blob.meta !== undefined && { meta: blob.meta }) }) : undefined };
    },
    async (db, ids) => infoSeen(await db.blobs.info(idAt(ids, at))),
  ),
);

const blobList = fc.constant(
  blobCmd(
    'blobs.list() and usage()',
    (model) => {
      const live = model.blobs.filter((blob): blob is ModelBlob => blob !== null);
      return { ok: { list: live.map((blob) => infoSeen({ name: blob.name, type: blob.type, size: blob.bytes.length, ...(blob.meta !== undefined && { meta: blob.meta }) })), usage: live.reduce((sum, blob) => sum + blob.bytes.length, 0) } };
    },
    async (db) => ({ list: (await db.blobs.list()).map(infoSeen), usage: await db.blobs.usage() }),
  ),
);

const blobDelete = blobIndex.map((at) =>
  blobCmd(
    `blobs.delete(#${at})`,
    (model) => {
      if (at < model.blobs.length) model.blobs[at] = null;
      return { ok: undefined };
    },
    (db, ids) => db.blobs.delete(idAt(ids, at)),
  ),
);

export const commands = (maxCommands: number) =>
  fc.commands(
    [put, generated, add, putUnique, remove, clear, query, aborted, putRich, putRich, bulkPutRich, updateRich, getRich, deleteRich, queryRich, cacheSet, cacheGet, cacheDelete, cacheKeys, cachePrune, tick, blobPut, blobGet, blobInfo, blobList, blobDelete],
    { maxCommands },
  );

let names = 0;

/** Opens this run's database on every target, with a fresh name; the caller closes them. */
export async function openAll(targets: Target[], clock: { now: number }): Promise<Real['dbs']> {
  const name = `model-${process.pid}-${++names}`;
  return Promise.all(
    targets.map(async ({ label, provider }) => ({
      label,
      db: await openDatabase(name, {
        version: 1,
        tables: {
          t: { key: 'id', autoIncrement: true, indexes: { byV: 'v', byU: { path: 'u', unique: true } } },
          r: { key: 'k', indexes: { byG: 'g', byTags: { path: 'tags', multiEntry: true } } },
        },
        cache: { now: () => clock.now },
        blobs: true,
        provider,
      }),
    })),
  );
}

/** After a run every provider lists the same tables and holds exactly the same rows, by shape. */
export async function sameEverywhere(dbs: Real['dbs']): Promise<void> {
  for (const { label, db } of dbs) expect(db.tables(), `${label}: tables()`).toEqual(dbs[0]!.db.tables());
  for (const table of ['t', 'r', '$cache', '$blobs']) {
    // A blob's id is random (so is the order of `$blobs` by key) and its `created` the clock's:
    // blobs are compared in list() order, without either.
    const all = await Promise.all(dbs.map(async ({ db }) => (table === '$blobs' ? (await db.blobs.list()).map(infoSeen) : db.table(table).query())));
    for (const [at, rows] of all.entries()) expect(shape(rows), `${dbs[at]!.label}: ${table} after the run`).toEqual(shape(all[0]));
  }
}
