import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Store } from '../store/store.js';
import { connectWith } from '../transport/ws/connect.js';
import { startDevtoolsServer } from '../transport/ws/server.js';
import type { SocketLike } from '../transport/ws/socket.js';
import { connect } from './connect.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(readOnly = false) {
  const root = mkdtempSync(path.join(tmpdir(), 'stratum-kit-ws-'));
  const server = await startDevtoolsServer({ root, port: 0, token: 'tok', readOnly });
  cleanups.push(() => rmSync(root, { recursive: true, force: true }), () => server.close());
  return server;
}

async function setup(readOnly = false) {
  const server = await startServer(readOnly);
  const store = new Store({ name: `kit-ws-${Math.random()}` });
  const greeting = store.useState('hello', { key: `greeting-${store.name}`, scope: 'app' });
  const runtime = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'x', url: 'node://test/pid/1', title: '' }), {
    url: server.url,
    token: 'tok',
    name: 'api',
  });
  cleanups.push(() => runtime.close());
  return { server, store, greeting };
}

describe('connect({ url, token }) against the standalone server', () => {
  it('reads and sets a server state, as the kit does through the extension', async () => {
    const { server, greeting } = await setup();
    const client = await connect({ url: server.url, token: 'tok', runtime: 'api' });
    cleanups.push(() => client.close());
    expect(client.ready.runtime.frame.url).toBe('node://test/pid/1');
    const state = client.state<string>({ key: greeting.key, scope: 'app' });
    expect(await state.get()).toBe('hello');
    await state.set('from the test');
    expect(greeting.get()).toBe('from the test');
  });

  it('finds a runtime that joins the server after the kit connected', async () => {
    const server = await startServer();
    const connecting = connect({ url: server.url, token: 'tok', runtime: 'late' }, { timeout: 8000 });
    // Longer than the 3 s the kit used to wait for a hello's answer before giving up.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const store = new Store({ name: `kit-ws-late-${Math.random()}` });
    const flag = store.useState(1, { key: 'flag', scope: 'app' });
    const runtime = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'x', url: 'node://test/pid/2', title: '' }), {
      url: server.url,
      token: 'tok',
      name: 'late',
    });
    cleanups.push(() => runtime.close());
    const client = await connecting;
    cleanups.push(() => client.close());
    expect(client.ready.runtime.name).toBe('late');
    expect(await client.state<number>({ key: flag.key, scope: 'app' }).get()).toBe(1);
  });

  it('says in words when the token is wrong, the runtime is unknown, or the server is read-only', async () => {
    const { server } = await setup();
    await expect(connect({ url: server.url, token: 'nope' }, { timeout: 500 })).rejects.toThrow(/no answer from .* token/);
    await expect(connect({ url: server.url, token: 'tok', runtime: 'web' }, { timeout: 500 })).rejects.toThrow(/no runtime named "web"/);
    const readOnly = await setup(true);
    const client = await connect({ url: readOnly.server.url, token: 'tok' });
    cleanups.push(() => client.close());
    await expect(client.state({ key: readOnly.greeting.key, scope: 'app' }).set('x')).rejects.toMatchObject({ code: 'not-editable' });
    expect(readOnly.greeting.get()).toBe('hello');
  });
});

describe('connect({ url, token }) across a server restart', () => {
  it('still reads and sets a state after the server restarts with the same token', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'stratum-kit-ws-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const first = await startDevtoolsServer({ root, port: 0, token: 'tok' });
    const port = Number(new URL(first.url).port);
    const store = new Store({ name: `kit-ws-restart-${Math.random()}` });
    const greeting = store.useState('hello', { key: 'greeting', scope: 'app' });
    const runtime = connectWith((url) => new WebSocket(url) as unknown as SocketLike, () => ({ name: 'x', url: 'node://test/pid/3', title: '' }), {
      url: first.url,
      token: 'tok',
      name: 'restart',
    });
    cleanups.push(() => runtime.close());
    const client = await connect({ url: first.url, token: 'tok', runtime: 'restart' }, { timeout: 3000 });
    cleanups.push(() => client.close());
    const state = client.state<string>({ key: greeting.key, scope: 'app' });
    expect(await state.get()).toBe('hello');

    await first.close();
    const second = await startDevtoolsServer({ root, port, token: 'tok' });
    cleanups.push(() => second.close());
    // Both the runtime and the kit's socket are back.
    const end = Date.now() + 5000;
    while ((second.relay.runtimeCount < 1 || second.relay.panelCount < 1) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(second.relay.runtimeCount).toBe(1);
    expect(second.relay.panelCount).toBe(1);

    await state.set('after restart');
    expect(greeting.get()).toBe('after restart');
  });
});
