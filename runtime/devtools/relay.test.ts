// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/frozen.js';
import { configureDevtools } from '../registry/registry.js';
import { SOURCE_RELAY } from '../registry/worker-relay.js';
import { relayWorker } from './relay.js';

// The page side of issue 22.5: what relayWorker hands a worker and what it copies between the
// window (the content script's side) and the worker's private port.

/** A stand-in for `new Worker(…)`: keeps what the page posts to it. */
function fakeWorker(): { worker: Worker; posted: { data: unknown; transfer: Transferable[] }[] } {
  const posted: { data: unknown; transfer: Transferable[] }[] = [];
  const worker = { postMessage: (data: unknown, transfer: Transferable[] = []) => void posted.push({ data, transfer }) } as unknown as Worker;
  return { worker, posted };
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
const stops: (() => void)[] = [];

afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  configureDevtools({ enabled: true });
  vi.restoreAllMocks();
});

describe('relayWorker', () => {
  it('hands the worker a port of its own with the name and the frame the panel will show', () => {
    const { worker, posted } = fakeWorker();
    stops.push(relayWorker(worker, { name: 'search index' }));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.data).toEqual({ source: SOURCE_RELAY, v: 1, kind: 'dedicated', name: 'search index', frame: { url: location.href, top: true, title: document.title } });
    expect(posted[0]!.transfer).toHaveLength(1);
  });

  it("copies the panel's envelopes to the worker and the worker's runtime envelopes to the window, nothing else", async () => {
    const { worker, posted } = fakeWorker();
    stops.push(relayWorker(worker));
    const port = posted[0]!.transfer[0] as MessagePort;
    const toWorker: unknown[] = [];
    port.onmessage = (event) => void toWorker.push(event.data);
    const onWindow: unknown[] = [];
    window.addEventListener('message', (event) => void onWindow.push(event.data));

    window.dispatchEvent(new MessageEvent('message', { data: { source: SOURCE_CONTENT, seq: 1 }, source: window as unknown as MessageEventSource }));
    // Another window's message, and the app's own, stay where they are.
    window.dispatchEvent(new MessageEvent('message', { data: { source: SOURCE_CONTENT, seq: 2 }, source: null }));
    window.dispatchEvent(new MessageEvent('message', { data: { kind: 'app' }, source: window as unknown as MessageEventSource }));
    port.postMessage({ source: SOURCE_RUNTIME, seq: 7 });
    port.postMessage({ source: 'not-stratum', seq: 8 });
    await tick(30);
    expect(toWorker).toEqual([{ source: SOURCE_CONTENT, seq: 1 }]);
    expect(onWindow.filter((data) => (data as { source?: string }).source === SOURCE_RUNTIME)).toEqual([{ source: SOURCE_RUNTIME, seq: 7 }]);
    expect(onWindow).not.toContainEqual({ source: 'not-stratum', seq: 8 });
  });

  it('relays a worker once, again after the relay ended, and never when devtools are off', () => {
    const { worker, posted } = fakeWorker();
    const stop = relayWorker(worker);
    relayWorker(worker);
    expect(posted).toHaveLength(1);
    stop();
    stops.push(relayWorker(worker));
    expect(posted).toHaveLength(2);

    configureDevtools({ enabled: false });
    const other = fakeWorker();
    relayWorker(other.worker);
    expect(other.posted).toEqual([]);
  });

  it('says in words what it needs when given something that is not a worker', () => {
    expect(() => relayWorker({} as Worker)).toThrow(/relayWorker: pass a Worker or a SharedWorker/);
  });
});
