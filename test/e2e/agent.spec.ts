/**
 * The page-side agent in a real browser, with the test playing the content script: a script in an
 * isolated world installed at document start (as an extension's content script is) that posts
 * content envelopes to the window and records the runtime's. agent.firefox.spec.ts runs it in
 * Firefox, the world a WebDriver BiDi sandbox there.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../runtime/codec/index.js';
import {
  ANY_SESSION,
  Command,
  Event,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type CommandMessage,
  type RuntimeEnvelope,
  type Snapshot,
} from '../../runtime/protocol/messages.js';
import { validateRuntimeEnvelope } from '../../runtime/protocol/validate.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from './harness/browser.js';
import { isolatedWorld } from './harness/isolated-world.js';
import { serveRepo, type Served } from './harness/server.js';

const WORLD = 'stratum-test-peer';
const PEER = `
  window.__peer = { received: [] };
  window.addEventListener('message', (event) => {
    if (event.source === window && event.data && event.data.source === ${JSON.stringify(SOURCE_RUNTIME)}) window.__peer.received.push(event.data);
  });
`;

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
  received(): Promise<RuntimeEnvelope[]>;
  send(session: string, batch: CommandMessage[]): Promise<void>;
  /** Waits for the response to command `id`. */
  answer(id: string): Promise<Extract<RuntimeEnvelope['batch'][number], { event: 'response' }>['payload']>;
}

/** Opens a fixture with a fake content script in an isolated world of its main frame. */
async function openWithPeer(fixture: string): Promise<Peer> {
  const page = await started.browser.newPage();
  const world = await isolatedWorld(page, WORLD, PEER);
  await page.goto(`${served.origin}/fixtures/agent/${fixture}`);
  await page.waitForFunction(() => document.getElementById('result')?.textContent === 'ready');
  const evaluate = <T>(expression: string): Promise<T> => world.evaluate<T>(expression);
  let seq = 0;
  const received = () => evaluate<RuntimeEnvelope[]>('window.__peer.received');
  return {
    page,
    received,
    send: (session, batch) =>
      evaluate(`window.postMessage(${JSON.stringify({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session, seq: ++seq, batch })}, '*')`),
    async answer(id) {
      for (let i = 0; i < 100; i++) {
        for (const envelope of await received()) {
          for (const message of envelope.batch) if (message.event === Event.response && message.payload.id === id) return message.payload;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no response to ${id}`);
    },
  };
}

/**
 * What the page posted, once it posted anything. The announce comes from the panel listener,
 * which loads lazily after the runtime's first tick: on a loaded machine, after the fixture has
 * already said it is ready.
 */
async function firstPosted(peer: Peer): Promise<RuntimeEnvelope[]> {
  for (let i = 0; i < 100; i++) {
    const envelopes = await peer.received();
    if (envelopes.length > 0) return envelopes;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the page posted nothing within 5 s of being ready');
}

async function connect(peer: Peer): Promise<{ session: string; snapshot: Snapshot }> {
  // A hello sent before the listener loaded goes unheard; a panel says it again on the announce.
  await firstPosted(peer);
  await peer.send(ANY_SESSION, [{ command: Command.hello, id: 'peer:1', payload: { protocol: PROTOCOL_VERSION, client: 'peer' } }]);
  const ready = await peer.answer('peer:1');
  if (!ready.ok || ready.command !== Command.hello) throw new Error(`hello failed: ${JSON.stringify(ready)}`);
  for (let i = 0; i < 100; i++) {
    const snapshot = (await peer.received()).flatMap((envelope) => envelope.batch).find((message) => message.event === Event.snapshot);
    if (snapshot) return { session: ready.result.runtime.id, snapshot: snapshot.payload as Snapshot };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no snapshot after hello');
}

describe(`the agent in real ${BROWSER === 'firefox' ? 'Firefox' : 'Chromium'}`, () => {
  it('announces itself, completes a handshake, sends a snapshot and applies an edit', async () => {
    const peer = await openWithPeer('index.html');
    const first = await firstPosted(peer);
    expect(first[0]?.batch).toEqual([{ event: Event.announce, payload: {} }]);

    const { session, snapshot } = await connect(peer);
    const all = await peer.received();
    for (const envelope of all) expect(validateRuntimeEnvelope(envelope)).toMatchObject({ ok: true });
    const hello = all.flatMap((envelope) => envelope.batch).find((message) => message.event === Event.response)!;
    expect(hello.payload).toMatchObject({
      ok: true,
      result: { compatible: true, runtime: { name: 'agent fixture', frame: { top: true } }, protocol: { runtime: PROTOCOL_VERSION } },
    });

    const store = snapshot.stores.find((candidate) => candidate.name === 'fixture')!;
    const states = Object.fromEntries(store.scopes[0]!.states.map((state) => [state.key, state]));
    expect(states['count']).toMatchObject({ value: 1, version: 0 });
    expect(decode(states['session']!.value)).toEqual({ user: 'ada', token: '[redacted]' });
    const prefs = snapshot.webstorages.find((candidate) => candidate.namespace === 'agent-fixture')!;
    expect(prefs).toMatchObject({ backend: 'localStorage', available: true });
    expect(prefs.keys.map((key) => [key.key, key.value])).toEqual([['theme', 'dark']]);

    await peer.send(session, [
      { command: Command.stateSet, id: 'peer:2', payload: { store: store.id, state: states['count']!.id, value: 41, baseVersion: 0 } },
    ]);
    expect(await peer.answer('peer:2')).toMatchObject({ ok: true, result: { version: 1 } });
    expect(await peer.page.evaluate(() => (window as unknown as { fixture: { read(): { count: number } } }).fixture.read().count)).toBe(41);

    // The page moves on; an edit over the old version is refused with the current value.
    await peer.page.evaluate(() => (window as unknown as { fixture: { bump(): void } }).fixture.bump());
    await peer.send(session, [
      { command: Command.stateSet, id: 'peer:3', payload: { store: store.id, state: states['count']!.id, value: 0, baseVersion: 1 } },
    ]);
    expect(await peer.answer('peer:3')).toMatchObject({ ok: false, error: { code: 'conflict', current: { value: 42, version: 2 } } });

    await peer.send(session, [{ command: Command.pageFacts, id: 'peer:4', payload: {} }]);
    const facts = await peer.answer('peer:4');
    expect(facts).toMatchObject({ ok: true, result: { foreignKeys: [{ area: 'localStorage', key: 'someone-else' }] } });
    if (facts.ok && facts.command === Command.pageFacts) expect(facts.result.estimate).toHaveProperty('quota');
    await peer.page.close();
  });

  it('streams a delta for a change made by the page', async () => {
    const peer = await openWithPeer('index.html');
    await connect(peer);
    await peer.page.evaluate(() => {
      const fixture = (window as unknown as { fixture: { bump(): void } }).fixture;
      for (let i = 0; i < 100; i++) fixture.bump();
    });
    let delta: { changes: number; value: unknown } | undefined;
    for (let i = 0; i < 100 && !delta; i++) {
      const messages = (await peer.received()).flatMap((envelope) => envelope.batch);
      delta = messages.find((message) => message.event === Event.stateChanged)?.payload as typeof delta;
      if (!delta) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(delta).toMatchObject({ changes: 100, value: 101 });
    await peer.page.close();
  });

  it('never listens when the page turns devtools off in the tick it loads the runtime', async () => {
    const peer = await openWithPeer('disabled.html');
    await peer.send(ANY_SESSION, [{ command: Command.hello, id: 'peer:1', payload: { protocol: PROTOCOL_VERSION, client: 'peer' } }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await peer.received()).toEqual([]);
    await peer.page.close();
  });
});
