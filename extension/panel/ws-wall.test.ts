import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PanelBridge, RuntimeBridge } from '#protocol/bridge.js';
import { Command, PROTOCOL_VERSION, type Ready } from '#protocol/messages.js';
import { ClientSession, ROLL_CALL_MS } from '#protocol/session.js';
import { Store } from '#runtime/store/store.js';
import { connectWith, runtimeSocketUrl } from '#runtime/transport/ws/connect.js';
import { startDevtoolsServer, type DevtoolsServer } from '#runtime/transport/ws/server.js';
import type { SocketLike } from '#runtime/transport/ws/socket.js';
import type { WallStatus } from './wall.js';
import { wsWall } from './ws-wall.js';

const TOKEN = 'a-token-for-this-test';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(port = 0): Promise<DevtoolsServer> {
  const root = mkdtempSync(path.join(tmpdir(), 'stratum-ws-wall-'));
  const server = await startDevtoolsServer({ root, port, token: TOKEN });
  cleanups.push(() => rmSync(root, { recursive: true, force: true }), () => server.close());
  return server;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('wsWall (the standalone panel transport)', () => {
  it('reports runtimes joining as a page frame, and reconnects after the server restarts', async () => {
    const first = await serve();
    const origin = first.url.slice(0, -1);
    const statuses: WallStatus[] = [];
    let pageReady = 0;
    // ws sends the Origin a browser would: the server's own.
    const wall = wsWall({ origin, token: TOKEN, client: 'p1', create: (url) => new WebSocket(url, { origin }) as unknown as SocketLike });
    cleanups.push(() => wall.close());
    wall.onStatus((status) => statuses.push(status));
    wall.onPageReady(() => pageReady++);
    await until(() => statuses.at(-1) === 'connected');

    new Store({ name: 'ws-wall' }).useState(1, { key: 'n', scope: 'app' });
    const runtime = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'rt', url: 'node://t/pid/1', title: '' }), { url: first.url, token: TOKEN });
    cleanups.push(() => runtime.close());
    await until(() => pageReady === 1);

    await first.close();
    await until(() => statuses.at(-1) === 'reconnecting');
    const second = await serve(Number(new URL(first.url).port));
    // Both ends are back on the new server; the panel says hello on `connected` (Connection).
    await until(() => statuses.at(-1) === 'connected' && runtime.connected && second.relay.panelCount === 1 && second.relay.runtimeCount === 1);
  });

  /**
   * A runtime over a raw socket whose answers the test decides: hello is answered until `busy`,
   * then nothing is (a Node process in a long task); a snapshot is never answered.
   */
  async function rawRuntime(server: DevtoolsServer, session: string) {
    const socket = new WebSocket(runtimeSocketUrl(server.url));
    const listeners = new Set<(data: unknown) => void>();
    let welcomed = false;
    socket.on('open', () => socket.send(JSON.stringify({ kind: 'auth', token: TOKEN })));
    socket.on('message', (text: Buffer) => {
      const frame = JSON.parse(text.toString()) as { kind: string; data?: unknown };
      if (frame.kind === 'welcome') welcomed = true;
      if (frame.kind === 'envelope') for (const listener of [...listeners]) listener(frame.data);
    });
    const ready: Ready = {
      runtime: { id: session, name: 'node-app', frame: { url: `node://host/pid/${session}`, top: true, title: '' }, protocol: PROTOCOL_VERSION, version: 'dev' },
      protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION },
      compatible: true,
      dropped: 0,
    };
    const state = { busy: false };
    const bridge = new RuntimeBridge({
      session,
      schedule: (flush) => (queueMicrotask(flush), () => undefined),
      wall: {
        send: (envelope) => socket.send(JSON.stringify({ kind: 'envelope', data: envelope })),
        listen: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      },
      handle: (message) => (message.command === Command.hello && !state.busy ? ready : new Promise<never>(() => undefined)),
    });
    await until(() => welcomed);
    cleanups.push(() => socket.close());
    return { socket, state, bridge };
  }

  async function standalonePanel(server: DevtoolsServer) {
    const origin = server.url.slice(0, -1);
    const wall = wsWall({ origin, token: TOKEN, client: 'p2', create: (url) => new WebSocket(url, { origin }) as unknown as SocketLike });
    const bridge = new PanelBridge({ wall, client: 'p2' });
    const session = new ClientSession(bridge, wall, 'p2');
    cleanups.push(() => wall.close(), () => bridge.shutdown(), () => session.dispose());
    session.start();
    return session;
  }

  it('drops a runtime at once when the server says its socket closed: what it had not answered fails saying it went away', async () => {
    const server = await serve();
    const runtime = await rawRuntime(server, 'rt-node');
    const session = await standalonePanel(server);
    await session.whenTargeted({ timeout: 5000 });
    // A command the process never answers, then the process ends.
    const pending = session.request(Command.snapshot, {});
    runtime.socket.close();
    // Not the roll call's "stopped answering (two roll calls went unanswered)": the socket's close.
    await expect(pending).rejects.toMatchObject({ code: 'disconnected', message: expect.stringMatching(/went away before it answered/) });
    expect(session.runtimes).toEqual([]);
  });

  it('keeps a busy runtime whose socket is open through a missed roll call, as the browser panel keeps a busy page', async () => {
    const server = await serve();
    const runtime = await rawRuntime(server, 'rt-busy');
    const session = await standalonePanel(server);
    await session.whenTargeted({ timeout: 5000 });
    runtime.state.busy = true;
    session.hello();
    await new Promise((resolve) => setTimeout(resolve, ROLL_CALL_MS + 300));
    expect(session.runtimes.map((entry) => entry.session)).toEqual(['rt-busy']);
  });

  it('keeps hearing a runtime after the server restarts, whatever number the new relay gives its socket', async () => {
    const first = await serve();
    const node = (name: string, url: string) => {
      const connection = connectWith((href) => new WebSocket(href) as unknown as SocketLike, () => ({ name, url: `node://t/pid/${name}`, title: '' }), { url, token: TOKEN });
      cleanups.push(() => connection.close());
      return connection;
    };
    const early = node('early', first.url);
    await until(() => first.relay.runtimeCount === 1);
    // The second socket of the first run; after the restart it is the only one, numbered first.
    node('late', first.url);
    await until(() => first.relay.runtimeCount === 2);
    const session = await standalonePanel(first);
    await until(() => session.runtimes.length === 2);
    early.close();
    await until(() => session.runtimes.length === 1);

    await first.close();
    const second = await serve(Number(new URL(first.url).port));
    await until(() => second.relay.runtimeCount === 1 && second.relay.panelCount === 1);
    const snapshot = await session.requestAfterHello(Command.snapshot, {});
    expect(snapshot.stores).toBeDefined();
    expect(session.runtimes.map((entry) => entry.ready.runtime.name)).toEqual(['late']);
  });
});
