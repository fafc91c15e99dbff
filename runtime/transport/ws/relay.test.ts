import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../codec/index.js';
import { startAgent, type Agent } from '../../devtools/agent/agent.js';
import { registryId } from '../../registry/registry.js';
import { PanelBridge } from '../../protocol/bridge.js';
import { Command, PROTOCOL_VERSION, SOURCE_CONTENT } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { Relay, type Connection, type Peer } from './relay.js';
import { CLOSE } from './wire.js';

const TOKEN = 'secret-token-of-this-run';
const ORIGIN = 'http://127.0.0.1:7420';

/** A socket as the relay sees it: what it was sent, and whether it was closed. */
class FakePeer implements Peer {
  sent: string[] = [];
  closedWith: number | undefined;
  onSend: ((text: string) => void) | undefined;
  send(text: string): void {
    this.sent.push(text);
    this.onSend?.(text);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  envelopes(): unknown[] {
    return this.sent.map((text) => JSON.parse(text) as { kind: string; data?: unknown }).filter((frame) => frame.kind === 'envelope').map((frame) => frame.data);
  }
}

const auth = (token = TOKEN, client?: string) => JSON.stringify({ kind: 'auth', token, ...(client && { client }) });
const frame = (data: unknown) => JSON.stringify({ kind: 'envelope', data });

interface Rig {
  relay: Relay;
  store: Store;
  greeting: ReturnType<Store['useState']>;
  agent: Agent;
  runtime: { peer: FakePeer; connection: Connection };
  panel: { peer: FakePeer; connection: Connection; bridge: PanelBridge };
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A relay with one real agent (over a store) as its runtime and one real panel bridge. */
function rig(readOnly = false): Rig {
  const relay = new Relay({ token: TOKEN, readOnly, panelOrigins: [ORIGIN] });
  const store = new Store({ name: `relay-${Math.random()}` });
  const greeting = store.useState<unknown>('hello', { key: 'greeting', scope: 'app' });
  const runtimePeer = new FakePeer();
  const runtimeConnection = relay.accept(runtimePeer, 'runtime', undefined);
  const toAgent = new Set<(data: unknown) => void>();
  runtimePeer.onSend = (text) => {
    const parsed = JSON.parse(text) as { kind: string; data: unknown };
    if (parsed.kind === 'envelope') for (const listener of toAgent) listener(parsed.data);
  };
  runtimeConnection.receive(auth());
  const agent = startAgent({
    wall: { send: (envelope) => runtimeConnection.receive(frame(envelope)), listen: (l) => (toAgent.add(l), () => toAgent.delete(l)) },
    info: { id: 'rt-test', name: 'test', frame: { url: 'node://test/pid/1', top: true, title: '' }, protocol: PROTOCOL_VERSION, version: 'dev' },
    schedule: (flush) => (queueMicrotask(flush), () => undefined),
  });
  const panelPeer = new FakePeer();
  const panelConnection = relay.accept(panelPeer, 'panel', ORIGIN);
  const toPanel = new Set<(data: unknown) => void>();
  panelPeer.onSend = (text) => {
    const parsed = JSON.parse(text) as { kind: string; data: unknown };
    if (parsed.kind === 'envelope') for (const listener of toPanel) listener(parsed.data);
  };
  panelConnection.receive(auth(TOKEN, 'p1'));
  const bridge = new PanelBridge({
    wall: { send: (envelope) => panelConnection.receive(frame(envelope)), listen: (l) => (toPanel.add(l), () => toPanel.delete(l)) },
    client: 'p1',
    timeout: 1000,
    schedule: (flush) => (queueMicrotask(flush), () => undefined),
  });
  stops.push(() => {
    bridge.shutdown();
    agent.shutdown();
  });
  return { relay, store, greeting, agent, runtime: { peer: runtimePeer, connection: runtimeConnection }, panel: { peer: panelPeer, connection: panelConnection, bridge } };
}

async function helloAndTarget(r: Rig): Promise<{ store: number; state: string }> {
  const ready = await r.panel.bridge.hello();
  expect(ready.runtime.frame.url).toBe('node://test/pid/1');
  r.panel.bridge.target = ready.runtime.id;
  return { store: registryId(r.store)!, state: r.greeting.id };
}

describe('Relay', () => {
  it('relays commands and answers between an authenticated panel and runtime: an edit changes the state', async () => {
    const r = rig();
    const at = await helloAndTarget(r);
    await r.panel.bridge.request(Command.stateSet, { ...at, value: encode('from the panel'), baseVersion: r.greeting.version });
    expect(r.greeting.get()).toBe('from the panel');
  });

  it('relays nothing before auth and closes a socket whose first frame is not auth', () => {
    const relay = new Relay({ token: TOKEN, panelOrigins: [ORIGIN] });
    const runtime = new FakePeer();
    const panel = new FakePeer();
    relay.accept(panel, 'panel', ORIGIN).receive(auth());
    const connection = relay.accept(runtime, 'runtime', undefined);
    connection.receive(frame({ source: 'stratum-runtime', v: 1, session: 'rt-x', seq: 1, batch: [] }));
    expect(runtime.closedWith).toBe(CLOSE.badFrame);
    expect(panel.envelopes()).toEqual([]);
    expect(relay.runtimeCount).toBe(0);
  });

  it('refuses a wrong token, on both sides', () => {
    const relay = new Relay({ token: TOKEN, panelOrigins: [ORIGIN] });
    for (const [role, origin] of [['runtime', undefined], ['panel', ORIGIN]] as const) {
      const peer = new FakePeer();
      relay.accept(peer, role, origin).receive(auth(`${TOKEN}x`));
      expect(peer.closedWith).toBe(CLOSE.badToken);
      expect(peer.sent).toEqual([]);
    }
    const short = new FakePeer();
    relay.accept(short, 'runtime', undefined).receive(auth(''));
    expect(short.closedWith).toBe(CLOSE.badToken);
    expect(relay.runtimeCount + relay.panelCount).toBe(0);
  });

  it('refuses a panel socket from another origin, even with the token', () => {
    const relay = new Relay({ token: TOKEN, panelOrigins: [ORIGIN] });
    const peer = new FakePeer();
    relay.accept(peer, 'panel', 'http://evil.example').receive(auth());
    expect(peer.closedWith).toBe(CLOSE.badOrigin);
    expect(relay.panelCount).toBe(0);
  });

  it('drops fuzzed frames from authenticated peers, and they change nothing', async () => {
    const r = rig();
    const at = await helloAndTarget(r);
    const before = { value: r.greeting.get(), version: r.greeting.version };
    const panelSeen = r.panel.peer.sent.length;
    const runtimeSeen = r.runtime.peer.sent.length;
    const stateSet = { command: Command.stateSet, id: 'p1:99', payload: { ...at, value: encode('fuzz'), baseVersion: before.version } };
    const shapes = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.jsonValue().map((data) => frame(data)),
      // Near misses of a real stateSet: one field wrong.
      fc.record({ source: fc.constantFrom(SOURCE_CONTENT, 'stratum-runtime', 'x'), v: fc.constantFrom(PROTOCOL_VERSION, 0, 99), session: fc.constantFrom('*', 'rt-test'), seq: fc.integer(), batch: fc.constant([stateSet]) })
        .filter((envelope) => !(envelope.source === SOURCE_CONTENT && envelope.v === PROTOCOL_VERSION && envelope.session === 'rt-test'))
        .map((envelope) => frame(envelope)),
      fc.constant(frame({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: 'rt-test', seq: 1, batch: [{ ...stateSet, payload: { ...stateSet.payload, store: 'one' } }] })),
      fc.constant(auth()),
    );
    fc.assert(
      fc.property(shapes, (text) => {
        r.panel.connection.receive(text);
        r.runtime.connection.receive(text);
      }),
      { numRuns: 300 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect({ value: r.greeting.get(), version: r.greeting.version }).toEqual(before);
    // Nothing reached the runtime, and nothing reached the panel but the agent's answers to what got through (none did).
    expect(r.runtime.peer.sent.length).toBe(runtimeSeen);
    expect(r.panel.peer.sent.length).toBe(panelSeen);
    expect(r.relay.dropped).toBeGreaterThan(0);
  });

  it('--read-only: answers edits with not-editable itself; the runtime never sees them', async () => {
    const r = rig(true);
    const at = await helloAndTarget(r);
    const seen = r.runtime.peer.envelopes().length;
    await expect(r.panel.bridge.request(Command.stateSet, { ...at, value: encode('nope'), baseVersion: r.greeting.version })).rejects.toMatchObject({ code: 'not-editable' });
    await expect(r.panel.bridge.request(Command.webstorageClear, { storage: 1 })).rejects.toMatchObject({ code: 'not-editable' });
    expect(r.greeting.get()).toBe('hello');
    expect(r.runtime.peer.envelopes().length).toBe(seen);
    // Reads still pass.
    await expect(r.panel.bridge.request(Command.snapshot, {})).resolves.toMatchObject({ stores: expect.any(Array) });
  });

  it('sends a command only to the runtime that owns its session; hello to all', () => {
    const relay = new Relay({ token: TOKEN, panelOrigins: [ORIGIN] });
    const runtimes = ['rt-a', 'rt-b'].map((session) => {
      const peer = new FakePeer();
      const connection = relay.accept(peer, 'runtime', undefined);
      connection.receive(auth());
      connection.receive(frame({ source: 'stratum-runtime', v: PROTOCOL_VERSION, session, seq: 1, batch: [{ event: 'announce', payload: {} }] }));
      return peer;
    });
    const panel = new FakePeer();
    const connection = relay.accept(panel, 'panel', ORIGIN);
    connection.receive(auth(TOKEN, 'p1'));
    connection.receive(frame({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: 'rt-b', seq: 1, batch: [{ command: Command.snapshot, id: 'p1:1', payload: {} }] }));
    expect(runtimes.map((peer) => peer.envelopes().length)).toEqual([0, 1]);
    connection.receive(frame({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: '*', seq: 2, batch: [{ command: Command.hello, id: 'p1:2', payload: { protocol: PROTOCOL_VERSION, client: 'p1', trace: false } }] }));
    expect(runtimes.map((peer) => peer.envelopes().length)).toEqual([1, 2]);
  });

  it('says stop to the runtime for a panel whose socket closed', async () => {
    const r = rig();
    await helloAndTarget(r);
    expect(r.agent.connected).toBe(true);
    r.panel.connection.closed();
    expect(r.agent.connected).toBe(false);
  });

  it("tells the panels which runtime socket closed, the one its envelopes came from, and nothing while it is merely silent", () => {
    const relay = new Relay({ token: TOKEN, panelOrigins: [ORIGIN] });
    const panel = new FakePeer();
    relay.accept(panel, 'panel', ORIGIN).receive(auth(TOKEN, 'p1'));
    const [, b] = ['rt-a', 'rt-b'].map((session) => {
      const connection = relay.accept(new FakePeer(), 'runtime', undefined);
      connection.receive(auth());
      connection.receive(frame({ source: 'stratum-runtime', v: PROTOCOL_VERSION, session, seq: 1, batch: [{ event: 'announce', payload: {} }] }));
      return connection;
    });
    const frames = () => panel.sent.map((text) => JSON.parse(text) as { kind: string; from?: number; data?: { session: string } });
    const from = (session: string) => frames().find((sent) => sent.kind === 'envelope' && sent.data?.session === session)?.from;
    expect(from('rt-a')).toEqual(expect.any(Number));
    expect(from('rt-b')).not.toBe(from('rt-a'));
    expect(frames().filter((sent) => sent.kind === 'runtime-gone')).toEqual([]);
    b!.closed();
    expect(frames().filter((sent) => sent.kind === 'runtime-gone')).toEqual([{ kind: 'runtime-gone', from: from('rt-b') }]);
  });
});
