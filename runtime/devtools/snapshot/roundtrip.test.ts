/**
 * Snapshot round trips: export a filled page, write the file as text, import it into a fresh
 * page (memory, and IndexedDB through fake-indexeddb in a fresh "profile"); every state, key,
 * row, cache entry and blob comes back — blobs byte for byte — and diff finds nothing.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { app, bytes, fill, type Page, type ProviderName } from '../../../test/helpers/snapshot-app.js';
import { Scopes } from '../../store/scopes.js';
import { configureDevtools } from '../../registry/registry.js';
import { diff, exportSnapshot, importSnapshot, parseSnapshot, previewSnapshot } from './index.js';

afterEach(() => configureDevtools({ redact: () => false }));

/** Byte for byte (compared as Buffers: a deep equality over 3 million entries takes seconds). */
async function sameBytes(blob: Blob | undefined, expected: Uint8Array): Promise<boolean> {
  return blob !== undefined && Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(expected));
}

/** A filled page, its snapshot as a file's text, and a fresh empty page of the same app. */
async function exported(provider: ProviderName, blobSize?: number): Promise<{ source: Page; text: string; fresh: Page }> {
  const source = await app(provider, { clientId: 'tab-1' });
  await fill(source, blobSize);
  const text = JSON.stringify(await exportSnapshot(source.targets));
  // The source page goes away (another profile, another tab).
  await source.db.delete();
  const fresh = await app(provider, { clientId: 'tab-2' });
  return { source, text, fresh };
}

describe.each<ProviderName>(['memory', 'indexeddb'])('%s', (provider) => {
  it('imports into a fresh page: states, webstorage, rows, cache and blobs, and diff is then empty', async () => {
    const { text, fresh } = await exported(provider);
    const file = parseSnapshot(text);
    expect(file).toMatchObject({ format: 'stratum-snapshot', version: 1, codec: 1 });

    const summary = await importSnapshot(file, { targets: fresh.targets });
    expect(summary.applied).toBe(true);
    expect(summary.skipped).toEqual([]);
    expect(summary.counts).toMatchObject({ state: { changed: 4 }, webstorage: { added: 3 }, row: { added: 5 }, cache: { added: 2 }, blob: { added: 2 } });

    const { store, local, session, db } = fresh;
    expect(store.getState({ key: 'prefs', scope: 'settings' })!.value).toEqual({
      theme: 'dark',
      since: new Date(5),
      tags: new Set(['a', 'b']),
      limits: new Map([['cart', 10]]),
      big: 2n ** 70n,
      ratio: -0,
    });
    // The draft was the exporting tab's client state: it lands in this tab's client scope.
    expect(store.getState({ key: 'draft', scope: Scopes.Client })!.value).toBe('hello');
    expect(store.getState({ key: 'open', component: 'header' })!.value).toBe(true);
    const avatar = store.getState<File>({ key: 'avatar', scope: Scopes.User })!.value;
    expect(avatar).toBeInstanceOf(File);
    expect([avatar.name, avatar.type, avatar.lastModified]).toEqual(['me.png', 'image/png', 1234]);
    expect(await sameBytes(avatar, bytes(1000, 3))).toBe(true);

    expect(local.get('cart')).toEqual([{ sku: 'p1', n: 2 }]);
    expect(local.get('token')).toBe('secret-1');
    expect(session.get('tab')).toBe('orders');

    expect(await db.table('products').query({ index: 'byTag', range: { eq: 'red' } })).toMatchObject([{ sku: 'p1', added: new Date(1) }]);
    const p2 = (await db.table('products').get('p2')) as { manual: Blob };
    expect(await sameBytes(p2.manual, bytes(64, 9))).toBe(true);
    expect(await db.table('orders').query()).toEqual([
      { id: 1, items: ['p1'], total: 20 },
      { id: 2, items: ['p2', 'p3'], total: 32 },
    ]);
    expect(await db.cache.get('rates')).toEqual({ eur: 1.1 });
    expect(await db.cache.get('session')).toBe('abc');
    // Listed by creation time: two blobs put in one millisecond come in id order, so sort by name.
    const blobs = (await db.blobs.list()).sort((a, b) => a.name.localeCompare(b.name));
    expect(blobs.map(({ name, size, meta }) => ({ name, size, meta }))).toEqual([
      { name: 'big.bin', size: 3 * 1024 * 1024, meta: { source: 'test' } },
      { name: 'note.txt', size: 10, meta: undefined },
    ]);
    expect(await sameBytes(await db.blobs.get(blobs[0]!.id), bytes(3 * 1024 * 1024))).toBe(true);
    // (Node's structuredClone, which both providers use here, stores a File as a plain Blob; Chromium keeps the File.)
    expect(await sameBytes(await db.blobs.get(blobs[1]!.id), bytes(10, 5))).toBe(true);

    expect(diff(await exportSnapshot(fresh.targets), file)).toEqual([]);
    // Importing the same file again changes nothing.
    const again = await importSnapshot(file, { targets: fresh.targets });
    expect(again.total).toBe(0);
  });

  it('previews what would change without applying it; the import then replaces namespaces and tables', async () => {
    const { text, fresh } = await exported(provider);
    const file = parseSnapshot(text);
    await importSnapshot(file, { targets: fresh.targets });
    // The page moves on: a key added, a row changed, a row added, a state changed.
    fresh.local.set('extra', 1);
    await fresh.db.table('products').put({ sku: 'p1', price: 11, tags: ['red', 'big'], added: new Date(1) });
    await fresh.db.table('products').put({ sku: 'p9', price: 1, tags: [] });
    fresh.store.getState<boolean>({ key: 'open', component: 'header' })!.set(false);

    const preview = await previewSnapshot(file, { targets: fresh.targets });
    expect(preview.applied).toBe(false);
    expect(preview.counts).toEqual({
      state: { added: 0, changed: 1, removed: 0 },
      webstorage: { added: 0, changed: 0, removed: 1 },
      row: { added: 0, changed: 1, removed: 1 },
      cache: { added: 0, changed: 0, removed: 0 },
      blob: { added: 0, changed: 0, removed: 0 },
    });
    expect(preview.differences).toContainEqual({ path: ['row', 'shop', 'products', 'p1', 'price'], kind: 'changed', before: 11, after: 10 });
    expect(preview.differences).toContainEqual({ path: ['webstorage', 'local', 'shop', 'extra'], kind: 'removed', before: 1 });
    expect(fresh.local.get('extra')).toBe(1);
    expect(await fresh.db.table('products').count()).toBe(4);

    await importSnapshot(file, { targets: fresh.targets });
    expect(fresh.local.has('extra')).toBe(false);
    expect(await fresh.db.table('products').get('p9')).toBeUndefined();
    expect(diff(await exportSnapshot(fresh.targets), file)).toEqual([]);
  });
});

describe('redaction', () => {
  it('keeps what redact() hides out of the file, and the importing page keeps its own', async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'token' });
    const source = await app('memory', { dbName: 'shop-redact' });
    await fill(source, 100);
    const file = await exportSnapshot(source.targets);
    expect(JSON.stringify(file)).not.toMatch(/secret-1/);
    const shop = file.webstorages.find((ws) => ws.namespace === 'shop')!;
    expect(shop.entries.find((entry) => entry.key === 'token')).toMatchObject({ redacted: [[]] });
    await source.db.delete();

    const fresh = await app('memory', { dbName: 'shop-redact' });
    fresh.local.set('token', 'mine');
    const summary = await importSnapshot(file, { targets: fresh.targets });
    expect(fresh.local.get('token')).toBe('mine');
    expect(fresh.local.get('cart')).toEqual([{ sku: 'p1', n: 2 }]);
    expect(summary.skipped).toContainEqual({ path: ['webstorage', 'local', 'shop', 'token'], reason: expect.stringMatching(/redact/) });
  });
});
