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
  const pageGone = new Set<(frameId: number) => void>();
  const status = new Set<(status: WallState) => void>();
  const wall: Wall & SessionWall = {
    send: (envelope) => runtimes.forEach(({ receive }) => receive(structuredClone(envelope))),
    listen: (listener) => (panelListeners.add(listener), () => panelListeners.delete(listener)),
    onStatus: (listener) => (status.add(listener), () => status.delete(listener)),
    onPageReady: (listener) => (pageReady.add(listener), () => pageReady.delete(listener)),
    onPageGone: (listener) => (pageGone.add(listener), () => pageGone.delete(listener)),
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
  return {
    wall,
    runtime,
    runtimes,
    seen,
    pageReady: (frameId: number) => pageReady.forEach((listener) => listener({ frameId, url: '' })),
    /** The frame's document went away: its runtimes stop hearing the panel, and the wall says so. */
    pageGone: (frameId: number) => {
      for (const [session, entry] of runtimes) if (entry.frame === frameId) runtimes.delete(session);
      pageGone.forEach((listener) => listener(frameId));
    },
    status: (state: WallState) => status.forEach((listener) => listener(state)),
  };
}

/** Whether the promise has settled, once what is already due (microtasks, a macrotask turn) ran: no time passes. */
async function settled(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown } | 'pending'> {
  let result: { ok: true } | { ok: false; error: unknown } | 'pending' = 'pending';
  promise.then(
    () => (result = { ok: true }),
    (error: unknown) => (result = { ok: false, error }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return result;
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

describe('a command held for a runtime fails at once when none can come (16.4)', () => {
  const set = { store: 1, state: 's', value: 1, baseVersion: 0 } as const;

  async function connected(client: string) {
    const page = tab();
    page.runtime('rt-1', 0);
    const bridge = new PanelBridge({ wall: page.wall, client, schedule: now });
    const session = new ClientSession(bridge, page.wall, client);
    session.hello();
    await session.whenTargeted({ timeout: 2000 });
    // The first roll call over: nothing is under way.
    while (!session.settled) await new Promise((resolve) => setTimeout(resolve, 5));
    return { page, bridge, session, close: () => (session.dispose(), bridge.shutdown()) };
  }

  it('fails at once, saying it was not applied, when the page went away and nothing brings a runtime back', async () => {
    const { page, session, close } = await connected('kit-1');
    page.pageGone(0);
    const outcome = await settled(session.requestAfterHello(Command.stateSet, set));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect((outcome as { error: Error }).error.message).toMatch(/^stateSet was not sent, so it was not applied: no Stratum runtime answers/);
    expect(page.seen.filter((entry) => entry.command === Command.stateSet)).toEqual([]);
    close();
  });

  it('waits while the silent runtime is asked again, and fails as soon as the roll call drops it (a Node process or worker that ended)', async () => {
    const { page, session, close } = await connected('kit-1');
    page.runtimes.delete('rt-1');
    session.hello();
    const answer = session.requestAfterHello(Command.stateSet, set);
    // Asked again after one missed roll call: it may be busy, so the command still waits.
    await new Promise((resolve) => setTimeout(resolve, ROLL_CALL_MS + 200));
    expect(await settled(answer)).toBe('pending');
    // The second miss drops it: nothing else is under way, so the command fails then, not 15 s later.
    while (session.runtimes.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const outcome = await settled(answer);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect((outcome as { error: Error }).error.message).toMatch(/not sent, so it was not applied/);
    close();
  });

  it('waits while a reloaded page may still load its runtime, then fails in words when none announced itself', async () => {
    const { page, session, close } = await connected('kit-1');
    // The page reloads into one without Stratum: its frame loads a new document, no runtime answers.
    page.runtimes.delete('rt-1');
    page.pageReady(0);
    const answer = session.requestAfterHello(Command.stateSet, set);
    // Both roll calls are over and the old runtime dropped; a lazily loaded runtime could still come.
    while (session.runtimes.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await settled(answer)).toBe('pending');
    await expect(answer).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/^stateSet was not sent, so it was not applied: no Stratum runtime answers in this tab/) });
    expect(page.seen.filter((entry) => entry.command === Command.stateSet)).toEqual([]);
    close();
  }, 10_000);

  it('waits while the connection to the page is being made again, then goes to the runtime that answers', async () => {
    const { page, session, close } = await connected('kit-1');
    page.status('reconnecting');
    const answer = session.requestAfterHello(Command.stateSet, set);
    await new Promise((resolve) => setTimeout(resolve, 2 * ROLL_CALL_MS + 200));
    expect(await settled(answer)).toBe('pending');
    page.status('connected');
    expect(await answer).toEqual({ version: 1 });
    close();
  });
});
