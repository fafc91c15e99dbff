/**
 * Faults of IndexedDB and of quotas in real Chromium and Firefox ESR, with the kit connected: an IndexedDB that
 * cannot open, a `versionchange` from another tab, transactions aborted halfway (by the app, by
 * a constraint, by the tab closing), quota exceeded mid-write in webstorage and in IndexedDB.
 * After each: the page works, nothing half-written, what was there before is still there.
 * faults-database.firefox.spec.ts runs these bodies in Firefox (rows: faults-database-firefox).
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual as same } from 'node:util';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../runtime/codec/index.js';
import { Command } from '../../runtime/protocol/messages.js';
import { connect, StratumError } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { differences, openApp, pageView, snapshotView } from './support/app.js';
import { Ledger } from './support/ledger.js';
import { follow } from './support/live.js';

const ledger = new Ledger('faults-database', e2eBrowser());
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo()]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

/** The origin quota the IndexedDB half of the quota test writes past. */
const QUOTA = 2 * 1024 * 1024;
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ids = (page: Page) => page.evaluate(async () => ((await (window as unknown as Any).app.db.table('records').query()) as { id: string }[]).map((row) => row.id));
const codeOf = (error: unknown) => (error instanceof StratumError ? `${error.code}: ${error.message}` : String(error));

/** Opens the fixture with IndexedDB broken before any script runs: open() throws as when the user denied storage. */
async function openBroken(query: string): Promise<Page> {
  const page = await started.browser.newPage();
  await page.evaluateOnNewDocument(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('The user denied permission to access the database.', 'UnknownError');
    };
  });
  await page.goto(`${served.origin}/fixtures/reliability/index.html?${query}`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  return page;
}

describe('IndexedDB', () => {
  it('that cannot open leaves the app working, in memory when it asked for that, and says why', async () => {
    const row = ledger.open('Faults', 'IndexedDB open failure (open() throws UnknownError): with `fallback: memory`, and without');
    const lost: string[] = [];
    const page = await openBroken('name=broken');
    const client = await connect(page);
    const database = (await client.snapshot()).databases.find((candidate) => candidate.name === 'broken');
    if (!database || database.provider !== 'memory' || database.persistent || !database.reason?.includes('UnknownError')) lost.push(`fallback: the kit sees ${JSON.stringify(database)}`);
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await (window as unknown as Any).app.db.table('records').put({ id: `m${i}` });
    });
    await client.db('broken').table('records').put({ id: 'kit' });
    const rows = (await client.db('broken').table<{ id: string }>('records').query()).map((record) => record.id);
    if (!same(rows.sort(), (await ids(page)).sort()) || rows.length !== 6) lost.push(`fallback: rows ${rows} ≠ the page's`);

    const strict = await openBroken('name=broken-strict&fallback=0');
    const strictClient = await connect(strict);
    const error = await strict.evaluate(() => (window as unknown as Any).app.dbError as string);
    if (error !== "DatabaseUnavailableError: IndexedDB cannot open 'broken-strict': UnknownError: The user denied permission to access the database.") lost.push(`strict: ${error}`);
    await strict.evaluate(() => (window as unknown as Any).app.counter.set(7));
    lost.push(...differences(snapshotView(await strictClient.snapshot()), await pageView(strict)).map((difference) => `strict: ${difference}`));
    expect(row.done({ times: 2, lost, figures: 'fallback: 6 rows in memory, the reason shown; without: DatabaseUnavailableError in words, state and webstorage unaffected' })).toEqual([]);
    await Promise.all([client.close(), strictClient.close()]);
    await Promise.all([page.close(), strict.close()]);
  });

  it('upgraded by another tab closes itself, says so, and keeps every acknowledged record', async () => {
    const row = ledger.open('Faults', '`versionchange` from another tab: a second tab opens the database at version 2 while the app holds version 1 with the kit connected');
    const page = await openApp(started.browser, served.origin, 'name=upgraded');
    const client = await connect(page);
    const live = await follow(page);
    await page.evaluate(async () => {
      for (let i = 0; i < 10; i++) await (window as unknown as Any).app.db.table('records').put({ id: `a${i}` });
    });
    const acked = await ids(page);
    const other = await openApp(started.browser, served.origin, 'db=0');
    const upgraded = await other.evaluate(async () => {
      const { openDatabase } = (window as unknown as Any).app.stratum;
      const db = await openDatabase('upgraded', { version: 2, tables: { records: { key: 'id' }, more: { key: 'id' } }, blobs: true, cache: true });
      return { version: db.version, ids: ((await db.table('records').query()) as { id: string }[]).map((record) => record.id) };
    });
    const lost: string[] = [];
    if (upgraded.version !== 2 || !same(upgraded.ids, acked)) lost.push(`the other tab read ${JSON.stringify(upgraded)}`);
    const after = await page.evaluate(async () => {
      const { app } = window as unknown as Any;
      app.counter.set(3);
      app.local.set('still', 'works');
      const write = await app.db.table('records').put({ id: 'late' }).then(() => 'written', (error: Error) => `${error.name}: ${error.message}`);
      return { closed: app.db.closed, write, counter: app.counter.get(), still: app.local.get('still') };
    });
    if (!after.closed || !/^DatabaseUnavailableError: Database 'upgraded' is closed/.test(after.write) || after.counter !== 3 || after.still !== 'works') lost.push(`the app: ${JSON.stringify(after)}`);
    const seen = (await client.snapshot()).databases.find((candidate) => candidate.name === 'upgraded');
    if (!seen?.closed) lost.push('the kit does not see the database closed');
    const report = (await live.events()).find((event) => event.event === 'report' && (event.payload as { type: string }).type === 'versionchange');
    if (!report) lost.push('no versionchange report reached the kit');
    const refused = await client.request(Command.dbPut, { database: seen!.id, table: 'records', value: encode({ id: 'kit' }), baseVersion: null }).then(() => 'accepted', codeOf);
    if (!refused.startsWith('unavailable')) lost.push(`a kit write to the closed database: ${refused}`);
    lost.push(...differences(snapshotView(await client.snapshot()), await pageView(page)));
    const figures = `10 acknowledged records read by the other tab at version 2; the app's later write and the kit's write refused as DatabaseUnavailableError ("${after.write.replace(/^DatabaseUnavailableError: /, '')}"); the kit was told: "${(report?.payload as { message?: string } | undefined)?.message}"`;
    expect(row.done({ times: 1, lost, figures })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await Promise.all([page.close(), other.close()]);
  });

  it('writes nothing of a transaction aborted halfway', async () => {
    const row = ledger.open('Faults', 'Transactions aborted halfway: the app throws after 10 of 20 puts, a ConstraintError at the 6th add, the tab closed in the middle of 2,000 puts (6 times)');
    const page = await openApp(started.browser, served.origin, 'name=aborted');
    const client = await connect(page);
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await (window as unknown as Any).app.db.table('records').put({ id: `r${i}`, v: i });
    });
    const before = await client.db('aborted').table('records').query();
    const errors = await page.evaluate(async () => {
      const { db } = (window as unknown as Any).app;
      const thrown = await db
        .transaction(['records'], 'readwrite', async (tx: Any) => {
          for (let i = 0; i < 20; i++) {
            await tx.table('records').put({ id: `t${i}` });
            if (i === 9) throw new Error('halfway');
          }
        })
        .then(() => 'committed', (error: Error) => `${error.name}: ${error.message}`);
      const constraint = await db
        .transaction(['records'], 'readwrite', async (tx: Any) => {
          for (let i = 0; i < 5; i++) await tx.table('records').add({ id: `n${i}` });
          await tx.table('records').add({ id: 'r0' });
        })
        .then(() => 'committed', (error: Error) => `${error.name}: ${error.message}`);
      return [thrown, constraint];
    });
    const lost: string[] = [];
    if (errors[0] !== 'Error: halfway' || !errors[1]!.startsWith('ConstraintError')) lost.push(`errors: ${errors}`);
    if (!same(await client.db('aborted').table('records').query(), before)) lost.push('rows of an aborted transaction were written');

    const counts: number[] = [];
    for (let round = 0; round < 6; round++) {
      const doomed = await openApp(started.browser, served.origin, 'name=aborted');
      await doomed.evaluate((r) => {
        const { db } = (window as unknown as Any).app;
        (window as unknown as Any).progress = 0;
        void db.transaction(['records'], 'readwrite', async (tx: Any) => {
          for (let i = 0; i < 2000; i++) {
            await tx.table('records').put({ id: `big${r}-${i}` });
            (window as unknown as Any).progress = i;
          }
        });
      }, round);
      await doomed.waitForFunction((at) => (window as unknown as Any).progress >= at, {}, 100 + (round % 3) * 300);
      await doomed.close();
      const rows = await ids(page);
      counts.push(rows.filter((id) => id.startsWith(`big${round}-`)).length);
    }
    if (counts.some((count) => count !== 0 && count !== 2000)) lost.push(`a closed tab left part of its transaction: ${counts}`);
    if (!same(await client.db('aborted').table('records').query(), await page.evaluate(() => (window as unknown as Any).app.db.table('records').query()))) lost.push('the kit and the page read different rows');
    expect(row.done({ times: 5, lost, figures: `rows of the closed tabs' transactions afterwards: ${counts.join(', ')} (all or nothing)` })).toEqual([]);
    await client.close();
    await page.close();
  });

  // Firefox commits what a closing tab's transaction had issued (seen once in 30 closes: 760 of
  // 2,000 puts kept), too rarely for the closes above to catch every time. What makes it whole is
  // the runtime aborting an unfinished write on pagehide, which this drives on purpose.
  it("rolls back a write the app had not finished when the page goes away, not the one its own pagehide listener makes, and not when it is only cached", async () => {
    const page = await openApp(started.browser, served.origin, 'name=unloaded');
    const outcome = await page.evaluate(async () => {
      const { db } = (window as unknown as Any).app;
      const write = (prefix: string, persisted: boolean) =>
        db
          .transaction(['records'], 'readwrite', async (tx: Any) => {
            for (let i = 0; i < 200; i++) {
              await tx.table('records').put({ id: `${prefix}${i}` });
              if (i === 100) dispatchEvent(new PageTransitionEvent('pagehide', { persisted }));
            }
          })
          .then(() => 'committed', (error: Error) => `${error.name}: ${error.message}`);
      // The app's own last write, from a pagehide listener that runs before Stratum's: kept.
      let draft: Promise<unknown> | undefined;
      addEventListener('pagehide', () => (draft ??= db.table('records').put({ id: 'draft' })), { capture: true, once: true });
      const gone = await write('gone', false);
      await draft;
      const cached = await write('cached', true);
      const ids = ((await db.table('records').query()) as { id: string }[]).map((row) => row.id);
      return { gone, cached, goneRows: ids.filter((id) => id.startsWith('gone')).length, cachedRows: ids.filter((id) => id.startsWith('cached')).length, draft: ids.includes('draft') };
    });
    expect(outcome).toEqual({ gone: expect.stringMatching(/^(DatabaseUnavailableError|AbortError|TransactionInactiveError): /), cached: 'committed', goneRows: 0, cachedRows: 200, draft: true });
    await page.close();
  });
});

describe('quota exceeded mid-write', () => {
  it('keeps the previous value in webstorage and IndexedDB', async () => {
    const firefox = e2eBrowser() === 'firefox';
    const how = firefox ? 'a Firefox whose whole temporary storage is 2 MB (pref dom.quotaManager.temporaryStorage.fixedLimit)' : 'CDP Storage.overrideQuotaForOrigin';
    const row = ledger.open('Faults', `Quota exceeded mid-write: a value over ${firefox ? "Firefox's" : "Chromium's"} localStorage quota set by the app and by the kit; an IndexedDB blob and a kit upload over a 2 MB origin quota (${how})`);
    // Firefox: CDP is Chrome's and BiDi has no quota command; a browser of its own gets a 2 MB
    // limit for all temporary storage at launch, which makes every origin's limit 2 MB.
    const limited = firefox ? await startBrowser({ extension: true, browser: 'firefox', prefs: { 'dom.quotaManager.temporaryStorage.fixedLimit': QUOTA / 1024 } }) : undefined;
    // An origin no other test stored anything in: Chromium was seen to apply a quota override
    // only to an origin whose IndexedDB it had not opened before the override.
    const origin = served.origin.replace('127.0.0.1', 'localhost');
    const page = await openApp(limited?.browser ?? started.browser, origin, 'name=quota');
    const client = await connect(page);
    const lost: string[] = [];
    const app = await page.evaluate(() => {
      const { local } = (window as unknown as Any).app;
      local.set('big', 'small');
      try {
        local.set('big', 'x'.repeat(12 * 1024 * 1024));
        return 'stored';
      } catch (error) {
        return `${(error as Error).name}: ${local.get('big')}`;
      }
    });
    if (app !== 'WebStorageQuotaError: small') lost.push(`the app's write: ${app}`);
    // Strings cross the protocol up to 2,000,000 characters: four of 1,500,000 exceed the ~5 M-character quota.
    const kit = await client.storage('local', { namespace: 'rel' }).set('big', Array.from({ length: 4 }, (_, i) => String(i).repeat(1_500_000))).then(() => 'stored', codeOf);
    if (!kit.startsWith('quota')) lost.push(`the kit's write: ${kit}`);
    if ((await page.evaluate(() => (window as unknown as Any).app.local.get('big'))) !== 'small') lost.push('the previous webstorage value changed');

    const cdp = firefox ? undefined : await page.createCDPSession();
    if (cdp) {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
      // Reading usage and quota makes the override take effect before the next write (without it,
      // a write right after the override was seen to pass the old quota).
      const usage = await cdp.send('Storage.getUsageAndQuota', { origin });
      if (!usage.overrideActive || usage.quota !== QUOTA) lost.push(`the quota override did not apply: ${usage.quota}`);
    } else {
      const quota = await page.evaluate(async () => (await navigator.storage.estimate()).quota);
      if (quota !== QUOTA) lost.push(`the 2 MB limit did not apply: the page's quota is ${quota}`);
    }
    const blob = await page.evaluate(async () => {
      const { db } = (window as unknown as Any).app;
      await db.table('records').put({ id: 'kept', v: 1 });
      const small = await db.blobs.put(new Blob(['kept blob']), { name: 'small.txt' });
      const bytes = crypto.getRandomValues(new Uint8Array(65536));
      const parts = Array.from({ length: 128 }, () => bytes);
      const error = await db.blobs.put(new Blob(parts), { name: 'big.bin' }).then(() => 'stored', (caught: Error) => `${caught.name}: ${caught.message}`);
      return { small, error, list: ((await db.blobs.list()) as { name: string }[]).map((info) => info.name) };
    });
    if (!/^QuotaExceededError: .*quota/.test(blob.error) || !same(blob.list, ['small.txt'])) lost.push(`the app's blob: ${JSON.stringify(blob)}`);
    const database = (await client.snapshot()).databases.find((candidate) => candidate.name === 'quota')!;
    const chunk = randomBytes(1 << 20).toString('base64');
    const upload = await (async () => {
      const { upload: id } = await client.request(Command.blobPutStart, { database: database.id, size: 4 << 20, type: 'application/octet-stream', name: 'kit.bin' });
      for (let offset = 0; offset < 4 << 20; offset += 1 << 20) await client.request(Command.blobPutChunk, { upload: id, offset, bytes: chunk });
      return client.request(Command.blobPutEnd, { upload: id });
    })().then(() => 'stored', codeOf);
    if (!/^quota: QuotaExceededError: .*quota/.test(upload)) lost.push(`the kit's upload: ${upload}`);
    const after = await page.evaluate(async () => {
      const { db } = (window as unknown as Any).app;
      return { row: await db.table('records').get('kept'), blobs: ((await db.blobs.list()) as { name: string }[]).map((info) => info.name), text: await (await db.blobs.get((await db.blobs.list())[0].id)).text() };
    });
    if (!same(after, { row: { id: 'kept', v: 1 }, blobs: ['small.txt'], text: 'kept blob' })) lost.push(`after: ${JSON.stringify(after)}`);
    await cdp?.send('Storage.overrideQuotaForOrigin', { origin });
    await cdp?.detach();
    const figures = `refused as: app WebStorageQuotaError, kit "${kit.split(':')[0]}", app blob and kit upload QuotaExceededError ("${blob.error.replace(/^QuotaExceededError: /, '').slice(0, 70)}…"); previous value, row and blob intact`;
    expect(row.done({ times: 4, lost, figures })).toEqual([]);
    await client.close();
    await page.close();
    await limited?.close();
  });
});
