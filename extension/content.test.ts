// @vitest-environment happy-dom
/**
 * The content script's port to the background, while the service worker comes and goes:
 * reconnects back off (14.14), and clients that said hello before the worker went away but not
 * after it came back are stopped (14.15), so the page does not stream to a DevTools that closed
 * while the worker was down.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '#protocol/messages.js';
import { CLIENT_REHELLO_MS, MAX_RECONNECT_MS } from './content.js';

const fake = vi.hoisted(() => {
  type Port = { disconnect: () => void; posted: unknown[]; onMessage: ((message: unknown) => void)[]; onDisconnect: (() => void)[] };
  const state = { ports: [] as Port[] };
  const connect = () => {
    const port: Port = { disconnect: () => undefined, posted: [], onMessage: [], onDisconnect: [] };
    state.ports.push(port);
    return {
      name: 'stratum-content',
      postMessage: (message: unknown) => void port.posted.push(message),
      disconnect: () => port.disconnect(),
      onMessage: { addListener: (listener: (message: unknown) => void) => port.onMessage.push(listener) },
      onDisconnect: { addListener: (listener: () => void) => port.onDisconnect.push(listener) },
    };
  };
  return { state, connect };
});

vi.mock('webextension-polyfill', () => ({ default: { runtime: { connect: fake.connect, onMessage: { addListener: () => undefined } } } }));

const SESSION = 'rt-page';
const toPage: unknown[] = [];

beforeAll(() => {
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown) => void toPage.push(message));
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
});

afterEach(() => vi.useRealTimers());

const latest = () => fake.state.ports.at(-1)!;
const dropPort = () => latest().onDisconnect.forEach((listener) => listener());
const fromBackground = (message: unknown) => latest().onMessage.forEach((listener) => listener(message));
const hello = (client: string) =>
  fromBackground({
    kind: 'envelope',
    data: { source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 1, batch: [{ command: Command.hello, id: `${client}:1`, payload: { protocol: PROTOCOL_VERSION, client } }] },
  });
const stopsSent = () =>
  toPage.flatMap((message) => (message as { batch: { command: string; payload: { client?: string } }[] }).batch.filter((m) => m.command === Command.stop).map((m) => m.payload.client));

describe('the content script across service worker restarts', () => {
  it('backs off to 1 s while the worker will not stay up (14.14), and waits 50 ms again once a port held', async () => {
    vi.useFakeTimers();
    const delays: number[] = [];
    const real = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => (delays.push(ms ?? 0), real(fn, ms))) as typeof setTimeout);
    await import('./content.js');
    window.dispatchEvent(new MessageEvent('message', { source: window, data: { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: SESSION, seq: 1, batch: [{ event: Event.announce, payload: {} }] } }));
    expect(fake.state.ports).toHaveLength(1);
    for (let i = 0; i < 8; i++) {
      delays.length = 0;
      dropPort();
      const reconnect = delays.find((ms) => ms > 0 && ms <= MAX_RECONNECT_MS);
      expect(reconnect).toBeDefined();
      vi.advanceTimersByTime(reconnect!);
    }
    expect(fake.state.ports).toHaveLength(9);
    // 50, 100, 200, 400, 800, then 1 s: the last attempts wait the full second.
    delays.length = 0;
    dropPort();
    expect(delays).toContain(MAX_RECONNECT_MS);
    vi.advanceTimersByTime(MAX_RECONNECT_MS);
    // A port that carried a message is healthy: the next drop reconnects fast again.
    fromBackground({ kind: 'envelope', data: null });
    delays.length = 0;
    dropPort();
    expect(delays).toContain(50);
    vi.advanceTimersByTime(50);
    vi.mocked(globalThis.setTimeout).mockRestore();
  });

  it('stops a client that does not say hello again after the worker restarted (14.15)', () => {
    vi.useFakeTimers();
    hello('panel-kept');
    hello('panel-gone');
    toPage.length = 0;
    dropPort();
    const ports = fake.state.ports.length;
    while (fake.state.ports.length === ports) vi.advanceTimersByTime(10);
    hello('panel-kept');
    vi.advanceTimersByTime(CLIENT_REHELLO_MS - 20);
    expect(stopsSent()).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(stopsSent()).toEqual(['panel-gone']);
    // A gone client is forgotten (stopped once); the kept one, silent after the next restart, goes too.
    dropPort();
    vi.advanceTimersByTime(MAX_RECONNECT_MS + CLIENT_REHELLO_MS);
    expect(stopsSent()).toEqual(['panel-gone', 'panel-kept']);
  });

  it('tells the background whether this page carries the kit’s probe (14.17)', () => {
    fromBackground({ kind: 'probe', probe: 4, nonce: 'abc' });
    document.documentElement.setAttribute('data-stratum-kit-probe', 'abc');
    fromBackground({ kind: 'probe', probe: 5, nonce: 'abc' });
    fromBackground({ kind: 'probe', probe: 6, nonce: 'other' });
    expect(latest().posted.filter((message) => (message as { kind: string }).kind === 'probe')).toEqual([
      { kind: 'probe', probe: 4, found: false },
      { kind: 'probe', probe: 5, found: true },
      { kind: 'probe', probe: 6, found: false },
    ]);
  });
});
