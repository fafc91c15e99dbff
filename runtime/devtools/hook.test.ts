// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/messages.js';
import { SOURCE_RELAY, type RelayHello } from '../registry/worker-relay.js';

// The entries' wiring (hook.ts): when the listener starts, what it leaves to the app, and what
// turning devtools off does at each moment.

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
}

const frame = { url: 'https://app.test/', top: true, title: 'App' };
const handover: RelayHello = { source: SOURCE_RELAY, v: 1, kind: 'dedicated', name: '', frame };

/** A worker's global scope (no window; listeners on the scope itself). */
function workerScope(): EventTarget {
  const scope = new EventTarget();
  vi.stubGlobal('window', undefined);
  vi.stubGlobal('WorkerGlobalScope', function WorkerGlobalScope() {});
  vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
  vi.stubGlobal('removeEventListener', scope.removeEventListener.bind(scope));
  return scope;
}

beforeEach(() => {
  vi.resetModules();
});

afterEach(async () => {
  const { stopListening } = await import('../registry/listen.js');
  stopListening();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.doUnmock('./start.js');
});

describe('in a worker', () => {
  // A browser links the modules and runs the app's body right after hook.ts, before any
  // microtask; vitest's module runner awaits between imports, so here the app's handlers come
  // after the hook's microtask too. That order (the app's handlers set in its module body) is
  // checked in real Chromium and Firefox by test/e2e/workers.spec.ts, whose workers do so.
  it("keeps the relay's hand-over, dedicated and shared, from the app's handlers, and links it", async () => {
    const scope = workerScope();
    const { seen } = await import('./worker-app.fixture.js');
    const dedicated = new MessageChannel();
    scope.dispatchEvent(new MessageEvent('message', { data: handover, ports: [dedicated.port2] }));
    scope.dispatchEvent(new MessageEvent('message', { data: 'the app’s own' }));
    // A shared worker: the app's onconnect sets the port's onmessage; the relay speaks on that port.
    const shared = new MessageChannel();
    scope.dispatchEvent(new MessageEvent('connect', { ports: [shared.port2] }));
    shared.port1.postMessage({ ...handover, kind: 'shared' }, [new MessageChannel().port2]);
    shared.port1.postMessage('the app’s own, shared');
    const announced: unknown[] = [];
    dedicated.port1.onmessage = (event: MessageEvent) => void announced.push(event.data);
    await until(() => seen.length === 2 && announced.length > 0);
    expect(seen).toEqual(['the app’s own', 'the app’s own, shared']);
    // The dedicated hand-over was linked once the worker side loaded: it announces itself there.
    expect(announced).toMatchObject([{ source: SOURCE_RUNTIME, seq: 0, batch: [{ event: 'announce' }] }]);
    dedicated.port1.close();
    shared.port1.close();
  });

  it('turned off in the importing tick, still keeps the hand-over from the app, and closes its port', async () => {
    const scope = workerScope();
    const { seen } = await import('./worker-app.fixture.js');
    const { configureDevtools } = await import('../registry/core.js');
    configureDevtools({ enabled: false });
    const channel = new MessageChannel();
    const received: unknown[] = [];
    channel.port1.onmessage = (event: MessageEvent) => void received.push(event.data);
    scope.dispatchEvent(new MessageEvent('message', { data: handover, ports: [channel.port2] }));
    await tick(50);
    expect(seen).toEqual([]);
    expect(received).toEqual([]);
    configureDevtools({ enabled: true });
    channel.port1.close();
  });
});

describe('in a window', () => {
  it('turned off after the importing tick but before the listener loaded, never listens', async () => {
    const posted: unknown[] = [];
    window.addEventListener('message', (event) => {
      if ((event.data as { source?: unknown })?.source === SOURCE_RUNTIME) posted.push(event.data);
    });
    await import('./hook.js');
    const { configureDevtools } = await import('../registry/core.js');
    // The microtask has run (the import of the listener is under way): now off. listenForPanel
    // checks `enabled` again when it loads, and the hook will not start it once stopped.
    await Promise.resolve();
    configureDevtools({ enabled: false });
    const { listening } = await import('../registry/listen.js');
    await tick(100);
    expect(listening.on).toBe(false);
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: ANY_SESSION, seq: 1, batch: [{ command: Command.hello, id: 'p:1', payload: { protocol: PROTOCOL_VERSION, client: 'p' } }] },
        source: window as unknown as MessageEventSource,
      }),
    );
    await tick(50);
    expect(posted).toEqual([]);
    configureDevtools({ enabled: true });
  });

  it('in a production bundle (process.env.NODE_ENV) never loads the listener at all', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    let loaded = false;
    vi.doMock('./start.js', () => {
      loaded = true;
      return { start: () => () => undefined };
    });
    await import('./hook.js');
    await tick(50);
    expect(loaded).toBe(false);
  });
});
