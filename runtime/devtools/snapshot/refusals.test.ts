/**
 * Refusals: a newer format or codec, a truncated or malformed file, a database whose schema does
 * not match the page's, a strict import with something missing — each refused with the reason,
 * and nothing applied anywhere (states, webstorage and rows as they were).
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { app, fill, SCHEMA, type Page } from '../../../test/helpers/snapshot-app.js';
import { encode, type Encoded } from '../../codec/index.js';
import { exportSnapshot, importSnapshot, parseSnapshot, previewSnapshot, SnapshotError, type SnapshotFile } from './index.js';

let text: string;

beforeAll(async () => {
  const source = await app('memory', { dbName: 'refuse-source' });
  await fill(source, 5000);
  const file = await exportSnapshot(source.targets);
  // The importing pages below open a database of the same name.
  file.databases[0]!.name = 'refuse';
  text = JSON.stringify(file);
});

/** A page that already holds data of its own: a refused import must leave all of it. (untouched() deletes its database.) */
async function page(options: { tables?: object } = {}): Promise<Page> {
  const fresh = await app('memory', { dbName: 'refuse', clientId: 'tab-9', ...options });
  await fresh.db.table('products').put({ sku: 'mine', price: 1, tags: [] });
  fresh.local.set('cart', 'mine');
  fresh.store.getState<Record<string, unknown>>({ key: 'prefs', scope: 'settings' })!.set({ theme: 'mine' });
  return fresh;
}

async function untouched(fresh: Page): Promise<void> {
  expect(await fresh.db.table('products').query()).toEqual([{ sku: 'mine', price: 1, tags: [] }]);
  expect(await fresh.db.blobs.list()).toEqual([]);
  expect(fresh.local.get('cart')).toBe('mine');
  expect(fresh.store.getState({ key: 'prefs', scope: 'settings' })!.value).toEqual({ theme: 'mine' });
  await fresh.db.delete();
}

function edited(change: (file: Record<string, unknown>) => void): unknown {
  const file = JSON.parse(text) as Record<string, unknown>;
  change(file);
  return file;
}

async function refused(input: unknown, fresh: Page, reason: SnapshotError['reason'], message: RegExp, strict = false): Promise<void> {
  const attempt = importSnapshot(input, { targets: fresh.targets, strict });
  await expect(attempt).rejects.toBeInstanceOf(SnapshotError);
  await expect(attempt).rejects.toMatchObject({ reason, message: expect.stringMatching(message) });
  await untouched(fresh);
}

describe('refused, nothing applied', () => {
  it('a newer snapshot format', async () => {
    await refused(edited((file) => (file['version'] = 2)), await page(), 'newer', /format version 2; this page's stratum reads up to 1: update/);
  });

  it('values of a newer codec', async () => {
    await refused(edited((file) => (file['codec'] = 7)), await page(), 'newer', /codec version 7.*reads up to 1/);
  });

  it('a truncated file', () => {
    expect(() => parseSnapshot(text.slice(0, Math.floor(text.length / 2)))).toThrow(expect.objectContaining({ reason: 'truncated', message: expect.stringMatching(/truncated/) }));
    expect(() => parseSnapshot('')).toThrow(SnapshotError);
  });

  it('a file whose blob bytes were cut short', async () => {
    const input = edited((file) => {
      const bytes = file['bytes'] as Record<string, string>;
      const [ref] = Object.keys(bytes).sort((a, b) => bytes[b]!.length - bytes[a]!.length);
      bytes[ref!] = bytes[ref!]!.slice(0, 1000);
    });
    await refused(input, await page(), 'truncated', /has 750 of its 5000 bytes/);
  });

  it('malformed files: not a snapshot, an unknown field, a value cut short, a missing blob', async () => {
    await refused({ format: 'something-else' }, await page(), 'malformed', /not a Stratum snapshot/);
    await refused(edited((file) => (file['extra'] = 1)), await page(), 'malformed', /unexpected field "extra"/);
    const cut = edited((file) => {
      const stores = file['stores'] as { states: { value: Encoded }[] }[];
      stores[0]!.states[0]!.value = { $t: 'truncated', type: 'string', size: 10, path: [] };
    });
    await refused(cut, await page(), 'malformed', /cut short/);
    await refused(edited((file) => (file['bytes'] = {})), await page(), 'truncated', /bytes are not in the file/);
  });

  it('a database whose schema differs from the page’s', async () => {
    const renamedIndex = { ...SCHEMA, products: { key: 'sku', indexes: { byCost: 'price', byTag: { path: 'tags', multiEntry: true } } } };
    await refused(JSON.parse(text), await page({ tables: renamedIndex }), 'schema', /database "refuse" does not match the snapshot: table "products" is .*byCost.* on this page/);
    const otherKey = { ...SCHEMA, orders: { key: 'orderId', autoIncrement: true } };
    await refused(JSON.parse(text), await page({ tables: otherKey }), 'schema', /table "orders"/);
    const extraTable = { ...SCHEMA, users: { key: 'id' } };
    await refused(JSON.parse(text), await page({ tables: extraTable }), 'schema', /table "users" is missing from the snapshot/);
  });

  it('a row that cannot be decoded, named by its key', async () => {
    let key = '';
    const input = edited((file) => {
      const rows = (file as unknown as SnapshotFile).databases[0]!.tables.find((table) => table.name === 'products')!.rows;
      const bad = rows[rows.length - 1]!;
      key = JSON.stringify(bad.key);
      (bad.value as Record<string, Encoded>)['extra'] = { $t: 'a-tag-of-a-newer-stratum' };
    });
    const named = new RegExp(`the row ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} of "refuse"/"products" cannot be decoded`);
    await refused(input, await page(), 'malformed', named);
  });

  it('a strict import with an entry the page does not have', async () => {
    const fresh = await page();
    fresh.targets.webstorages = [fresh.local];
    await refused(JSON.parse(text), fresh, 'missing', /strict import refused.*webstorage\('session', \{ namespace: 'ui' \}\)/, true);
  });
});

describe('skipped, the rest applied', () => {
  it('states the page does not have, and states a file cannot rebuild', async () => {
    const file = JSON.parse(text) as SnapshotFile;
    file.stores[0]!.states.push(
      { scope: 'settings', key: 'gone', value: 1 },
      { scope: 'settings', key: 'prefs2', value: { $t: 'function', name: 'f', description: 'function f()' } },
    );
    const fresh = await page();
    fresh.store.createState<unknown>(null, { key: 'prefs2', scope: 'settings' });
    const preview = await previewSnapshot(file, { targets: fresh.targets });
    expect(preview.skipped).toEqual([
      { path: ['state', 'app', 'settings', 'gone'], reason: expect.stringMatching(/not on this page/) },
      { path: ['state', 'app', 'settings', 'prefs2'], reason: expect.stringMatching(/holds a function/) },
    ]);
    await importSnapshot(file, { targets: fresh.targets });
    expect(fresh.store.getState({ key: 'prefs2', scope: 'settings' })!.value).toBeNull();
    expect(fresh.local.get('cart')).toEqual([{ sku: 'p1', n: 2 }]);
    await fresh.db.delete();
  });

  it("a state holding a class instance: imported when the instance is the page's unchanged (kept as it is), skipped when it would change", async () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const file = JSON.parse(text) as SnapshotFile;
    file.stores[0]!.states.push(
      { scope: 'settings', key: 'same', value: encode({ p: new Point(3, 4), n: 2 }) },
      { scope: 'settings', key: 'moved', value: encode({ p: new Point(3, 5), n: 2 }) },
    );
    const fresh = await page();
    const point = new Point(3, 4);
    const same = fresh.store.createState<{ p: Point; n: number }>({ p: point, n: 1 }, { key: 'same', scope: 'settings' });
    const moved = fresh.store.createState<{ p: Point; n: number }>({ p: new Point(3, 4), n: 1 }, { key: 'moved', scope: 'settings' });
    const before = moved.value;
    const preview = await previewSnapshot(file, { targets: fresh.targets });
    expect(preview.skipped).toEqual([{ path: ['state', 'app', 'settings', 'moved'], reason: expect.stringMatching(/\["p"\] is a Point: the panel cannot rebuild a class instance/) }]);
    await importSnapshot(file, { targets: fresh.targets });
    expect(same.value.n).toBe(2);
    expect(same.value.p).toBe(point);
    expect(moved.value).toBe(before);
    await fresh.db.delete();
  });

  it('a state holding a class instance 5,000 levels down: kept or skipped in words, as near the top (no running out of stack)', async () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    // 5,000 levels overflowed the recursive check; guardClasses' own test goes to 20,000 (diff()
    // copies each path step by step, seconds at 20,000 levels, so this one stays shallower).
    const deep = (leaf: unknown): unknown => {
      let value = leaf;
      for (let i = 0; i < 5_000; i++) value = i % 2 ? [value] : { v: value };
      return value;
    };
    const bottom = (value: unknown): unknown => {
      for (let i = 4_999; i >= 0; i--) value = i % 2 ? (value as unknown[])[0] : (value as { v: unknown }).v;
      return value;
    };
    const file = JSON.parse(text) as SnapshotFile;
    file.stores[0]!.states.push(
      { scope: 'settings', key: 'same', value: encode(deep({ p: new Point(3, 4), n: 2 })) },
      { scope: 'settings', key: 'moved', value: encode(deep({ p: new Point(3, 5), n: 2 })) },
    );
    const fresh = await page();
    const point = new Point(3, 4);
    const same = fresh.store.createState<unknown>(deep({ p: point, n: 1 }), { key: 'same', scope: 'settings' });
    const moved = fresh.store.createState<unknown>(deep({ p: new Point(3, 4), n: 1 }), { key: 'moved', scope: 'settings' });
    const before = moved.value;
    const preview = await previewSnapshot(file, { targets: fresh.targets });
    expect(preview.skipped).toEqual([{ path: ['state', 'app', 'settings', 'moved'], reason: expect.stringMatching(/^\["0"\]\["v"\].*…\(5001 levels\)….*\["p"\] is a Point: the panel cannot rebuild/) }]);
    await importSnapshot(file, { targets: fresh.targets });
    expect((bottom(same.value) as { n: number }).n).toBe(2);
    expect((bottom(same.value) as { p: Point }).p).toBe(point);
    expect(moved.value).toBe(before);
    await fresh.db.delete();
  });
});
