/**
 * Faults of the transport in real Chromium and Firefox ESR: the MV3 service worker (Firefox: the event page) stopped again and again while
 * edits stream both ways, the page reloaded and restored from the back/forward cache with a
 * client connected, and a client closed and opened again. After each, no acknowledged edit or
 * record is missing, and the streamed view equals the page's own state.
 * faults-transport.firefox.spec.ts runs these bodies in Firefox (rows: faults-transport-firefox).
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../runtime/codec/index.js';
import { Command } from '../../runtime/protocol/messages.js';
import { connect, StratumError, type StratumClient } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { back, BFCACHE_SERVING, differences, load, openApp, pageView, snapshotView, spread, stopWorker, STORE, until } from './support/app.js';
import { Ledger } from './support/ledger.js';
import { follow, type Live } from './support/live.js';

const ledger = new Ledger('faults-transport', e2eBrowser());
const STOPS = 10;
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo(undefined, BFCACHE_SERVING)]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

type App = {
  app: {
    counter: { get(): number; set(next: number | ((n: number) => number)): void };
    edits: { get(): Record<string, number> };
    local: { keys(): string[]; get(key: string): unknown };
    db: { table(name: string): { put(row: object): Promise<unknown>; query(): Promise<{ id: string }[]> } };
  };
  stream: { acked: string[]; end(): void };
};

/** The live view, the client's snapshot and the page's own state, once the stream settled: what differs. */
async function compare(page: Page, client: StratumClient, live: Live): Promise<string[]> {
  const own = await pageView(page);
  // Wait for the stream to settle; what still differs after that is reported below, not thrown.
  await expect.poll(() => live.view(), { timeout: 10_000 }).toEqual(own).catch(() => undefined);
  return [
    ...differences(await live.view(), own).map((difference) => `live view ${difference}`),
    ...differences(snapshotView(await client.snapshot()), own).map((difference) => `client snapshot ${difference}`),
  ];
}

interface Op {
  kind: 'state' | 'storage' | 'row';
  n: number;
  started: number;
  ended?: number;
  ok?: boolean;
  code?: string;
}

describe('the service worker stopped mid-stream', () => {
  it(`loses no acknowledged edit or record over ${STOPS} stops in a row`, async () => {
    const stopped = e2eBrowser() === 'firefox' ? "Firefox's event page terminated" : 'MV3 service worker stopped';
    const how = e2eBrowser() === 'firefox' ? "Extension.terminateBackground, as about:debugging's Terminate" : 'CDP ServiceWorker.stopAllWorkers';
    const row = ledger.open('Faults', `${stopped} ${STOPS} times in a row (${how}) while the kit edits state, webstorage and rows and the page writes its own records and changes state every 5 ms`);
    const page = await openApp(started.browser, served.origin, 'name=faults-sw');
    const client = await connect(page);
    const live = await follow(page);
    const snapshot = await client.snapshot();
    const store = snapshot.stores.find((candidate) => candidate.name === STORE)!;
    const editsId = store.scopes.flatMap((scope) => scope.states).find((state) => state.key === 'edits')!.id;
    const storage = snapshot.webstorages.find((candidate) => candidate.kind === 'local' && candidate.namespace === 'rel')!.id;
    const database = snapshot.databases.find((candidate) => candidate.name === 'faults-sw')!.id;

    // The page's own stream: a state change every 5 ms, a record every 20 ms (acknowledged once put resolved).
    await page.evaluate(() => {
      const w = window as unknown as App;
      const tick = setInterval(() => w.app.counter.set((n) => n + 1), 5);
      let running = true;
      w.stream = { acked: [], end: () => (clearInterval(tick), (running = false)) };
      void (async () => {
        for (let i = 0; running; i++) {
          await w.app.db.table('records').put({ id: `p${i}`, by: 'page' });
          w.stream.acked.push(`p${i}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
    });

    const ops: Op[] = [];
    const inFlight: Promise<unknown>[] = [];
    let running = true;
    const track = (op: Op, run: Promise<unknown>) => {
      ops.push(op);
      const settled = run.then(
        () => Object.assign(op, { ok: true, ended: Date.now() }),
        (error: unknown) => Object.assign(op, { ok: false, ended: Date.now(), code: error instanceof StratumError ? error.code : String(error) }),
      );
      inFlight.push(settled);
      return settled;
    };
    // Webstorage sets and row puts leave every 40 ms without waiting (distinct keys: no conflicts).
    let n = 0;
    const fire = setInterval(() => {
      n++;
      track({ kind: 'storage', n, started: Date.now() }, client.request(Command.webstorageSet, { storage, key: `w${n}`, value: encode(n), baseVersion: null }));
      track({ kind: 'row', n, started: Date.now() }, client.request(Command.dbPut, { database, table: 'records', value: encode({ id: `c${n}`, n }), baseVersion: null }));
    }, 40);
    // State edits go one after another: each carries the version the last one produced. They set
    // EDIT_KEYS keys in turn, each to the edit's number: an object of more keys than the panel's
    // display shows whole (DISPLAY.maxEntries, 200) reaches the stream as a preview, which the
    // comparison below would read as lost (a fast machine made 460 edits in this run).
    const EDIT_KEYS = 100;
    const stateLoop = (async () => {
      let version = store.scopes.flatMap((scope) => scope.states).find((state) => state.id === editsId)!.version;
      for (let i = 1; running; i++) {
        const op: Op = { kind: 'state', n: i, started: Date.now() };
        const request = client.request(Command.edit, { target: { kind: 'state', store: store.id, state: editsId }, baseVersion: version, path: [`e${i % EDIT_KEYS}`], op: 'set', value: encode(i) });
        await track(op, request.then((result) => (version = result.version as number)));
        if (!op.ok) {
          const now = await client.snapshot().catch(() => undefined);
          const state = now?.stores.find((candidate) => candidate.name === STORE)?.scopes.flatMap((scope) => scope.states).find((candidate) => candidate.id === editsId);
          if (state) version = state.version;
        }
      }
    })();

    const recoveries: number[] = [];
    const counters: number[] = [];
    const acked = () => ops.filter((op) => op.ok).length;
    for (let round = 0; round < STOPS; round++) {
      const before = acked();
      await until('edits flowing before a stop', () => acked() >= before + 10);
      counters.push(await page.evaluate(() => (window as unknown as App).app.counter.get()));
      const stoppedAt = Date.now();
      await stopWorker(page);
      await until('an edit sent after the stop acknowledged', () => ops.some((op) => op.ok && op.started > stoppedAt));
      recoveries.push(Math.min(...ops.filter((op) => op.ok && op.started > stoppedAt).map((op) => op.ended! - stoppedAt)));
    }
    clearInterval(fire);
    running = false;
    await Promise.all(inFlight);
    await stateLoop;
    await page.evaluate(() => (window as unknown as App).stream.end());
    await new Promise((resolve) => setTimeout(resolve, 100));
    counters.push(await page.evaluate(() => (window as unknown as App).app.counter.get()));

    const data = await page.evaluate(async () => {
      const { app, stream } = window as unknown as App;
      const records = new Set((await app.db.table('records').query()).map((record) => record.id));
      return { records: [...records], keys: app.local.keys(), edits: app.edits.get(), pageAcked: stream.acked };
    });
    const present = { row: new Set(data.records), storage: new Set(data.keys) };
    const name = (op: Op) => (op.kind === 'state' ? `e${op.n % EDIT_KEYS}` : `${op.kind === 'row' ? 'c' : 'w'}${op.n}`);
    // A state edit is there when its key holds its number or a later edit's (edits go in order).
    const kept = (op: Op, exactly = false) =>
      op.kind === 'state' ? (exactly ? data.edits[name(op)] === op.n : (data.edits[name(op)] ?? 0) >= op.n) : present[op.kind].has(name(op));
    const lost: string[] = [];
    for (const op of ops.filter((candidate) => candidate.ok)) if (!kept(op)) lost.push(`acknowledged ${op.kind} ${name(op)} = ${op.n} missing`);
    for (const id of data.pageAcked) if (!present.row.has(id)) lost.push(`page record ${id} missing`);
    for (let i = 1; i < counters.length; i++) if (counters[i]! <= counters[i - 1]!) lost.push(`the page stopped changing state around stop ${i}`);
    lost.push(...(await compare(page, client, live)));
    const failed = ops.filter((op) => !op.ok);
    const landed = failed.filter((op) => kept(op, true)).length;
    const codes = [...new Set(failed.map((op) => op.code))].join(', ') || 'none';
    expect(
      row.done({
        times: STOPS,
        lost,
        figures: `${acked()} kit edits acknowledged and present, ${data.pageAcked.length} page records present; recovery after a stop ${spread(recoveries)}; ${failed.length} edits in flight at a stop unanswered (${codes}), ${landed} of them applied; ${live.counts.snapshots} snapshots on the stream`,
      }),
    ).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  }, 180_000);
});

describe('navigation with a client connected', () => {
  it('follows reloads and back/forward cache restores', async () => {
    const row = ledger.open('Faults', 'Page reloaded, and navigated away and restored from the back/forward cache, with the kit connected; the kit and the page edit after each');
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const live = await follow(page);
    const lost: string[] = [];
    let restored = 0;
    const counter = client.state<number>({ key: 'counter', scope: 'app' });
    /** The kit heard the page come back (page-ready, hello, a snapshot) before a client command goes. */
    const heard = async (since: number) => until('a snapshot of the page on the stream', async () => (await live.view(), live.counts.snapshots > since));
    for (let round = 1; round <= 3; round++) {
      // Counted from what the follower has taken in so far: before its first view, a snapshot
      // from before the reload would pass for one after it.
      let since = (await live.view(), live.counts.snapshots);
      await load(page);
      await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
      await heard(since);
      await counter.set(round);
      if ((await page.evaluate(() => (window as unknown as App).app.counter.get())) !== round) lost.push(`reload ${round}: the kit's edit is missing`);
      lost.push(...(await compare(page, client, live)).map((difference) => `reload ${round}: ${difference}`));

      await page.evaluate(() => addEventListener('pageshow', (event) => ((window as { restored?: boolean }).restored = event.persisted), { once: true }));
      await load(page, `${served.origin}/fixtures/reliability/index.html?db=0&away=${round}`);
      await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
      since = (await live.view(), live.counts.snapshots);
      await back(page);
      await page.waitForFunction(() => (window as { restored?: boolean }).restored !== undefined);
      await heard(since);
      if (await page.evaluate(() => (window as { restored?: boolean }).restored)) restored++;
      else lost.push(`round ${round}: not restored from the back/forward cache`);
      await page.evaluate(() => (window as unknown as App).app.counter.set((n) => n + 100));
      await counter.set(round * 1000);
      if ((await page.evaluate(() => (window as unknown as App).app.counter.get())) !== round * 1000) lost.push(`restore ${round}: the kit's edit is missing`);
      lost.push(...(await compare(page, client, live)).map((difference) => `restore ${round}: ${difference}`));
    }
    expect(row.done({ times: 6, lost, figures: `3 reloads, ${restored} restores from the back/forward cache; ${live.counts.snapshots} snapshots on the stream` })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  });
});

describe('clients closing and coming back', () => {
  it('goes silent when the last client closes and resyncs when one connects again', async () => {
    const row = ledger.open('Faults', 'The only client closed and connected again (as when DevTools closes and opens): the page goes silent, the next client gets the current state');
    const page = await openApp(started.browser, served.origin, 'db=0');
    await page.evaluate(() => {
      const w = window as unknown as { sent: number };
      w.sent = 0;
      addEventListener('message', (event) => (event.data as { source?: string } | null)?.source === 'stratum-runtime' && w.sent++);
    });
    const lost: string[] = [];
    const silent: number[] = [];
    for (let round = 1; round <= 5; round++) {
      const client = await connect(page);
      await page.evaluate((n) => (window as unknown as App).app.counter.set(n), round);
      const view = snapshotView(await client.snapshot());
      lost.push(...differences(view, await pageView(page)).map((difference) => `round ${round}: ${difference}`));
      await client.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = await page.evaluate(() => (window as unknown as { sent: number }).sent);
      for (let i = 0; i < 10; i++) await page.evaluate(() => (window as unknown as App).app.counter.set((n) => n + 1));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = (await page.evaluate(() => (window as unknown as { sent: number }).sent)) - before;
      silent.push(sent);
      if (sent > 0) lost.push(`round ${round}: the page sent ${sent} envelopes with no client connected`);
    }
    expect(row.done({ times: 5, lost, figures: `envelopes sent while no client was connected: ${silent.join(', ')}` })).toEqual([]);
    await page.close();
  });
});
