/**
 * stratumjs/db on a real browser's IndexedDB: large blobs, atomic transact across two pages,
 * upgrades while another page holds the old version, and an IndexedDB that cannot open.
 * db.firefox.spec.ts runs these bodies on Firefox's IndexedDB.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Db from '../../runtime/db/index.js';
import type { Store } from '../../runtime/store/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { serveRepo, type Served } from './harness/server.js';

/** What fixtures/db/index.html puts on window. */
type Fixture = typeof Db & {
  Store: typeof Store;
  failure(error: unknown): { name: string | null; message: string; reason: string | null };
};
type W = { fixture: Fixture; held?: IDBDatabase; events?: unknown[]; opened?: Promise<number> };

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

/** Opens the fixture; `before` runs in the page before any of its scripts (to break IndexedDB). */
async function open(before?: () => void): Promise<Page> {
  const page = await started.browser.newPage();
  if (before) await page.evaluateOnNewDocument(before);
  await page.goto(`${served.origin}/fixtures/db/index.html`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  return page;
}

describe(`stratumjs/db in real ${BROWSER === 'firefox' ? 'Firefox' : 'Chromium'}`, () => {
  it("stores a DOMException whole in the browser's IndexedDB (its clone keeps one), as the page wrote it", async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase } = (window as unknown as W).fixture;
      const db = await openDatabase('e2e-dom-exception', { version: 1, tables: { log: { key: 'id' } } });
      await db.table('log').put({ id: 1, error: new DOMException('stopped', 'AbortError') });
      const back = (await db.table('log').get(1)) as { error: DOMException };
      db.close();
      return { dom: back.error instanceof DOMException, name: back.error.name, message: back.error.message };
    });
    expect(result).toEqual({ dom: true, name: 'AbortError', message: 'stopped' });
    await page.close();
  });

  it('a 20 MB blob round-trips byte for byte, stored as a Blob', async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase } = (window as unknown as W).fixture;
      const db = await openDatabase('e2e-blobs', { version: 1, tables: {}, blobs: true });
      const bytes = new Uint8Array(20 * 1024 * 1024);
      for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
      const id = await db.blobs.put(new File([bytes], 'noise.bin', { type: 'application/octet-stream' }));
      const back = await db.blobs.get(id);
      const read = new Uint8Array(await back!.arrayBuffer());
      let same = read.length === bytes.length;
      for (let at = 0; same && at < bytes.length; at++) same = read[at] === bytes[at];
      // What IndexedDB itself holds: a Blob, not a string.
      const raw = await new Promise<unknown>((resolve, reject) => {
        const request = indexedDB.open('e2e-blobs');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const get = request.result.transaction('$blobdata').objectStore('$blobdata').get(id);
          get.onsuccess = () => {
            resolve(Object.prototype.toString.call((get.result as { data: unknown }).data));
            request.result.close();
          };
        };
      });
      return { same, size: back!.size, type: back!.type, info: await db.blobs.info(id), usage: await db.blobs.usage(), raw };
    });
    expect(result.same).toBe(true);
    expect(result.size).toBe(20 * 1024 * 1024);
    expect(result.type).toBe('application/octet-stream');
    expect(result.info).toMatchObject({ name: 'noise.bin', size: 20 * 1024 * 1024 });
    expect(result.usage).toBe(20 * 1024 * 1024);
    expect(result.raw).toMatch(/\[object (Blob|File)\]/);
    await page.close();
  });

  it('two pages running 200 concurrent transact increments each end at exactly 400', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const setup = () =>
      (async () => {
        const { openDatabase, Store } = (window as unknown as W).fixture;
        const db = await openDatabase('e2e-counter', { version: 1, tables: {}, cache: true });
        const state = new Store({ name: 'tab' }).createState(0, { key: 'counter', scope: 'app', persist: { db } });
        await state.ready;
        Object.assign(window, { db, state });
      })();
    await Promise.all([a.evaluate(setup), b.evaluate(setup)]);
    const run = () =>
      (async () => {
        const { state } = window as unknown as { state: { transact(fn: (n: number) => number): Promise<number> } };
        const results = await Promise.all(Array.from({ length: 200 }, () => state.transact((n) => n + 1)));
        return Math.max(...results);
      })();
    const [maxA, maxB] = await Promise.all([a.evaluate(run), b.evaluate(run)]);
    expect(Math.max(maxA, maxB)).toBe(400);
    const stored = await a.evaluate(async () => {
      const { db, state } = window as unknown as { db: Db.Database; state: { id: string } };
      return db.cache.get(state.id);
    });
    expect(stored).toBe(400);
    // Each page follows the other's writes.
    for (const page of [a, b]) await page.waitForFunction(() => (window as unknown as { state: { get(): number } }).state.get() === 400);
    await Promise.all([a.close(), b.close()]);
  });

  // Skipped in Firefox: Firefox ESR 153 often fires no `blocked` at all when, of two connections
  // holding the old version, one closes on versionchange (as Stratum's does) and one stays open.
  // Reproduced with bare IndexedDB in three tabs, no Stratum code: 4 runs of 4, nothing in 3 s.
  // The upgrade still completes once the last one closes; only the event Stratum would report on
  // never reaches the page.
  it.skipIf(BROWSER === 'firefox')('an upgrade while another page holds the old version completes once it closes; a Stratum connection closes itself', async () => {
    const [old, stratumOld, next] = await Promise.all([open(), open(), open()]);
    await old.evaluate(
      () =>
        new Promise<void>((resolve) => {
          // A connection that ignores versionchange, as another library or an old tab may.
          const request = indexedDB.open('e2e-upgrade', 1);
          request.onupgradeneeded = () => request.result.createObjectStore('notes', { keyPath: 'id' });
          request.onsuccess = () => {
            (window as unknown as W).held = request.result;
            resolve();
          };
        }),
    );
    await stratumOld.evaluate(async () => {
      const w = window as unknown as W & { db: Db.Database };
      w.events = [];
      w.db = await w.fixture.openDatabase('e2e-upgrade', { version: 1, tables: { notes: { key: 'id' } } });
      w.db.subscribe((event) => w.events!.push(event));
    });
    await next.evaluate(() => {
      const w = window as unknown as W;
      w.events = [];
      w.opened = w.fixture
        .openDatabase('e2e-upgrade', {
          version: 2,
          tables: { notes: { key: 'id', indexes: { byTitle: 'title' } } },
          subscribe: (event) => w.events!.push(event),
        })
        .then((db) => db.version);
    });
    await next.waitForFunction(() => ((window as unknown as W).events ?? []).length > 0);
    expect(await next.evaluate(() => (window as unknown as W).events)).toEqual([{ type: 'blocked', oldVersion: 1, newVersion: 2 }]);
    // The old tab hears its versionchange in its own renderer, which may come after the new tab's blocked.
    await stratumOld.waitForFunction(() => ((window as unknown as W).events ?? []).length >= 2);
    expect(await stratumOld.evaluate(() => (window as unknown as W).events)).toEqual([
      { type: 'versionchange', newVersion: 2 },
      { type: 'close', reason: 'another connection upgrades it to version 2' },
    ]);
    await old.evaluate(() => (window as unknown as W).held!.close());
    expect(await next.evaluate(() => (window as unknown as W).opened)).toBe(2);
    await Promise.all([old.close(), stratumOld.close(), next.close()]);
  });

  it("an iframe's Blob, File and URL are stored, indexed and refused as the page's own", async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase, failure } = (window as unknown as W).fixture;
      // A same-origin iframe is another realm: instanceof sees none of the page's classes in it.
      const frame = document.body.appendChild(document.createElement('iframe'));
      const realm = frame.contentWindow as unknown as typeof globalThis;
      const file = new realm.File(['{"a":1}'], 'frame.json', { type: 'application/json', lastModified: 1234 });
      const db = await openDatabase('e2e-realm', { version: 1, tables: { notes: { key: 'id', indexes: { byType: 'blob.type' } } }, blobs: true });
      const id = await db.blobs.put(file);
      const info = await db.blobs.info(id);
      const back = (await db.blobs.get(id)) as File;
      await db.table('notes').put({ id: 1, blob: new realm.Blob(['hi'], { type: 'text/plain' }) });
      const indexed = await db.table('notes').count({ index: 'byType', range: { eq: 'text/plain' } });
      const url = await db.table('notes').put({ id: 2, url: new realm.URL('https://example.com/') }).then(() => 'stored', failure);
      return {
        foreign: file instanceof File,
        info: { name: info?.name, type: info?.type, size: info?.size },
        back: { file: back instanceof File, name: back.name, lastModified: back.lastModified, text: await back.text() },
        indexed,
        url,
        count: await db.table('notes').count(),
      };
    });
    expect(result.foreign).toBe(false);
    // Before: blobs.put refused it ('expected a Blob or File; got object').
    expect(result.info).toEqual({ name: 'frame.json', type: 'application/json', size: 7 });
    expect(result.back).toEqual({ file: true, name: 'frame.json', lastModified: 1234, text: '{"a":1}' });
    expect(result.indexed).toBe(1);
    // Before: the iframe's URL passed the check (instanceof URL), which names the path and says why.
    expect(result.url).toMatchObject({ name: 'DataCloneError', message: expect.stringContaining('$.url is a URL, which this provider cannot clone') });
    expect(result.count).toBe(1);
    await page.close();
  });

  it('awaiting a fetch inside a transaction is a TransactionInactiveError and writes nothing', async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase, failure } = (window as unknown as W).fixture;
      const db = await openDatabase('e2e-inactive', { version: 1, tables: { notes: { key: 'id' } } });
      const error = await db
        .transaction(['notes'], 'readwrite', async (tx) => {
          await tx.table('notes').put({ id: 1 });
          await fetch('/fixtures/db/index.html');
          await tx.table('notes').put({ id: 2 });
        })
        .then(() => null, failure);
      return { error, count: await db.table('notes').count() };
    });
    expect(result.error).toMatchObject({ name: 'TransactionInactiveError', message: expect.stringContaining('awaited something other than its own operations') });
    expect(result.count).toBe(0);
    await page.close();
  });

  it('an IndexedDB that fails to open gives DatabaseUnavailableError; fallback memory opens in memory', async () => {
    const page = await open(() => {
      IDBFactory.prototype.open = function () {
        throw new DOMException('The user denied permission to access the database.', 'UnknownError');
      };
    });
    const result = await page.evaluate(async () => {
      const { openDatabase, failure, DatabaseUnavailableError } = (window as unknown as W).fixture;
      const error = await openDatabase('e2e-broken', { version: 1, tables: {} }).then(() => null, (caught: unknown) => ({
        ...failure(caught),
        isClass: caught instanceof DatabaseUnavailableError,
      }));
      const db = await openDatabase('e2e-broken', { version: 1, tables: { notes: { key: 'id' } }, fallback: 'memory' });
      await db.table('notes').put({ id: 1 });
      return { error, provider: db.provider, persistent: db.persistent, reason: db.reason, row: await db.table('notes').get(1) };
    });
    expect(result.error).toEqual({
      name: 'DatabaseUnavailableError',
      message: "IndexedDB cannot open 'e2e-broken': UnknownError: The user denied permission to access the database.",
      reason: 'UnknownError: The user denied permission to access the database.',
      isClass: true,
    });
    expect(result).toMatchObject({ provider: 'memory', persistent: false, reason: 'UnknownError: The user denied permission to access the database.', row: { id: 1 } });
    await page.close();
  });

  it("bulkPut returns each row's key (given, generated or converted) and a repeated unique value fails in words, writing nothing", async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase, failure } = (window as unknown as W).fixture;
      const db = await openDatabase('e2e-bulk', {
        version: 1,
        tables: { keys: { key: 'k' }, notes: { key: 'id', autoIncrement: true }, users: { key: 'email', indexes: { byHandle: { path: 'handle', unique: true } } } },
      });
      const when = new Date(1_700_000_000_000);
      const keys = await db.table('keys').bulkPut([{ k: 3 }, { k: 'x' }, { k: when }, { k: [1, 'a'] }, { k: 'last' }]);
      const generated = await db.table('notes').bulkPut([{ title: 'a' }, { id: 10, title: 'b' }, { title: 'c' }]);
      const rows = [{ email: 'a@x', handle: 'ann' }, { email: 'b@x', handle: 'ann' }, { email: 'c@x', handle: 'cid' }];
      const refused = await db.table('users').bulkPut(rows).then(() => null, failure);
      const count = await db.table('users').count();
      db.close();
      return { keys: [keys[0], keys[1], (keys[2] as Date).getTime(), keys[3], keys[4]], generated, refused, count };
    });
    expect(result.keys).toEqual([3, 'x', 1_700_000_000_000, [1, 'a'], 'last']);
    expect(result.generated).toEqual([1, 10, 11]);
    expect(result.refused).toMatchObject({ name: 'ConstraintError', message: expect.stringContaining("'byHandle'") });
    expect(result.count).toBe(0);
    await page.close();
  });

  it('a query that skips 2^32 or more rows gives no rows rather than the TypeError of advance()', async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { openDatabase, failure } = (window as unknown as W).fixture;
      const db = await openDatabase('e2e-offsets', { version: 1, tables: { notes: { key: 'id' } } });
      await db.table('notes').bulkPut([{ id: 1 }, { id: 2 }, { id: 3 }]);
      const ask = (q: Db.Query) => db.table('notes').query(q).catch(failure);
      const out = [await ask({ offset: 2 ** 32 }), await ask({ offset: Number.MAX_SAFE_INTEGER, direction: 'prev' }), await ask({ offset: 1, limit: 1 })];
      db.close();
      return out;
    });
    expect(result).toEqual([[], [], [{ id: 2 }]]);
    await page.close();
  });
});
