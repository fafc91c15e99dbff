/**
 * History in a real browser, with the test playing the content script (as test/e2e/agent.spec.ts
 * does; history.firefox.spec.ts runs it in Firefox): call sites of a change in the page's own code, restore as a versioned edit, and a
 * snapshot exported from one profile, imported into a fresh one (IndexedDB, a File blob, a File
 * in a state), then compared with diff.
 */
import type { BrowserContext, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff } from '../../runtime/snapshot-file/diff.js';
import { parseSnapshot } from '../../runtime/snapshot-file/validate.js';
import { parseFrame } from '../../runtime/protocol/frames.js';
import {
  ANY_SESSION,
  Command,
  Event,
  MAX_SNAPSHOT_CHUNK,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type EventMessage,
  type EventName,
  type RuntimeEnvelope,
  type RuntimeEvents,
  type Snapshot,
} from '../../runtime/protocol/messages.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { isolatedWorld } from './harness/isolated-world.js';
import { serveRepo, type Served } from './harness/server.js';

const WORLD = 'stratum-history-peer';
const PEER = `
  window.__peer = { received: [] };
  window.addEventListener('message', (event) => {
    if (event.source === window && event.data && event.data.source === ${JSON.stringify(SOURCE_RUNTIME)}) window.__peer.received.push(event.data);
  });
`;
const BLOB = 3 * 1024 * 1024;

const BROWSER = e2eBrowser();
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ browser: BROWSER }), serveRepo()]);
});

afterAll(async () => {
  await Promise.all([started?.close(), served?.close()]);
});

interface Peer {
  page: Page;
  url: string;
  snapshot: Snapshot;
  events(): Promise<EventMessage[]>;
  call<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>>;
  app<T>(expression: string): Promise<T>;
}

/** Opens the fixture in `context` with a fake content script, and connects (traces on). */
async function open(context: BrowserContext): Promise<Peer> {
  const page = await context.newPage();
  const world = await isolatedWorld(page, WORLD, PEER);
  const url = `${served.origin}/fixtures/history/index.html`;
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  const peer = <T>(expression: string): Promise<T> => world.evaluate<T>(expression);
  const messages = async () => (await peer<RuntimeEnvelope[]>('window.__peer.received')).flatMap((envelope) => envelope.batch);
  let seq = 0;
  let session = ANY_SESSION;
  const call = async <K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> => {
    const id = `peer:${++seq}`;
    const envelope = { source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session, seq, batch: [{ command: name, id, payload }] };
    await peer(`window.postMessage(${JSON.stringify(envelope)}, '*')`);
    for (let i = 0; i < 400; i++) {
      const answer = (await messages()).find((message) => message.event === Event.response && message.payload.id === id);
      if (answer?.event === Event.response) {
        if (!answer.payload.ok) throw Object.assign(new Error(answer.payload.error.message), answer.payload.error);
        return answer.payload.result as CommandResult<K>;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no answer to ${name}`);
  };
  // A hello sent before the panel listener loaded (lazily, after the runtime's first tick, so on a
  // loaded machine after the fixture is ready) goes unheard: a panel says it on the announce.
  for (let i = 0; i < 200 && !(await messages()).some((message) => message.event === Event.announce); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const ready = await call(Command.hello, { protocol: PROTOCOL_VERSION, client: 'peer', trace: true });
  session = ready.runtime.id;
  let snapshot: Snapshot | undefined;
  for (let i = 0; i < 100 && !snapshot; i++) {
    snapshot = (await messages()).find((message) => message.event === Event.snapshot)?.payload as Snapshot | undefined;
    if (!snapshot) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const app = <T>(expression: string) => page.evaluate(`window.app.${expression}`) as Promise<T>;
  return { page, url, snapshot: snapshot!, events: messages, call, app };
}

/** The newest `name` event, once one that satisfies `fresh` has arrived (deltas flush every ≤16 ms). */
async function latest<K extends EventName>(peer: Peer, name: K, fresh: (payload: RuntimeEvents[K]) => boolean = () => true): Promise<RuntimeEvents[K]> {
  for (let i = 0; i < 100; i++) {
    const found = (await peer.events()).filter((message) => message.event === name).at(-1);
    if (found && fresh(found.payload as RuntimeEvents[K])) return found.payload as RuntimeEvents[K];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${name}`);
}

async function exportText(peer: Peer): Promise<string> {
  const { transfer, size } = await peer.call(Command.snapshotExport, {});
  let text = '';
  while (text.length < size) text += (await peer.call(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK })).text;
  await peer.call(Command.snapshotDiscard, { transfer });
  return text;
}

describe(`history in real ${BROWSER === 'firefox' ? 'Firefox' : 'Chromium'}`, () => {
  it('traces a change to the page’s own function, and restores an earlier value as a versioned edit', async () => {
    const peer = await open(started.browser.defaultBrowserContext());
    await peer.app('addToCart("p1")');
    const delta = await latest(peer, Event.stateChanged);
    expect(delta.label).toBe('add to cart');
    // The first frame is the page's own function (called as window.app.addToCart), not Stratum's.
    const frame = parseFrame(delta.stack![0]!);
    expect(frame).toMatchObject({ fn: expect.stringMatching(/(^|\.)addToCart$/), url: peer.url });
    expect(delta.stack!.length).toBeLessThanOrEqual(10);

    const store = peer.snapshot.stores.find((candidate) => candidate.name === 'shop')!;
    const cart = store.scopes.flatMap((scope) => scope.states).find((state) => state.key === 'cart')!;
    await peer.app('addToCart("p2")');
    // Wait for p2's delta: the newest event may still be p1's for up to a flush.
    const seen = (await latest(peer, Event.stateChanged, (next) => next.versions.to > delta.versions.to)).versions.to;
    await peer.call(Command.stateSet, { store: store.id, state: cart.id, value: delta.value, baseVersion: seen, label: 'devtools: restore' });
    expect(await peer.app('read()')).toMatchObject({ cart: ['p1'] });
    await peer.app('addToCart("p3")');
    await expect(peer.call(Command.stateSet, { store: store.id, state: cart.id, value: [], baseVersion: seen + 1 })).rejects.toMatchObject({ code: 'conflict' });
    expect(await peer.app('read()')).toMatchObject({ cart: ['p1', 'p3'] });
    await peer.page.close();
  });

  it('exports a page, imports it into a fresh profile, and diff finds nothing', async () => {
    const source = await open(await started.browser.createBrowserContext());
    await source.app(`seed(${BLOB})`);
    const text = await exportText(source);
    const file = parseSnapshot(text);
    const before = await source.app<Record<string, unknown>>('read()');
    expect(before).toMatchObject({ blob: { isFile: true, name: 'manual.pdf', size: BLOB } });
    await source.page.browserContext().close();

    const fresh = await open(await started.browser.createBrowserContext());
    let transfer: string | null = null;
    for (let offset = 0; offset < text.length; offset += MAX_SNAPSHOT_CHUNK) {
      ({ transfer } = await fresh.call(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, offset + MAX_SNAPSHOT_CHUNK), size: text.length }));
    }
    const preview = await fresh.call(Command.snapshotPreview, { transfer: transfer! });
    expect(preview).toMatchObject({ applied: false, counts: { row: { added: 1 }, blob: { added: 1 }, webstorage: { added: 1 } } });
    expect(await fresh.app('read()')).toMatchObject({ cart: [], orders: [] });
    const summary = await fresh.call(Command.snapshotImport, { transfer: transfer! });
    expect(summary).toMatchObject({ applied: true, skipped: [] });

    // The same data, the File's name and bytes included; the client scope follows this tab.
    expect(await fresh.app('read()')).toEqual(before);
    expect(diff(file, parseSnapshot(await exportText(fresh)))).toEqual([]);
    await fresh.page.browserContext().close();
  });
});
