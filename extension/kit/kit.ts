/**
 * The test kit's page inside the extension: one more client of the background, beside the
 * panel, speaking the same protocol. `stratumjs/puppeteer`'s connect(page) opens this page and
 * drives `window.stratumKit` with page.evaluate (so everything here takes and returns plain
 * data); nothing here is reachable from web pages.
 */
import browser from 'webextension-polyfill';
import { PanelBridge } from '#protocol/bridge.js';
import { CommandError } from '#protocol/errors.js';
import { Command, Event, type CommandName, type CommandRequest, type Ready } from '#protocol/messages.js';
import { chromeWall } from '../panel/chrome-wall.js';
import type { KitApi, KitEvent, KitResult, TabInfo } from '#protocol/kit.js';

const MAX_EVENTS = 5000;
/** How long a hello answered first by a subframe's runtime waits for the top frame's. */
const TOP_FRAME_WAIT_MS = 1000;

interface Connection {
  client: string;
  bridge: PanelBridge;
  close(): void;
  events: KitEvent[];
  ready: Ready | undefined;
  /** The hello after a reload or a reconnect, while it is under way. */
  rehello?: Promise<unknown> | undefined;
}

const connections = new Map<string, Connection>();
let nextHandle = 0;

async function tabs(): Promise<TabInfo[]> {
  return (await browser.runtime.sendMessage({ kind: 'tabs' })) as TabInfo[];
}

/**
 * Every runtime of every frame in the tab answers hello; connect(page) means the page's top frame
 * (whose content script vouches for `frame.top`), so a subframe's quicker answer is not taken
 * while the top frame's may still come.
 */
async function helloTop(connection: Connection): Promise<Ready> {
  let top: ((ready: Ready) => void) | undefined;
  let fromTop: Ready | undefined;
  const stop = connection.bridge.on(Event.response, (response) => {
    if (response.command !== Command.hello || !response.ok || !response.id.startsWith(`${connection.client}:`)) return;
    if (!response.result.runtime.frame.top) return;
    fromTop ??= response.result;
    top?.(response.result);
  });
  try {
    const first = await connection.bridge.hello();
    if (first.runtime.frame.top || fromTop) return fromTop ?? first;
    return await new Promise<Ready>((resolve) => {
      top = resolve;
      setTimeout(() => resolve(first), TOP_FRAME_WAIT_MS);
    });
  } finally {
    stop();
  }
}

async function hello(connection: Connection): Promise<Ready> {
  const answer = await helloTop(connection);
  if (!answer.compatible) throw new Error(answer.message ?? 'The page runs another Stratum protocol version.');
  connection.bridge.target = answer.runtime.id;
  connection.ready = answer;
  return answer;
}

function sayHelloAgain(connection: Connection): void {
  if (!connection.ready) return;
  const again: Promise<unknown> = hello(connection).catch((error: unknown) => console.error('stratum kit: hello after a reconnect failed', error));
  connection.rehello = again;
  void again.finally(() => connection.rehello === again && (connection.rehello = undefined));
}

/** Connects to a tab and says hello; resolves with a handle and the runtime that answered. */
async function attach(tabId: number): Promise<{ handle: string; ready: Ready }> {
  const client = `kit-${Math.random().toString(36).slice(2, 10)}`;
  const wall = chromeWall(tabId, client);
  const bridge = new PanelBridge({ wall, client });
  const connection: Connection = { client, bridge, events: [], ready: undefined, close: () => (bridge.shutdown(), wall.close()) };
  for (const name of Object.values(Event)) {
    bridge.on(name, (payload) => {
      connection.events.push({ event: name, payload, at: Date.now() });
      if (connection.events.length > MAX_EVENTS) connection.events.shift();
    });
  }
  // A reload or a restarted service worker: the page's content script is back, say hello again.
  wall.onPageReady((frame) => frame.frameId === 0 && sayHelloAgain(connection));
  wall.onStatus((status) => status === 'connected' && sayHelloAgain(connection));
  const handle = `k${++nextHandle}`;
  connections.set(handle, connection);
  return { handle, ready: await hello(connection) };
}

function connectionOf(handle: string): Connection {
  const connection = connections.get(handle);
  if (!connection) throw new Error(`No kit connection "${handle}": it was closed.`);
  return connection;
}

async function request<K extends CommandName>(handle: string, name: K, payload: CommandRequest<K>): Promise<KitResult> {
  try {
    const connection = connectionOf(handle);
    // After a reload the runtime is a new one: a command waits for its hello instead of going to the old one.
    await connection.rehello;
    return { ok: true, result: await connection.bridge.request(name, payload) };
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, error: error.toJSON() };
    return { ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } };
  }
}

const api: KitApi = {
  tabs,
  attach,
  request,
  events: (handle, since = 0) => connectionOf(handle).events.filter((event) => event.at >= since),
  close(handle) {
    connections.get(handle)?.close();
    connections.delete(handle);
  },
};

window.stratumKit = api;
