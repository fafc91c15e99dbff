import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decode, encode, type Encoded } from '#codec/index.js';
import { CommandError } from '#protocol/errors.js';
import { PageDatabases } from './idb.js';
import { standIn } from './show.js';

let counter = 0;

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * fake-indexeddb clones with Node's structuredClone, which runs out of stack near 5,000 levels; a
 * browser's IndexedDB holds deeper rows. Until the test's mocks are restored, a value Node cannot
 * clone is copied without recursion (plain objects and arrays; a Blob is shared, as immutable).
 */
function deepCloneAsABrowser(): void {
  const clone = globalThis.structuredClone;
  const container = (value: unknown): value is object => typeof value === 'object' && value !== null && !(value instanceof Blob);
  const copy = (value: unknown): unknown => {
    if (!container(value)) return value;
    const top: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
    const stack: [object, Record<string, unknown>][] = [[value, top]];
    for (let at; (at = stack.pop()); ) {
      for (const [key, item] of Object.entries(at[0])) {
        const made = container(item) ? (Array.isArray(item) ? ([] as unknown as Record<string, unknown>) : {}) : item;
        at[1][key] = made;
        if (made !== item) stack.push([item as object, made as Record<string, unknown>]);
      }
    }
    return top;
  };
  vi.spyOn(globalThis, 'structuredClone').mockImplementation(((value: unknown, options?: StructuredSerializeOptions) => {
    try {
      return clone(value, options);
    } catch (error) {
      if (error instanceof RangeError) return copy(value);
      throw error;
    }
  }) as typeof structuredClone);
}


/** A database as an app would make it (raw IndexedDB), with a fresh name per test. */
async function appDb(setup: (db: IDBDatabase) => void, version = 1, name = `app-${++counter}`): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => setup(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('blocked'));
  });
}

function put(db: IDBDatabase, store: string, rows: unknown[], keys?: IDBValidKey[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    rows.forEach((row, i) => tx.objectStore(store).put(row, keys?.[i]));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

function get(db: IDBDatabase, store: string, key: IDBValidKey): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = db.transaction(store).objectStore(store).get(key);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function friends() {
  const db = await appDb((d) => {
    const store = d.createObjectStore('friends', { keyPath: 'id', autoIncrement: true });
    store.createIndex('name', 'name', { unique: true });
    store.createIndex('tags', 'tags', { multiEntry: true });
    d.createObjectStore('kv');
  });
  await put(db, 'friends', [
    { id: 1, name: 'Ada', age: 36, tags: ['math'] },
    { id: 2, name: 'Grace', age: 45, tags: ['navy'] },
    { id: 3, name: 'Linus', age: 28, tags: ['kernel'] },
  ]);
  await put(db, 'kv', ['dark', { n: 1 }], ['theme', 'prefs']);
  const inspector = new PageDatabases(indexedDB);
  const info = await inspector.describe(db.name);
  return { db, inspector, id: info.id, info };
}

describe('the page storage inspector: IndexedDB', () => {
  it('describes object stores with key paths, key generators, indexes and counts; out-of-line keys say so', async () => {
    const { info, db } = await friends();
    const byName = Object.fromEntries(info.tables.map((table) => [table.name, table]));
    expect(byName.friends).toMatchObject({ keyPath: 'id', autoIncrement: true, count: 3 });
    expect(byName.friends!.indexes).toEqual([
      { name: 'name', keyPath: 'name', unique: true, multiEntry: false },
      { name: 'tags', keyPath: 'tags', unique: false, multiEntry: true },
    ]);
    expect(byName.kv).toMatchObject({ keyPath: '', autoIncrement: false, count: 2 });
    db.close();
  });

  it('reads pages in IndexedDB order, by primary key or by an index, with the total', async () => {
    const { inspector, id, db } = await friends();
    const page = await inspector.query({ database: id, table: 'friends', offset: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.rows.map((row) => decode(row.key))).toEqual([2]);
    const byName = await inspector.query({ database: id, table: 'friends', index: 'name', direction: 'prev' });
    expect(byName.rows.map((row) => (decode(row.value) as { name: string }).name)).toEqual(['Linus', 'Grace', 'Ada']);
    const ranged = await inspector.query({ database: id, table: 'friends', range: { gte: encode(2) } });
    expect(ranged.total).toBe(2);
    db.close();
  });

  it('writes a row over the hash the panel saw, and refuses one that changed since, naming what is there now', async () => {
    const { inspector, id, db } = await friends();
    const [row] = (await inspector.query({ database: id, table: 'friends', limit: 1 })).rows;
    await put(db, 'friends', [{ id: 1, name: 'Ada', age: 37, tags: ['math'] }]);
    const stale = inspector.put(id, 'friends', encode({ id: 1, name: 'Ada', age: 99, tags: [] }), row!.hash);
    await expect(stale).rejects.toMatchObject({ code: 'conflict' });
    const error = (await stale.catch((caught: unknown) => caught)) as CommandError;
    expect(decode(error.current!.value)).toMatchObject({ age: 37 });
    expect(await get(db, 'friends', 1)).toMatchObject({ age: 37 });
    await inspector.put(id, 'friends', encode({ id: 1, name: 'Ada', age: 99, tags: [] }), error.current!.version as `h${string}`);
    expect(await get(db, 'friends', 1)).toMatchObject({ age: 99 });
    db.close();
  });

  it('a field edit keeps the rest of the row, refuses a stale base and a key change; out-of-line rows edit in place', async () => {
    const { inspector, id, db } = await friends();
    const [row] = (await inspector.query({ database: id, table: 'friends', limit: 1 })).rows;
    await inspector.edit(id, 'friends', encode(1), { path: ['age'], op: 'set', value: encode(40), baseVersion: row!.hash });
    expect(await get(db, 'friends', 1)).toEqual({ id: 1, name: 'Ada', age: 40, tags: ['math'] });
    await expect(inspector.edit(id, 'friends', encode(1), { path: ['age'], op: 'set', value: encode(41), baseVersion: row!.hash })).rejects.toMatchObject({ code: 'conflict' });
    await expect(inspector.edit(id, 'friends', encode(1), { path: ['id'], op: 'set', value: encode(7) })).rejects.toThrow(/change the row's key/);
    await inspector.edit(id, 'kv', encode('prefs'), { path: ['n'], op: 'set', value: encode(2) });
    expect(await get(db, 'kv', 'prefs')).toEqual({ n: 2 });
    await expect(inspector.put(id, 'kv', encode({ n: 3 }), null)).rejects.toThrow(/out of line.*send the key/);
    db.close();
  });

  it('puts an out-of-line row at the key the panel names: a new key only where no row is, a row it saw over its hash', async () => {
    const { inspector, id, db } = await friends();
    const added = await inspector.put(id, 'kv', encode('a plain string'), null, encode('note'));
    expect(added.key).toBe('note');
    expect(await get(db, 'kv', 'note')).toBe('a plain string');
    // A row is already at "prefs": putting a "new" row there is a conflict, and it stays.
    await expect(inspector.put(id, 'kv', encode({ n: 9 }), null, encode('prefs'))).rejects.toMatchObject({ code: 'conflict' });
    expect(await get(db, 'kv', 'prefs')).toEqual({ n: 1 });
    const [prefs] = (await inspector.query({ database: id, table: 'kv', range: { eq: encode('prefs') } })).rows;
    await inspector.put(id, 'kv', encode({ n: 9, more: true }), prefs!.hash, encode('prefs'));
    expect(await get(db, 'kv', 'prefs')).toEqual({ n: 9, more: true });
    db.close();
  });

  it('deletes over the hash the panel saw, and adds with the key generator', async () => {
    const { inspector, id, db } = await friends();
    const rows = (await inspector.query({ database: id, table: 'friends' })).rows;
    await expect(inspector.delete(id, 'friends', rows[1]!.key, 'hstale0000000')).rejects.toMatchObject({ code: 'conflict' });
    await inspector.delete(id, 'friends', rows[1]!.key, rows[1]!.hash);
    expect(await get(db, 'friends', 2)).toBeUndefined();
    const added = await inspector.add(id, 'friends', encode({ name: 'Barbara', age: 40, tags: [] }));
    expect(added.key).toBe(4);
    db.close();
  });

  it('closes its connection when the app upgrades, so the upgrade is not blocked, and reads the new schema after', async () => {
    const { inspector, id, db } = await friends();
    await inspector.query({ database: id, table: 'friends' });
    db.close();
    const upgraded = await appDb((d) => d.createObjectStore('notes', { keyPath: 'id' }), 2, db.name);
    expect(upgraded.version).toBe(2);
    const after = await inspector.describe(db.name);
    expect(after.version).toBe(2);
    expect(after.tables.map((table) => table.name).sort()).toEqual(['friends', 'kv', 'notes']);
    upgraded.close();
  });

  it('never creates a database again that the app deleted', async () => {
    const { inspector, db } = await friends();
    db.close();
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(db.name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
    });
    const info = await inspector.describe(db.name);
    expect(info.closed).toBe(true);
    expect(info.reason).toMatch(/no longer exists/);
    expect((await indexedDB.databases()).map((one) => one.name)).not.toContain(db.name);
  });

  it('refuses a whole value holding a stand-in for an object the codec can only show (a CryptoKey, a class instance)', async () => {
    class Secret {
      hidden = 1;
    }
    const shown = decode(encode({ key: new Secret(), note: 'x' }));
    expect(standIn(shown)).toMatch(/\["key"\] is a Secret/);
    expect(standIn(decode(encode({ when: new Date(0), tags: new Map([['a', 1]]) })))).toBeUndefined();
    const { inspector, id, db } = await friends();
    await expect(inspector.put(id, 'friends', encode({ id: 1, name: 'Ada', secret: new Secret() }), null)).rejects.toMatchObject({ code: 'not-editable' });
    db.close();
  });
  it('a whole-row write over a row whose Blob the app replaced since keeps the app\'s Blob, not the old one written back', async () => {
    const db = await appDb((d) => d.createObjectStore('photos', { keyPath: 'id' }));
    await put(db, 'photos', [{ id: 1, image: new Blob(['old'], { type: 'image/png' }), caption: 'a' }]);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [row] = (await inspector.query({ database: id, table: 'photos' })).rows;
    // The app replaces the picture (same type and size, other bytes): the row's hash cannot tell.
    await put(db, 'photos', [{ id: 1, image: new Blob(['new'], { type: 'image/png' }), caption: 'a' }]);
    // The panel saves the caption in the row editor: the row it showed, one field changed.
    const edited = { ...(row!.value as Record<string, Encoded>), caption: 'b' };
    await inspector.put(id, 'photos', edited, row!.hash);
    const stored = (await get(db, 'photos', 1)) as { image: Blob; caption: string };
    expect(stored.caption).toBe('b');
    expect(await stored.image.text()).toBe('new');
    // The app removed the picture since: even over the new hash (Overwrite), the old one is not written back.
    const [again] = (await inspector.query({ database: id, table: 'photos' })).rows;
    await put(db, 'photos', [{ id: 1, image: null, caption: 'b' }]);
    const [now] = (await inspector.query({ database: id, table: 'photos' })).rows;
    await expect(inspector.put(id, 'photos', { ...(again!.value as Record<string, Encoded>), caption: 'c' }, now!.hash)).rejects.toThrow(/\["image"\] is a blob the app has replaced or removed/);
    expect(await get(db, 'photos', 1)).toEqual({ id: 1, image: null, caption: 'b' });
    db.close();
  });
  it('a whole-row write puts back the app\'s Blobs wherever they sit: Map keys and values, Set items, arrays, nested objects', async () => {
    const db = await appDb((d) => d.createObjectStore('files', { keyPath: 'id' }));
    const blob = (text: string) => new Blob([text], { type: 'text/plain' });
    const row = (v: string, deep: Blob | null) => ({
      id: 1,
      m: new Map<unknown, unknown>([[blob(`k${v}`), 'key'], ['value', blob(`v${v}`)]]),
      s: new Set([blob(`s${v}`), 'plain']),
      list: [{ deep }, [blob(`a${v}`)]],
    });
    await put(db, 'files', [row('1', blob('d1'))]);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [shown] = (await inspector.query({ database: id, table: 'files' })).rows;
    // The app replaces every Blob (same sizes, other bytes): the panel's save writes its own Blobs' places.
    await put(db, 'files', [row('2', blob('d2'))]);
    const [now] = (await inspector.query({ database: id, table: 'files' })).rows;
    await inspector.put(id, 'files', shown!.value, now!.hash);
    const stored = (await get(db, 'files', 1)) as ReturnType<typeof row>;
    const texts = async (value: ReturnType<typeof row>) => [
      await ([...value.m.keys()][0] as Blob).text(),
      await (value.m.get('value') as Blob).text(),
      await ([...value.s][0] as Blob).text(),
      [...value.s][1],
      await (value.list[0] as { deep: Blob }).deep.text(),
      await (value.list[1] as Blob[])[0]!.text(),
    ];
    expect(await texts(stored)).toEqual(['k2', 'v2', 's2', 'plain', 'd2', 'a2']);
    // One the app removed since is named by its place in what the panel sent.
    await put(db, 'files', [row('3', null)]);
    const [last] = (await inspector.query({ database: id, table: 'files' })).rows;
    await expect(inspector.put(id, 'files', shown!.value, last!.hash)).rejects.toThrow(/^\["list"\]\[0\]\["deep"\] is a blob the app has replaced or removed/);
    db.close();
  });
  it('edits a field of a row 20,000 levels deep, keeping its Blob down there, instead of running out of stack', async () => {
    // Before: the write's Blob walk (idb.ts _freshBlobs) recursed and threw RangeError (InternalError
    // in Firefox): a row the inspector lists and hashes could not be edited.
    deepCloneAsABrowser();
    const deep = (leaf: unknown): unknown => {
      let value = leaf;
      for (let i = 0; i < 20_000; i++) value = i % 2 ? [value] : { v: value };
      return value;
    };
    const bottom = (value: unknown): unknown => {
      for (let i = 0; i < 20_000; i++) value = Array.isArray(value) ? value[0] : (value as { v: unknown }).v;
      return value;
    };
    const db = await appDb((d) => d.createObjectStore('photos', { keyPath: 'id' }));
    await put(db, 'photos', [{ id: 1, caption: 'a', body: deep({ image: new Blob(['deep'], { type: 'image/png' }) }) }]);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [row] = (await inspector.query({ database: id, table: 'photos' })).rows;
    await inspector.edit(id, 'photos', encode(1), { path: ['caption'], op: 'set', value: encode('b'), baseVersion: row!.hash });
    const stored = (await get(db, 'photos', 1)) as { caption: string; body: unknown };
    expect(stored.caption).toBe('b');
    expect(await (bottom(stored.body) as { image: Blob }).image.text()).toBe('deep');
    db.close();
  });
  it('saves a whole row 20,000 levels deep from the panel and reads it back, instead of a bare engine error', async () => {
    // Before: decodeEdit recursed, so the save failed with "Maximum call stack size exceeded"
    // (in Chromium, surfacing as a TypeError about instanceof; InternalError in Firefox).
    deepCloneAsABrowser();
    let body: unknown = { leaf: 'bottom' };
    for (let i = 0; i < 20_000; i++) body = i % 2 ? [body] : { v: body };
    const db = await appDb((d) => d.createObjectStore('docs', { keyPath: 'id' }));
    await put(db, 'docs', [{ id: 1, body: 'short' }]);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [row] = (await inspector.query({ database: id, table: 'docs' })).rows;
    await inspector.put(id, 'docs', encode({ id: 1, body }), row!.hash, row!.key);
    let stored = ((await get(db, 'docs', 1)) as { body: unknown }).body;
    for (let i = 19_999; i >= 0; i--) stored = i % 2 ? (stored as unknown[])[0] : (stored as { v: unknown }).v;
    expect(stored).toEqual({ leaf: 'bottom' });
    db.close();
  });
  it('a row whose key is a long string (a data: URL) is deleted by the key the panel was shown; a cut key is refused in words', async () => {
    const db = await appDb((d) => d.createObjectStore('thumbs'));
    const url = `data:image/png;base64,${'A'.repeat(20_000)}`;
    await put(db, 'thumbs', [{ w: 1 }, { w: 2 }], [url, 'short']);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [row] = (await inspector.query({ database: id, table: 'thumbs' })).rows;
    expect(decode(row!.key)).toBe(url);
    await inspector.delete(id, 'thumbs', row!.key, row!.hash);
    expect(await get(db, 'thumbs', url)).toBeUndefined();
    const cut = encode(url, { maxString: 100 });
    await expect(inspector.delete(id, 'thumbs', cut, row!.hash)).rejects.toThrow(/the key is cut short/);
    db.close();
  });
  it('a whole-row write that changes an inline key is refused in words, as a field edit of the key is, and leaves one row', async () => {
    const { inspector, id, db } = await friends();
    const [row] = (await inspector.query({ database: id, table: 'friends', limit: 1 })).rows;
    const edited = { ...(row!.value as Record<string, Encoded>), id: 7 };
    await expect(inspector.put(id, 'friends', edited, row!.hash, row!.key)).rejects.toThrow(/change the row's key/);
    expect(await get(db, 'friends', 7)).toBeUndefined();
    expect(await get(db, 'friends', 1)).toMatchObject({ name: 'Ada' });
    // The same row under its own key is written as before.
    await inspector.put(id, 'friends', { ...(row!.value as Record<string, Encoded>), age: 37 }, row!.hash, row!.key);
    expect(await get(db, 'friends', 1)).toMatchObject({ age: 37 });
    db.close();
  });
  it('deleting a row whose CryptoKey the app rotated since is a conflict; an unchanged one deletes', async () => {
    const db = await appDb((d) => d.createObjectStore('keys'));
    const first = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await put(db, 'keys', [first, first], ['device', 'spare']);
    const inspector = new PageDatabases(indexedDB);
    const { id } = await inspector.describe(db.name);
    const [device, spare] = (await inspector.query({ database: id, table: 'keys' })).rows;
    // The codec shows every CryptoKey alike (its fields are prototype getters): the hash must not.
    const rotated = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    await put(db, 'keys', [rotated], ['device']);
    await expect(inspector.delete(id, 'keys', device!.key, device!.hash)).rejects.toMatchObject({ code: 'conflict' });
    expect(await get(db, 'keys', 'device')).toBeDefined();
    await inspector.delete(id, 'keys', spare!.key, spare!.hash);
    expect(await get(db, 'keys', 'spare')).toBeUndefined();
    db.close();
  });
});
