import { afterEach, describe, expect, it, vi } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode, encode } from '../../../codec/index.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import { Command, Event } from '../../../protocol/messages.js';
import { Store } from '../../../store/store.js';
import { webstorage } from '../../../webstorage/index.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';

describe('expand', () => {
  it('expands a truncated path of a webstorage key, a row and a cache entry', async () => {
    const long = { words: Array.from({ length: 1000 }, (_, i) => `w${i}`) };
    const storage = webstorage('memory', { namespace: 'expand' });
    storage.set('long', long);
    const db = await openDatabase('expand-db', { version: 1, tables: { docs: { key: 'id' } }, cache: true, provider: memory() });
    await db.table('docs').put({ id: 'a', ...long });
    await db.cache.set(['compound', 1], long);
    const t = kit();
    await t.hello();
    const targets = [
      { kind: 'webstorage' as const, storage: registryId(storage)!, key: 'long' },
      { kind: 'row' as const, database: registryId(db)!, table: 'docs', key: 'a' },
      { kind: 'cache' as const, database: registryId(db)!, key: encode(['compound', 1]) },
    ];
    for (const target of targets) {
      const { value } = await t.call(Command.expand, { target, path: ['words'] });
      expect(JSON.stringify(value)).toMatch(/"size":1000/);
      const item = await t.call(Command.expand, { target, path: ['words', 999] });
      expect(item.value).toBe('w999');
    }
    await expect(t.call(Command.expand, { target: targets[0]!, path: ['nope'] })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('expand by page of a far sparse array', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('pages through the items it holds, [index, item] each, counted in items; redact() still hides an item', async () => {
    const list: unknown[] = [];
    for (let i = 0; i < 5; i++) list[i * 1000] = { n: i };
    list[2 ** 32 - 2] = 'secret';
    const store = new Store({ name: `expand-far-${Math.random()}` });
    const state = store.createState({ list }, { key: 'far', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 2 ** 32 - 2 });
    const t = kit();
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    const first = await t.call(Command.expand, { target, path: ['list'], offset: 0, limit: 2 });
    expect(first).toMatchObject({ offset: 0, total: 6, value: [[0, { n: 0 }], [1000, { n: 1 }]] });
    const rest = await t.call(Command.expand, { target, path: ['list'], offset: 2, limit: 10 });
    expect(rest).toMatchObject({ offset: 2, total: 6, value: [[2000, { n: 2 }], [3000, { n: 3 }], [4000, { n: 4 }], [2 ** 32 - 2, '[redacted]']] });
    expect(JSON.stringify(rest)).not.toMatch(/secret/);
  });
});

describe('expand of a whole state', () => {
  it('gives the version the value was read at, when the app changes the state while the answer is made', async () => {
    const store = new Store({ name: `expand-version-${Math.random()}` });
    const state = store.createState({ n: 1 }, { key: 's', scope: 'app' });
    const t = kit();
    await t.hello();
    // The app's own promise work, already queued when the panel's request arrives.
    queueMicrotask(() => state.set({ n: 2 }));
    t.post(t.envelope([{ command: Command.expand, id: 'expand-race:1', payload: { target: { kind: 'state', store: registryId(store)!, state: state.id }, path: [] } }]));
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    const answer = t.events(Event.response).find((response) => response.id === 'expand-race:1');
    expect(answer).toMatchObject({ ok: true });
    const { value, version } = (answer as { result: { value: unknown; version: number } }).result;
    // The pair the panel files: never an older value under a newer version (an edit over it would win).
    // The value is read as the request arrives, before the app's set: so is its version.
    expect([decode(value as never), version]).toEqual([{ n: 1 }, 0]);
  });
});

describe('expand with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('keeps hidden a part shared with a redacted one, when its container is expanded (whole or by page)', async () => {
    const store = new Store({ name: `expand-shared-${Math.random()}` });
    const auth = { token: 'sk_live_shared' };
    const session = store.createState({ auth, recent: [auth] }, { key: 'session', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 'auth' });
    const t = kit();
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: session.id };
    // The whole value hides the shared object at both places (a ref to a redacted node is redacted).
    expect(JSON.stringify(await t.call(Command.expand, { target, path: [] }))).not.toMatch(/sk_live/);
    expect(JSON.stringify(await t.call(Command.expand, { target, path: ['recent'] }))).not.toMatch(/sk_live/);
    expect(JSON.stringify(await t.call(Command.expand, { target, path: ['recent'], offset: 0, limit: 10 }))).not.toMatch(/sk_live/);
  });

  it('answers the same for any path inside a redacted part, there or not (no probing its keys or length)', async () => {
    const store = new Store({ name: `expand-probe-${Math.random()}` });
    const session = store.createState({ auth: { token: 'sk_live_x', scopes: ['read'] } }, { key: 'session', scope: 'app' });
    configureDevtools({ redact: (path) => path.at(-1) === 'auth' });
    const t = kit();
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: session.id };
    for (const path of [['auth', 'token'], ['auth', 'password'], ['auth', 'scopes', 0], ['auth', 'scopes', 5]]) {
      await expect(t.call(Command.expand, { target, path })).rejects.toMatchObject({ code: 'redacted' });
    }
  });
});

describe('storeAsGlobal', () => {
  it('puts the value at a path in window.$stratum, without eval', async () => {
    const store = new Store({ name: 'global' });
    const state = store.createState({ nested: { map: new Map([[1, 'one']]) } }, { key: 'g', scope: 'app' });
    const t = kit();
    await t.hello();
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    expect(await t.call(Command.storeAsGlobal, { target, path: ['nested', 'map'] })).toEqual({ name: '$stratum' });
    expect((globalThis as { $stratum?: unknown }).$stratum).toBe(state.value.nested.map);
    expect(info).toHaveBeenCalledOnce();
    info.mockRestore();
  });

  it('puts redacted parts below the path in $stratum as the panel shows them, never the secret', async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const store = new Store({ name: 'global-redacted' });
    const state = store.createState({ user: { name: 'ada', password: 'hunter2', seen: new Date(0), roles: new Set(['admin']) } }, { key: 'g', scope: 'app' });
    const t = kit();
    await t.hello();
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    expect(await t.call(Command.storeAsGlobal, { target, path: ['user'] })).toEqual({ name: '$stratum' });
    const global = (globalThis as { $stratum?: unknown }).$stratum;
    expect(global).toEqual({ name: 'ada', password: '[redacted]', seen: new Date(0), roles: new Set(['admin']) });
    expect(JSON.stringify(info.mock.calls)).not.toContain('hunter2');
    // A copy: the page's own value keeps its secret, and changing $stratum does not reach it.
    expect(global).not.toBe(state.value.user);
    expect(state.value.user.password).toBe('hunter2');
    info.mockRestore();
  });
});

describe('blobs inside values', () => {
  it('reads the bytes of a File held in a state by the ref of its encoded node', async () => {
    const store = new Store({ name: 'files' });
    store.createState({ upload: new File(['abcdef'], 'f.txt', { type: 'text/plain' }) }, { key: 'f', scope: 'app' });
    const t = kit();
    await t.hello();
    const value = (await t.call(Command.snapshot, {})).stores.find((s) => s.name === 'files')!.scopes[0]!.states[0]!.value as {
      upload: { ref: string; name: string };
    };
    expect(value.upload.name).toBe('f.txt');
    const chunk = await t.call(Command.blobRead, { database: 0, id: value.upload.ref, offset: 2, length: 2 });
    expect(Buffer.from(chunk.bytes, 'base64').toString()).toBe('cd');
    // The panel writing the value back keeps the File itself.
    const state = store.getState<{ upload: File }>({ key: 'f', scope: 'app' })!;
    const before = state.value.upload;
    await t.call(Command.stateSet, { store: registryId(store)!, state: state.id, value: encode({ ...decodeShown(value), note: 1 }), baseVersion: 0 });
    expect(state.value.upload).toBe(before);
  });
});

function decodeShown(value: unknown): object {
  return decode(value) as object;
}

describe('pageFacts', () => {
  it('says why estimate and databases are unavailable outside a browser, and counts drops', async () => {
    const t = kit();
    await t.hello();
    t.post({ source: 'stratum-content', nonsense: true });
    const facts = await t.call(Command.pageFacts, {});
    expect(facts.dropped).toBe(1);
    expect(facts.foreignKeys).toEqual([]);
    expect('unavailable' in facts.databases).toBe(true);
  });
});

describe('expand by pages', () => {
  it('reads a long string, and large arrays, Maps, Sets, objects and typed arrays, in full', async () => {
    const value = {
      body: 'x'.repeat(14_999) + 'y',
      list: Array.from({ length: 500 }, (_, i) => ({ i, deep: 'd'.repeat(i === 450 ? 20_000 : 1) })),
      map: new Map(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
      set: new Set(Array.from({ length: 250 }, (_, i) => i * 2)),
      wide: Object.fromEntries(Array.from({ length: 260 }, (_, i) => [`f${i}`, i])),
      bytes: new Uint16Array(70_000).fill(7),
    };
    const store = new Store({ name: 'pages' });
    const state = store.createState(value, { key: 'p', scope: 'app' });
    const t = kit();
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    const page = (path: (string | number)[], offset: number, limit: number) => t.call(Command.expand, { target, path, offset, limit });

    let text = '';
    for (let offset = 0; offset < 15_000; ) {
      const got = await page(['body'], offset, 4000);
      expect(got.total).toBe(15_000);
      text += got.value as string;
      offset += (got.value as string).length;
    }
    expect(text).toBe(value.body);

    const items = await page(['list'], 400, 100);
    expect(items).toMatchObject({ offset: 400, total: 500 });
    expect((items.value as unknown[]).length).toBe(100);
    expect(decode((items.value as unknown[])[0] as never)).toEqual({ i: 400, deep: 'd' });
    // A cut inside an item names its real path, so it expands like any other.
    expect(JSON.stringify((items.value as unknown[])[50])).toContain('["list",450,"deep"]');

    const pairs = (await page(['map'], 299, 10)).value as unknown[];
    expect(pairs).toEqual([['k299', 299]]);
    expect((await page(['set'], 249, 5)).value).toEqual([498]);
    expect((await page(['wide'], 258, 5)).value).toEqual([['f258', 258], ['f259', 259]]);
    const bytes = await page(['bytes'], 69_999, 10);
    expect(bytes).toMatchObject({ value: [7], total: 70_000 });
    await expect(page(['list', 0, 'i'], 0, 1)).rejects.toMatchObject({ code: 'invalid' });
  });
});
