import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/messages.js';
import type { Via } from './listen.js';
import { SOURCE_RELAY, type RelayHello } from './worker-relay.js';

// The worker side of relayWorker (issue 22.5) on Node's MessageChannel: what a worker does with
// its page's hand-over. The whole path (capture in the worker's first turn, the page's relay, the
// content script, the panel) runs in test/e2e/workers.spec.ts.

const frame = { url: 'https://app.test/', top: true, title: 'App' };
const handover = (extra: Partial<RelayHello> = {}): RelayHello => ({ source: SOURCE_RELAY, v: 1, kind: 'dedicated', name: '', frame, ...extra });
const hello = (seq: number) => ({
  source: SOURCE_CONTENT,
  v: PROTOCOL_VERSION,
  session: ANY_SESSION,
  seq,
  batch: [{ command: Command.hello, id: `p:${seq}`, payload: { protocol: PROTOCOL_VERSION, client: 'p' } }],
});
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
}

interface Setup {
  page: MessagePort;
  received: unknown[];
  delivered: unknown[];
  vias: Via[];
  stopped: number[];
  stop: () => void;
  listening: { on: boolean; dropped: number; id: string };
}

/** A worker that was handed `data` with a fresh channel; `page` is the relay's end of it. */
async function handOver(data: unknown, options: { agent?: 'never' } = {}): Promise<Setup> {
  const listen = await import('./listen.js');
  const { linker } = await import('./listen-worker.js');
  const delivered: unknown[] = [];
  const vias: Via[] = [];
  const stopped: number[] = [];
  if (options.agent !== 'never') {
    listen.setAgentLoader(async () => ({
      connect: (_listening, via) => {
        vias.push(via!);
        via!.send({ source: SOURCE_RUNTIME, answered: true });
        return { deliver: (envelope: unknown) => void delivered.push(envelope), stop: () => void stopped.push(1) };
      },
    }));
  }
  const listening = listen.listening;
  listening.on = true;
  const channel = new MessageChannel();
  const received: unknown[] = [];
  channel.port1.onmessage = (event: MessageEvent) => void received.push(event.data);
  const held = [new MessageEvent('message', { data, ports: [channel.port2] })];
  const stop = linker(listening, held);
  return { page: channel.port1, received, delivered, vias, stopped, stop, listening };
}

let opened: Setup[] = [];
const track = (setup: Setup) => (opened.push(setup), setup);

beforeEach(() => {
  vi.resetModules();
  vi.stubGlobal('location', new URL('https://app.test/workers/counter.js'));
});

afterEach(() => {
  for (const setup of opened) {
    setup.stop();
    setup.page.close();
  }
  opened = [];
  vi.unstubAllGlobals();
});

describe('a worker handed a relay port', () => {
  it('announces itself on that port, so an open panel says hello', async () => {
    const setup = track(await handOver(handover()));
    await until(() => setup.received.length > 0);
    expect(setup.received).toEqual([
      { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: setup.listening.id, seq: 0, batch: [{ event: 'announce', payload: {} }] },
    ]);
  });

  it("loads the agent on the first hello, tells it the page's frame and the worker, and delivers what came meanwhile in order", async () => {
    const setup = track(await handOver(handover({ kind: 'shared', name: 'sync engine' })));
    setup.page.postMessage(hello(1));
    setup.page.postMessage(hello(2));
    await until(() => setup.delivered.length === 2);
    expect(setup.delivered).toEqual([hello(1), hello(2)]);
    expect(setup.vias).toHaveLength(1);
    expect(setup.vias[0]!.frame).toEqual(frame);
    expect(setup.vias[0]!.worker).toEqual({ kind: 'shared', name: 'sync engine', url: 'https://app.test/workers/counter.js' });
    // What the agent sends leaves on the relay's port, to the page.
    await until(() => setup.received.length === 2);
    expect(setup.received[1]).toEqual({ source: SOURCE_RUNTIME, answered: true });
  });

  it("names the worker by its script's file name when neither the page nor `new Worker(…, { name })` did", async () => {
    const setup = track(await handOver(handover()));
    setup.page.postMessage(hello(1));
    await until(() => setup.vias.length === 1);
    expect(setup.vias[0]!.worker.name).toBe('counter.js');
  });

  it('ignores what is not a panel envelope before a hello, and counts it', async () => {
    const setup = track(await handOver(handover()));
    const before = setup.listening.dropped;
    setup.page.postMessage({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 1, batch: [{ command: 'snapshot', id: 'x', payload: {} }] });
    setup.page.postMessage({ source: 'someone-else', batch: [] });
    await until(() => setup.listening.dropped === before + 2);
    expect(setup.listening.dropped).toBe(before + 2);
    expect(setup.vias).toEqual([]);
  });

  it.each([
    ['another version', { v: 2 }],
    ['no frame', { frame: undefined }],
    ['an unknown kind', { kind: 'service' }],
  ])('refuses a hand-over with %s: no announce, counted', async (_name, change) => {
    const setup = track(await handOver({ ...handover(), ...change }));
    await tick(20);
    expect(setup.received).toEqual([]);
    expect(setup.listening.dropped).toBeGreaterThan(0);
  });

  it("stops the worker's agents and closes their ports when devtools are turned off", async () => {
    const setup = track(await handOver(handover()));
    setup.page.postMessage(hello(1));
    await until(() => setup.delivered.length === 1);
    setup.stop();
    expect(setup.stopped).toEqual([1]);
    setup.page.postMessage(hello(2));
    await tick(20);
    expect(setup.delivered).toHaveLength(1);
  });

  it('links a later hand-over too (a shared worker: each page that relays gets its own port and agent)', async () => {
    const setup = track(await handOver(handover({ kind: 'shared' })));
    const { linker } = await import('./listen-worker.js');
    const second = new MessageChannel();
    const heard: unknown[] = [];
    second.port1.onmessage = (event: MessageEvent) => void heard.push(event.data);
    // The listener keeps pushing what it catches into the same list; after linking, a push links.
    const held: MessageEvent[] = [];
    const stop = linker(setup.listening, held);
    held.push(new MessageEvent('message', { data: handover({ kind: 'shared', frame: { ...frame, url: 'https://app.test/other' } }), ports: [second.port2] }));
    second.port1.postMessage(hello(1));
    await until(() => setup.vias.length === 1);
    expect(setup.vias[0]!.frame.url).toBe('https://app.test/other');
    stop();
    second.port1.close();
  });
});

describe('a worker that turns devtools off', () => {
  it('configureDevtools({ enabled: false }) while the worker side loads does not throw, and a later hand-over is closed, never the app\'s', async () => {
    // A worker's global scope: no window, message listeners on the scope itself.
    const scope = new EventTarget();
    vi.stubGlobal('WorkerGlobalScope', function WorkerGlobalScope() {});
    vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
    vi.stubGlobal('removeEventListener', scope.removeEventListener.bind(scope));
    const { catchRelay } = await import('./relay-catch.js');
    const listen = await import('./listen.js');
    listen.listenForPanel({ enabled: true, name: undefined, redact: undefined }, catchRelay());
    expect(listen.listening.on).toBe(true);
    // The worker side (listen-worker.js) is still loading: turning off must not reach for `window`.
    expect(() => listen.stopListening()).not.toThrow();
    await tick(20);
    const seen: unknown[] = [];
    scope.addEventListener('message', (event) => void seen.push((event as MessageEvent).data));
    const channel = new MessageChannel();
    scope.dispatchEvent(new MessageEvent('message', { data: handover(), ports: [channel.port2] }));
    const received: unknown[] = [];
    channel.port1.onmessage = (event: MessageEvent) => void received.push(event.data);
    await tick(20);
    // Off means off: nothing announced on the port; the hand-over is still Stratum's, not the app's.
    expect(received).toEqual([]);
    expect(seen).toEqual([]);
    channel.port1.close();
  });
});
