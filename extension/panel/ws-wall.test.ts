import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Store } from '#runtime/store/store.js';
import { connectWith } from '#runtime/transport/ws/connect.js';
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
});
