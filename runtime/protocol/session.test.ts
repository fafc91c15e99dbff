/**
 * Issue 16.4: one client session (hello, target choice, hello again, commands held for it) for
 * the panel and the kit. The kit's rules are now the panel's too: the top frame's runtime wins
 * over a subframe (or one of its own workers) that answered first, and a command sent while a
 * hello is under way (a reload) goes to the runtime that answers it, not to the one that is gone.
 */
import { describe, expect, it } from 'vitest';
import { PanelBridge, RuntimeBridge, type Wall, type WallState } from './bridge.js';
import { Command, Event, PROTOCOL_VERSION, type Ready, type WorkerInfo } from './messages.js';
import { ClientSession, ROLL_CALL_MS, type SessionWall } from './session.js';

const now = (flush: () => void) => (queueMicrotask(flush), () => {});

function tab() {
  const panelListeners = new Set<(data: unknown, frameId?: number) => void>();
  const runtimes = new Map<string, { frame: number; receive: (data: unknown) => void }>();
  const pageReady = new Set<(frame: { frameId: number; url: string }) => void>();
  const status = new Set<(status: WallState) => void>();
  const wall: Wall & SessionWall = {
    send: (envelope) => runtimes.forEach(({ receive }) => receive(structuredClone(envelope))),
    listen: (listener) => (panelListeners.add(listener), () => panelListeners.delete(listener)),
    onStatus: (listener) => (status.add(listener), () => status.delete(listener)),
    onPageReady: (listener) => (pageReady.add(listener), () => pageReady.delete(listener)),
  };
  const seen: { session: string; command: string }[] = [];
  function runtime(session: string, frame: number, delay = 0, worker?: WorkerInfo) {
    let receive: ((data: unknown) => void) | undefined;
    runtimes.set(session, { frame, receive: (data) => receive?.(data) });
    const ready: Ready = {
      runtime: {
        id: session,
        name: 'app',
        frame: { url: `https://app.example/${frame}`, top: frame === 0, title: '' },
        protocol: PROTOCOL_VERSION,
        version: '0',
        ...(worker && { worker }),
      },
      protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION },
      compatible: true,
      dropped: 0,
    };
    return new RuntimeBridge({
      session,
      schedule: now,
      wall: {
        send: (envelope) => panelListeners.forEach((listener) => listener(structuredClone(envelope), frame)),
        listen: (listener) => ((receive = listener), () => (receive = undefined)),
      },
      handle: (message) => {
        seen.push({ session, command: message.command });
        if (message.command === Command.hello) return new Promise((resolve) => setTimeout(() => resolve(ready), delay));
        if (message.command === Command.stateSet) return { version: 1 };
        return undefined;
      },
    });
  }
  return { wall, runtime, runtimes, seen, pageReady: (frameId: number) => pageReady.forEach((listener) => listener({ frameId, url: '' })) };
}

describe('one client session for the panel and the kit (16.4)', () => {
  it('targets the top frame’s runtime even when a subframe answers first', async () => {
    const page = tab();
    page.runtime('rt-sub', 2, 0);
    page.runtime('rt-top', 0, 30);
    const bridge = new PanelBridge({ wall: page.wall, client: 'kit-1', schedule: now });
    const session = new ClientSession(bridge, page.wall, 'kit-1');
    session.hello();
    const ready = await session.whenTargeted({ topWaitMs: 500, timeout: 2000 });
    expect(ready.runtime.id).toBe('rt-top');
    expect(session.target).toBe('rt-top');
    session.dispose();
    bridge.shutdown();
  });

  it('targets the page’s own runtime even when its worker answers first (workers are listed, not chosen)', async () => {
    const page = tab();
    // The worker's runtime answers through its page's frame: the same frame, top, with `worker`.
    page.runtime('rt-worker', 0, 0, { kind: 'dedicated', name: '', url: 'https://app.example/worker.js' });
    page.runtime('rt-page', 0, 30);
    const bridge = new PanelBridge({ wall: page.wall, client: 'panel-1', schedule: now });
    const session = new ClientSession(bridge, page.wall, 'panel-1');
    session.hello();
    const ready = await session.whenTargeted({ topWaitMs: 500, timeout: 2000 });
    expect(ready.runtime.id).toBe('rt-page');
    expect(session.target).toBe('rt-page');
    expect(session.runtimes.map((entry) => entry.session)).toEqual(['rt-page', 'rt-worker']);
    session.dispose();
    bridge.shutdown();
  });

  it('holds a command while the hello after a reload is under way, then sends it to the new runtime', async () => {
    const page = tab();
    page.runtime('rt-old', 0);
    const bridge = new PanelBridge({ wall: page.wall, client: 'panel-1', schedule: now });
    const session = new ClientSession(bridge, page.wall, 'panel-1');
    session.hello();
    await session.whenTargeted({ timeout: 2000 });
    // The page reloads: the old runtime is gone, the new one answers the hello its frame triggers.
    page.runtimes.delete('rt-old');
    page.runtime('rt-new', 0, 20);
    page.pageReady(0);
    const answer = await session.requestAfterHello(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    expect(answer).toEqual({ version: 1 });
    expect(page.seen.filter((entry) => entry.command === Command.stateSet)).toEqual([{ session: 'rt-new', command: Command.stateSet }]);
    session.dispose();
    bridge.shutdown();
  });

  it('holds a command until a reloaded page announces itself after the roll call, then sends it there', async () => {
    const page = tab();
    page.runtime('rt-old', 0);
    const bridge = new PanelBridge({ wall: page.wall, client: 'kit-1', schedule: now });
    const session = new ClientSession(bridge, page.wall, 'kit-1');
    session.hello();
    await session.whenTargeted({ timeout: 2000 });
    // The page reloads; its new runtime's listener loads only after the roll call gave up on the
    // old one (as on a loaded machine), then announces itself.
    page.runtimes.delete('rt-old');
    page.pageReady(0);
    const answer = session.requestAfterHello(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    // One missed answer is no proof the old runtime is gone: it is asked again, and dropped when it
    // misses that roll call too.
    await new Promise((resolve) => setTimeout(resolve, 2 * ROLL_CALL_MS + 200));
    expect(session.target).toBeNull();
    page.runtime('rt-new', 0).send(Event.announce, {});
    expect(await answer).toEqual({ version: 1 });
    expect(page.seen.filter((entry) => entry.command === Command.stateSet)).toEqual([{ session: 'rt-new', command: Command.stateSet }]);
    session.dispose();
    bridge.shutdown();
  });
});
