import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configureDevtools } from '../../registry/registry.js';
import { Store } from '../../store/store.js';
import { opener, parseArgs } from './args.js';
import { connectWith } from './connect.js';
import { startDevtoolsServer, type DevtoolsServer } from './server.js';
import type { SocketLike } from './socket.js';
import { AUTH_TIMEOUT_MS, CLOSE } from './wire.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: { token?: string; port?: number } = {}): Promise<DevtoolsServer> {
  const root = mkdtempSync(path.join(tmpdir(), 'stratum-standalone-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>panel</title>');
  const server = await startDevtoolsServer({ root, port: options.port ?? 0, token: options.token ?? 'tok' });
  cleanups.push(() => rmSync(root, { recursive: true, force: true }), () => server.close());
  return server;
}

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket, sends `first`, resolves with the first frame or the close code. */
function knock(url: string, first: string, origin?: string): Promise<{ frame?: string; code?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {});
    socket.on('open', () => socket.send(first));
    socket.on('message', (data) => {
      resolve({ frame: String(data) });
      socket.close();
    });
    socket.on('close', (code) => resolve({ code }));
  });
}

describe('startDevtoolsServer', () => {
  it('serves the panel on loopback, and refuses a Host it does not know (DNS rebinding)', async () => {
    const server = await serve();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    expect(await get(server.url)).toMatchObject({ status: 200, body: expect.stringContaining('panel') });
    expect((await get(server.url, 'evil.example')).status).toBe(421);
    expect((await get(`${server.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });

  it('closes sockets without the token and panel sockets from another origin', async () => {
    const server = await serve();
    const ws = server.url.replace('http', 'ws');
    expect(await knock(`${ws}runtime`, JSON.stringify({ kind: 'auth', token: 'wrong' }))).toEqual({ code: CLOSE.badToken });
    expect(await knock(`${ws}panel`, JSON.stringify({ kind: 'auth', token: 'tok' }), 'http://evil.example')).toEqual({ code: CLOSE.badOrigin });
    expect(await knock(`${ws}panel`, JSON.stringify({ kind: 'auth', token: 'tok' }), server.url.slice(0, -1))).toEqual({ frame: '{"kind":"welcome","readOnly":false}' });
    expect(server.relay.runtimeCount).toBe(0);
  });

  it('a connectDevtools runtime reconnects after the server restarts', async () => {
    const first = await serve();
    const port = Number(new URL(first.url).port);
    new Store({ name: 'restart' }).useState(1, { key: 'n', scope: 'app' });
    const statuses: string[] = [];
    const connection = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'test', url: 'node://test', title: '' }), {
      url: first.url,
      token: 'tok',
      onStatus: (status) => statuses.push(status),
    });
    cleanups.push(() => connection.close());
    await until(() => connection.connected);
    await first.close();
    await until(() => !connection.connected);
    const second = await serve({ port });
    await until(() => connection.connected && second.relay.runtimeCount === 1);
    // Each failed attempt while the server is down says `reconnecting` again.
    expect(statuses.filter((status, i) => status !== statuses[i - 1])).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });
});

describe('connectDevtools and configureDevtools({ enabled: false })', () => {
  it('opens nothing while devtools are disabled', async () => {
    const server = await serve();
    configureDevtools({ enabled: false });
    cleanups.push(() => configureDevtools({ enabled: true }));
    const connection = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'off', url: 'node://off', title: '' }), { url: server.url, token: 'tok' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connection.connected).toBe(false);
    expect(server.relay.runtimeCount).toBe(0);
  });
});

describe('opener', () => {
  it('opens a window only where there is a display', () => {
    expect(opener('linux', {})).toBeUndefined();
    expect(opener('linux', { DISPLAY: ':0' })).toEqual(['xdg-open']);
    expect(opener('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual(['xdg-open']);
    expect(opener('darwin', {})).toEqual(['open']);
  });
});

describe('parseArgs', () => {
  it('reads the documented options and refuses the rest in words', () => {
    expect(parseArgs(['devtools', '--port', '9000', '--host', '0.0.0.0', '--read-only', '--no-open'])).toEqual({ port: 9000, host: '0.0.0.0', readOnly: true, open: false });
    expect(parseArgs(['devtools'])).toMatchObject({ host: '127.0.0.1', readOnly: false, open: true });
    expect(() => parseArgs(['devtools', '--port', 'x'])).toThrow(/--port must be/);
    expect(() => parseArgs(['devtools', '--bogus'])).toThrow(/unknown option "--bogus"/);
    expect(() => parseArgs(['serve'])).toThrow(/unknown command "serve"/);
    expect(() => parseArgs(['devtools', '--token', 'short'])).toThrow(/at least 16 characters/);
    expect(parseArgs(['devtools', '--token', 'a-long-enough-token'])).toMatchObject({ token: 'a-long-enough-token' });
  });
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startDevtoolsServer: upgrade requests it cannot read', () => {
  it('answers an upgrade whose path is not a URL, and keeps serving', async () => {
    const server = await serve();
    const { port } = new URL(server.url);
    const { connect: connectTcp } = await import('node:net');
    const reply = await new Promise<string>((resolve) => {
      const socket = connectTcp(Number(port), '127.0.0.1', () => {
        socket.write(
          'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      socket.setTimeout(2000, () => socket.destroy());
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await get(server.url)).status).toBe(200);
  });
});

describe('startDevtoolsServer: the auth deadline', () => {
  it('closes a socket whose first frame is binary, instead of sparing it the deadline', async () => {
    const server = await serve();
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}runtime`);
    cleanups.push(() => socket.terminate());
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(Buffer.from([1, 2, 3]));
    const code = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve('still open'), AUTH_TIMEOUT_MS + 1500))]);
    expect(code).toBe(CLOSE.badFrame);
  });
});
