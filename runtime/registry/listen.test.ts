// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME, type RuntimeEnvelope } from '../protocol/messages.js';

/** Every runtime envelope posted to the window. */
function recordPosts(): RuntimeEnvelope[] {
  const posted: RuntimeEnvelope[] = [];
  window.addEventListener('message', (event) => {
    if ((event.data as { source?: unknown })?.source === SOURCE_RUNTIME) posted.push(event.data as RuntimeEnvelope);
  });
  return posted;
}

/** A message as the content script posts it: from this window, unless `source` says otherwise. */
function fromContent(data: unknown, source: MessageEventSource | null = window as unknown as MessageEventSource): void {
  window.dispatchEvent(new MessageEvent('message', { data, source }));
}

const hello = {
  source: SOURCE_CONTENT,
  v: PROTOCOL_VERSION,
  session: ANY_SESSION,
  seq: 1,
  batch: [{ command: Command.hello, id: 'p:1', payload: { protocol: PROTOCOL_VERSION, client: 'p' } }],
};

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
}

beforeEach(() => {
  vi.resetModules();
});

afterEach(async () => {
  const { stopListening } = await import('./listen.js');
  stopListening();
});

describe('listening for a panel', () => {
  it('starts after the importing tick, announces itself, and loads the agent on hello', async () => {
    const posted = recordPosts();
    const { listening } = await import('./listen.js');
    // The public entry's wiring: the registry gets the agent's loader passed in.
    const { Store } = await import('../store/index.js');
    new Store({ name: 'page' }).createState(1, { key: 'k', scope: 'app' });
    await until(() => listening.on);
    expect(listening.on).toBe(true);
    await until(() => posted.length > 0);
    expect(posted[0]).toMatchObject({ v: PROTOCOL_VERSION, seq: 0, batch: [{ event: Event.announce, payload: {} }] });

    fromContent(hello);
    await until(() => posted.some((envelope) => envelope.batch.some((message) => message.event === Event.snapshot)));
    const events = posted.flatMap((envelope) => envelope.batch.map((message) => message.event));
    expect(events).toEqual([Event.announce, Event.response, Event.snapshot]);
    const session = posted[0]!.session;
    expect(posted.every((envelope) => envelope.session === session)).toBe(true);

    // Turned off later: the agent goes silent and the listener goes away.
    const { configureDevtools } = await import('./registry.js');
    configureDevtools({ enabled: false });
    expect(listening.on).toBe(false);
    const sent = posted.length;
    fromContent({ ...hello, session, batch: [{ command: Command.snapshot, id: 'p:2', payload: {} }] });
    await tick(50);
    expect(posted).toHaveLength(sent);
    configureDevtools({ enabled: true });
  });

  // configureDevtools({ enabled: false }) in the importing tick is tested in real Chromium
  // (test/e2e/agent.spec.ts): vitest's module runner awaits between imports, a browser does not.

  it('never listens in a production bundle (process.env.NODE_ENV)', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      // The entries' wiring, which starts the listener (devtools/hook.ts).
      await import('../devtools/hook.js');
      const { listening } = await import('./listen.js');
      await tick(10);
      expect(listening.on).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('drops and counts messages from other windows, other sources, or without a hello', async () => {
    const posted = recordPosts();
    await import('../devtools/hook.js');
    const { listening } = await import('./listen.js');
    // The listener loads lazily: messages before it are no one's to count.
    await until(() => listening.on);
    expect(listening.on).toBe(true);
    fromContent(hello, null);
    fromContent({ ...hello, source: 'someone-else' });
    fromContent({ ...hello, batch: [{ command: Command.snapshot, id: 'p:2', payload: {} }] });
    fromContent('a string');
    await tick(20);
    expect(listening.dropped).toBe(4);
    expect(posted.flatMap((envelope) => envelope.batch.map((message) => message.event))).toEqual([Event.announce]);
  });
});
