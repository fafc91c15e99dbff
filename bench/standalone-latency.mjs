#!/usr/bin/env node
/**
 * Issue 20: process-to-panel latency of one state change over the standalone server's WebSocket
 * (runtime → relay → panel, real sockets on loopback), and the WebSocket client choice.
 *
 *   node build.mjs && node bench/standalone-latency.mjs            # runtime socket: ws
 *   node --experimental-websocket bench/standalone-latency.mjs --global   # Node's own client (undici)
 *
 * One lone change at a time: set(), then wait until the panel's socket has the stateChanged
 * delta, then 40 ms before the next. The agent flushes at once when nothing left in the last
 * 16 ms (runtime/protocol/outbox.ts idleOrFrame) and batches per 16 ms window while changes keep
 * coming, so spacing the changes measures the lone change, as bench/pages/panel.ts does. Also: echo round trips of 1 kB and 1 MB
 * frames through the same server, ws client vs the global one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { Store } from '../dist/runtime/store.js';
import { connectDevtools } from '../dist/runtime/devtools.node.js';

const SAMPLES = 200;
// The panel's socket (the client under test; the runtime's is always ws, its Node client).
const useGlobal = process.argv.includes('--global');
if (useGlobal && typeof globalThis.WebSocket !== 'function') throw new Error('--global needs node --experimental-websocket (Node 20) or Node 22+');
const Client = useGlobal ? globalThis.WebSocket : WebSocket;

// The server module is bundled into the bin only; the bench starts the bin's server through it.
const { startDevtoolsServer } = await import('../dist/tools/standalone-server.js');
const root = mkdtempSync(path.join(tmpdir(), 'stratum-bench-'));
const server = await startDevtoolsServer({ root, port: 0, token: 'bench' });

const store = new Store({ name: 'bench' });
const counter = store.useState(0, { key: 'n', scope: 'app' });
const connection = connectDevtools({ url: server.url, token: 'bench', name: 'bench' });

const panel = new Client(`${server.url.replace('http', 'ws')}panel`);
let onDelta;
panel.onmessage = (event) => {
  const frame = JSON.parse(String(event.data));
  if (frame.kind !== 'envelope') return;
  for (const message of frame.data.batch) if (message.event === 'stateChanged') onDelta?.(message.payload);
};
await new Promise((resolve) => (panel.onopen = resolve));
panel.send(JSON.stringify({ kind: 'auth', token: 'bench', client: 'bench-panel' }));
while (!connection.connected) await new Promise((resolve) => setTimeout(resolve, 10));
panel.send(JSON.stringify({ kind: 'envelope', data: { source: 'stratum-content', v: 1, session: '*', seq: 1, batch: [{ command: 'hello', id: 'bench-panel:1', payload: { protocol: 1, client: 'bench-panel', trace: false } }] } }));
await new Promise((resolve) => setTimeout(resolve, 300));

const times = [];
for (let i = 0; i < SAMPLES + 10; i++) {
  const started = performance.now();
  const arrived = new Promise((resolve) => (onDelta = resolve));
  counter.set(i + 1);
  await arrived;
  if (i >= 10) times.push(performance.now() - started);
  // A lone change, as the extension bench (bench/pages/panel.ts) measures it: the previous delta
  // left over two frames ago, so the channel is idle and the agent flushes on a microtask. Sent
  // back to back, each change followed the last send and waited for the 16 ms window by design.
  await new Promise((resolve) => setTimeout(resolve, 40));
}

const echo = async (bytes, rounds) => {
  const payload = 'x'.repeat(bytes);
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const back = new Promise((resolve) => (onDelta = resolve));
    counter.set(`${payload}${i}`);
    await back;
    samples.push(performance.now() - started);
  }
  return samples;
};
const big = await echo(1_000_000, 20);

// The libraries alone, without the batching window: round trips through a plain ws echo server.
const { WebSocketServer } = await import('ws');
const echoServer = new WebSocketServer({ port: 0, host: '127.0.0.1' });
echoServer.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
await new Promise((resolve) => echoServer.once('listening', resolve));
const echoClient = new Client(`ws://127.0.0.1:${echoServer.address().port}`);
await new Promise((resolve) => (echoClient.onopen = resolve));
const roundTrips = async (bytes, rounds) => {
  const text = 'y'.repeat(bytes);
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await new Promise((resolve) => {
      echoClient.onmessage = resolve;
      echoClient.send(text);
    });
    samples.push(performance.now() - started);
  }
  return samples;
};
await roundTrips(1024, 100);
const small = await roundTrips(1024, 2000);
const large = await roundTrips(1_000_000, 50);
echoClient.close();
echoServer.close();

const pct = (list, p) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))];
console.log(`client: ${useGlobal ? "Node's global WebSocket (undici)" : 'ws'} · ${process.version}`);
console.log(`process-to-panel latency, one change (${SAMPLES}): p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`);
console.log(`a 1 MB state value, set to panel (20): p50 ${pct(big, 50).toFixed(1)} ms, p99 ${pct(big, 99).toFixed(1)} ms`);
console.log(`echo round trip 1 kB (2000): p50 ${(pct(small, 50) * 1000).toFixed(0)} µs, p99 ${(pct(small, 99) * 1000).toFixed(0)} µs; 1 MB (50): p50 ${pct(large, 50).toFixed(2)} ms, p99 ${pct(large, 99).toFixed(2)} ms`);
connection.close();
panel.close();
await server.close();
rmSync(root, { recursive: true, force: true });
