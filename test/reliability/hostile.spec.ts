/**
 * Hostile input in real Chromium and Firefox ESR with the extension: a cross-origin iframe and window.open()ed
 * windows posting forged messages, a cross-origin iframe posing as a runtime, values made of
 * HTML and script, and malformed edits. Nothing may get through, leak, run, or change data.
 * hostile.firefox.spec.ts runs these bodies in Firefox (rows: hostile-firefox).
 */
import { isDeepStrictEqual as same } from 'node:util';
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../runtime/codec/index.js';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../../runtime/protocol/messages.js';
import { connect, StratumError, type StratumClient } from '../../runtime/puppeteer/index.js';
import { kitPage } from '../../runtime/puppeteer/extension.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { openApp, pageView, snapshotView, STORE } from './support/app.js';
import { Ledger } from './support/ledger.js';
import { follow } from './support/live.js';

const ledger = new Ledger('hostile', e2eBrowser());
const N = 100;
let started: StartedBrowser;
let served: Served;
/** The same server under another origin: `localhost` instead of `127.0.0.1`. */
let other: string;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo()]);
  other = served.origin.replace('127.0.0.1', 'localhost');
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

type Hostile = { hostile: { seen: { source: string; session: string }[]; forge(): void; post(target: Window, data: unknown, n: number): void } };

async function addFrame(page: Page, url: string): Promise<Frame> {
  await page.evaluate(
    (src) =>
      new Promise<void>((resolve, reject) => {
        const frame = Object.assign(document.createElement('iframe'), { src, onload: () => resolve(), onerror: reject });
        document.body.append(frame);
      }),
    url,
  );
  const frame = page.frames().find((candidate) => candidate.url() === url);
  if (!frame) throw new Error(`no frame at ${url}`);
  await frame.waitForFunction(() => 'hostile' in window);
  return frame;
}

/** Panel commands and runtime events a hostile window forges, aimed at the page's real runtime and instances. */
async function forgeries(client: StratumClient): Promise<unknown[]> {
  const snapshot = await client.snapshot();
  const store = snapshot.stores.find((candidate) => candidate.name === STORE)!;
  const counter = store.scopes.flatMap((scope) => scope.states).find((state) => state.key === 'counter')!;
  const storage = snapshot.webstorages.find((candidate) => candidate.kind === 'local')!;
  const session = client.ready.runtime.id;
  const content = (batch: unknown[], to = session) => ({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: to, seq: 1, batch });
  return [
    content([{ command: Command.hello, id: 'evil:1', payload: { protocol: PROTOCOL_VERSION, client: 'evil' } }], ANY_SESSION),
    content([{ command: Command.stateSet, id: 'evil:2', payload: { store: store.id, state: counter.id, value: 666, baseVersion: counter.version } }]),
    content([{ command: Command.webstorageSet, id: 'evil:3', payload: { storage: storage.id, key: 'forged', value: 'forged', baseVersion: null } }]),
    {
      source: SOURCE_RUNTIME,
      v: PROTOCOL_VERSION,
      session,
      seq: 1,
      batch: [{ event: Event.stateChanged, payload: { changes: 1, at: 0, store: store.id, state: counter.id, value: 'forged', versions: { from: 1e6, to: 1e6 }, redacted: [] } }],
    },
  ];
}

const dropped = async (client: StratumClient) => (await client.request(Command.pageFacts, {})).dropped;

/** Differences between the page's own view, the live (streamed) view and the view before. */
async function settledViews(page: Page, live: Awaited<ReturnType<typeof follow>>) {
  const own = await pageView(page);
  await expect.poll(() => live.view(), { timeout: 5000 }).toEqual(own);
  return { own, live: await live.view() };
}

describe('hostile windows and frames', () => {
  it('drops forged commands and events a cross-origin iframe posts to the page, and counts them', async () => {
    const row = ledger.open('Hostile input', 'A cross-origin iframe (`localhost` inside `127.0.0.1`) posts forged panel commands (hello, stateSet, webstorageSet, addressed to the real runtime) and forged runtime events to the page');
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const live = await follow(page);
    const frame = await addFrame(page, `${other}/fixtures/reliability/hostile.html`);
    const forged = await forgeries(client);
    const before = await pageView(page);
    const droppedBefore = await dropped(client);
    await frame.evaluate((all, n) => all.forEach((data) => (window as unknown as Hostile).hostile.post(parent, data, n)), forged, N);
    const commands = 3 * N;
    await expect.poll(() => dropped(client), { timeout: 5000 }).toBeGreaterThanOrEqual(droppedBefore + commands);
    const { own, live: streamed } = await settledViews(page, live);
    const lost: string[] = [];
    if (!same(own, before)) lost.push('the page state changed');
    if (JSON.stringify(await live.events()).includes('forged')) lost.push('a forged event reached the kit');
    if (!same(streamed, own)) lost.push("the live view differs from the page's state");
    const counted = (await dropped(client)) - droppedBefore;
    expect(row.done({ times: 4 * N, lost, figures: `${counted} forged commands counted as dropped by the runtime; ${N} forged events ignored by the content script (event.source check)` })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  });

  it('gives a cross-origin iframe posing as a runtime none of the panel traffic of the page, and no say in it', async () => {
    const row = ledger.open('Hostile input', "A cross-origin iframe poses as a runtime: reads what reaches its window, answers hello as the top frame, answers the panel's commands and forges deltas in the page runtime's name");
    const page = await openApp(started.browser, served.origin, 'db=0');
    const frame = await addFrame(page, `${other}/fixtures/reliability/hostile.html`);
    await frame.evaluate(() => (window as unknown as Hostile).hostile.forge());
    const client = await connect(page);
    const live = await follow(page);
    const lost: string[] = [];
    if (!client.ready.runtime.frame.top || client.ready.runtime.frame.url !== page.url()) lost.push(`the kit chose ${client.ready.runtime.id} in ${client.ready.runtime.frame.url}`);
    const counter = client.state<number>({ key: 'counter', scope: 'app' });
    let stale = 0;
    for (let i = 1; i <= 10; i++) {
      await counter.set(i);
      await client.storage('local', { namespace: 'rel' }).set(`k${i}`, i);
      const snapshot = await client.snapshot();
      const store = snapshot.stores.find((candidate) => candidate.name === STORE)!;
      const state = store.scopes.flatMap((scope) => scope.states).find((candidate) => candidate.key === 'counter')!;
      const answer = await client.request(Command.stateSet, { store: store.id, state: state.id, value: encode(-1), baseVersion: state.version + 100 }).then(
        () => 'ok',
        (error: unknown) => (error instanceof StratumError ? error.code : String(error)),
      );
      if (answer !== 'conflict') lost.push(`a stale edit was answered ${answer}`);
      stale++;
    }
    const { own, live: streamed } = await settledViews(page, live);
    const seen = await frame.evaluate(() => (window as unknown as Hostile).hostile.seen.filter((data) => data.source === 'stratum-content' && data.session !== '*').length);
    if (seen > 0) lost.push(`${seen} panel envelopes for the page's runtime reached the frame`);
    const events = JSON.stringify(await live.events());
    if (events.includes('rt-liar')) lost.push('a hello answer claiming the top frame reached the kit');
    if (events.includes('forged')) lost.push('a forged delta reached the kit');
    if ((own.states['["app","counter"]']?.value as number) !== 10) lost.push('an acknowledged edit is missing');
    if (!same(streamed, own)) lost.push("the live view differs from the page's state");
    if (!same(snapshotView(await client.snapshot()), own)) lost.push("the client's snapshot differs from the page's state");
    expect(row.done({ times: 20 + stale, lost, figures: `10 edits and 10 webstorage sets acknowledged and present, ${stale} stale edits refused with conflict; the frame saw only hello` })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  });

  it('ignores forged messages from window.open()ed windows of the same and of another origin', async () => {
    const row = ledger.open('Hostile input', 'Windows opened with window.open() (same origin, and `localhost`) post forged panel commands and runtime events to their opener');
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const live = await follow(page);
    const forged = await forgeries(client);
    const before = await pageView(page);
    const droppedBefore = await dropped(client);
    for (const origin of [served.origin, other]) {
      const url = `${origin}/fixtures/reliability/hostile.html?popup`;
      await page.evaluate((href) => void window.open(href, '_blank'), url);
      const popup = (await (await started.browser.waitForTarget((target) => target.url() === url)).page())!;
      await popup.waitForFunction(() => 'hostile' in window);
      await popup.evaluate((all, n) => all.forEach((data) => (window as unknown as Hostile).hostile.post(opener as Window, data, n)), forged, N);
      await popup.close();
    }
    await expect.poll(() => dropped(client), { timeout: 5000 }).toBeGreaterThanOrEqual(droppedBefore + 2 * 3 * N);
    const { own, live: streamed } = await settledViews(page, live);
    const lost: string[] = [];
    if (!same(own, before)) lost.push('the page state changed');
    if (JSON.stringify(await live.events()).includes('forged')) lost.push('a forged event reached the kit');
    if (!same(streamed, own)) lost.push("the live view differs from the page's state");
    expect(row.done({ times: 2 * 4 * N, lost, figures: `${(await dropped(client)) - droppedBefore} forged commands counted as dropped` })).toEqual([]);
    await Promise.all([live.close(), client.close()]);
    await page.close();
  });
});

describe('hostile values and edits', () => {
  it('carries HTML and script in keys and values as text, both ways, and runs none of it', async () => {
    const row = ledger.open('Hostile input', 'State and webstorage keys and values made of HTML and script (`<img onerror>`, `<script>`), read and written through the kit');
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const html = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
    const script = '<script>window.__pwned=(window.__pwned||0)+1</script>';
    const value = { title: html, body: script, [html]: [script, { [script]: html }] };
    await page.evaluate((v, h, s) => {
      const app = (window as unknown as { app: { doc: { set(v: unknown): void }; local: { set(k: string, v: unknown): void } } }).app;
      app.doc.set(v);
      app.local.set(h, s);
    }, value, html, script);
    const lost: string[] = [];
    const doc = client.state({ key: 'doc', scope: 'app' });
    if (!same(await doc.get(), value)) lost.push('the kit read another value');
    if ((await client.storage('local', { namespace: 'rel' }).get(html)) !== script) lost.push('the kit read another webstorage value');
    await doc.set({ title: script, [script]: html });
    await client.storage('local', { namespace: 'rel' }).set(script, html);
    const back = await page.evaluate((s) => {
      const app = (window as unknown as { app: { doc: { get(): unknown }; local: { get(k: string): unknown } } }).app;
      return { doc: app.doc.get(), stored: app.local.get(s) };
    }, script);
    if (!same(back, { doc: { title: script, [script]: html }, stored: html })) lost.push('the page read another value');
    const kit = await kitPage(started.browser);
    const pwned = [await page.evaluate(() => (window as { __pwned?: number }).__pwned), await kit.evaluate(() => (window as { __pwned?: number }).__pwned)];
    if (pwned.some((count) => count !== undefined)) lost.push(`script ran: ${JSON.stringify(pwned)}`);
    expect(row.done({ times: 8, lost })).toEqual([]);
    await client.close();
    await page.close();
  });

  it('refuses malformed edits with a clear error and changes nothing', async () => {
    const row = ledger.open('Hostile input', 'Edits with wrong types, missing keys, unknown fields, undecodable values, unknown targets and paths, rows without their key, duplicate keys');
    const page = await openApp(started.browser, served.origin, 'name=hostile-edits');
    await page.evaluate(() => (window as unknown as { app: { db: { table(n: string): { put(v: unknown): Promise<unknown> } } } }).app.db.table('records').put({ id: 'r1', v: 1 }));
    const client = await connect(page);
    const snapshot = await client.snapshot();
    const store = snapshot.stores.find((candidate) => candidate.name === STORE)!;
    const states = store.scopes.flatMap((scope) => scope.states);
    const doc = states.find((state) => state.key === 'doc')!;
    const counter = states.find((state) => state.key === 'counter')!;
    const storage = snapshot.webstorages.find((candidate) => candidate.kind === 'local')!;
    const database = snapshot.databases.find((candidate) => candidate.name === 'hostile-edits')!;
    const rows = () => client.db('hostile-edits').table('records').query();
    const at = { store: store.id, state: doc.id, baseVersion: doc.version };
    const edit = { target: { kind: 'state' as const, store: store.id, state: doc.id }, baseVersion: doc.version };
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['invalid', () => client.request(Command.stateSet, { ...at, value: 1, baseVersion: '0' as unknown as number }), /baseVersion: expected an integer/],
      ['invalid', () => client.request(Command.stateSet, { store: store.id, state: doc.id, baseVersion: doc.version } as never), /payload\.value/],
      ['invalid', () => client.request(Command.stateSet, { ...at, value: 1, extra: true } as never), /unexpected field "extra"/],
      ['invalid', () => client.request(Command.stateSet, { ...at, value: { $t: 'no-such-tag' } }), /cannot be decoded/],
      ['invalid', () => client.request(Command.stateSet, { ...at, value: { $t: 'bigint', v: '12x' } }), /cannot be decoded/],
      ['not-found', () => client.request(Command.edit, { ...edit, path: ['nope', 'deeper'], op: 'set', value: 1 }), /does not exist/],
      ['not-found', () => client.request(Command.edit, { ...edit, path: ['tags', 9], op: 'delete' }), /no position/],
      ['not-found', () => client.request(Command.edit, { target: { kind: 'state', store: store.id, state: counter.id }, baseVersion: counter.version, path: ['x'], op: 'set', value: 1 }), /nothing to edit inside/],
      ['invalid', () => client.request(Command.edit, { ...edit, path: ['title'], op: 'set' }), /set needs a value/],
      ['not-found', () => client.request(Command.stateSet, { ...at, store: 999, value: 1 }), /no store with id 999/],
      ['not-found', () => client.request(Command.stateSet, { ...at, state: 'nope', value: 1 }), /has no state/],
      ['invalid', () => client.request(Command.webstorageSet, { storage: storage.id, key: 5 as unknown as string, value: 1, baseVersion: null }), /key: expected a string/],
      ['invalid', () => client.request(Command.webstorageSet, { storage: storage.id, key: 'k', value: { $t: 'date', v: 'not a date' }, baseVersion: null }), /cannot be decoded|invalid/i],
      ['not-found', () => client.request(Command.dbPut, { database: database.id, table: 'nope', value: { id: 'x' }, baseVersion: null }), /nope/],
      ['invalid', () => client.request(Command.dbPut, { database: database.id, table: 'records', value: { noId: true }, baseVersion: null }), /\w+ \w+/],
      ['constraint', () => client.request(Command.dbAdd, { database: database.id, table: 'records', value: { id: 'r1', v: 2 } }), /\w+ \w+/],
    ];
    const before = { view: await pageView(page), rows: await rows() };
    const lost: string[] = [];
    const codes: string[] = [];
    for (const [code, run, words] of cases) {
      const error = await run().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      if (!(error instanceof StratumError)) lost.push(`${code} case: ${error === undefined ? 'accepted' : String(error)}`);
      else {
        codes.push(error.code);
        if (error.code !== code || !words.test(error.message)) lost.push(`expected ${code} ${words}, got ${error.code}: ${error.message}`);
      }
    }
    const after = { view: await pageView(page), rows: await rows() };
    if (!same(after, before)) lost.push('data changed');
    expect(row.done({ times: cases.length, lost, figures: `refused as ${[...new Set(codes)].join(', ')}, each at once with the reason in words` })).toEqual([]);
    await client.close();
    await page.close();
  });
});
