/**
 * The test kit's page inside the extension: one more client of the background, beside the
 * panel, speaking the same protocol. `stratumjs/puppeteer`'s connect(page) opens this page and
 * drives `window.stratumKit` with page.evaluate (so everything here takes and returns plain
 * data); nothing here is reachable from web pages.
 */
import browser from 'webextension-polyfill';
import { PanelBridge } from '#protocol/bridge.js';
import { CommandError } from '#protocol/errors.js';
import { Command, Event, type CommandName, type CommandRequest, type EventName, type Ready, type Snapshot } from '#protocol/messages.js';
import { ClientSession } from '#protocol/session.js';
import { chromeWall } from '../panel/chrome-wall.js';
import type { KitApi, KitEvent, KitResult, TabInfo } from '#protocol/kit.js';

const MAX_EVENTS = 5000;
/** How long a hello answered first by a subframe's runtime waits for the top frame's. */
const TOP_FRAME_WAIT_MS = 1000;
/** How long attach waits for a compatible runtime to answer. */
const ATTACH_TIMEOUT_MS = 15_000;

interface Connection {
  session: ClientSession;
  close(): void;
  events: KitEvent[];
}

const connections = new Map<string, Connection>();
let nextHandle = 0;

async function tabs(nonce?: string): Promise<TabInfo[]> {
  return (await browser.runtime.sendMessage(nonce === undefined ? { kind: 'tabs' } : { kind: 'tabs', nonce })) as TabInfo[];
}

/**
 * Connects to a tab and says hello; resolves with a handle and the runtime that answered. The
 * session (the panel's too) prefers the top frame's runtime, says hello again after a reload or
 * a restarted service worker, and holds commands until that hello found the runtime.
 */
async function attach(tabId: number, timeout = ATTACH_TIMEOUT_MS): Promise<{ handle: string; ready: Ready }> {
  const client = `kit-${crypto.getRandomValues(new Uint32Array(2)).join('')}`;
  const wall = chromeWall(tabId, client);
  const bridge = new PanelBridge({ wall, client });
  const session = new ClientSession(bridge, wall, client);
  const connection: Connection = {
    session,
    events: [],
    close: () => (session.dispose(), bridge.shutdown(), wall.close()),
  };
  const push = (name: EventName, payload: unknown): void => {
    connection.events.push({ event: name, payload, at: Date.now() });
    if (connection.events.length > MAX_EVENTS) connection.events.shift();
  };
  for (const name of Object.values(Event)) {
    bridge.on(name, (payload) => {
      // The snapshot pushed after a panel's hello carries previews (issue 18: the panel pulls full
      // values on select); the kit's readers follow values, so they get a full snapshot instead.
      if (name === Event.snapshot && hasPreviews(payload as Snapshot)) {
        session.requestAfterHello(Command.snapshot, {}).then(
          // A copy: the response event holds `full` already, and an object logged twice reaches a
          // Firefox reader once (WebDriver BiDi sends a repeat by reference; puppeteer 24 reads it as undefined).
          (full) => push(Event.snapshot, structuredClone(full)),
          (error: unknown) => console.warn('stratum kit: the full snapshot after a preview one failed', error),
        );
        return;
      }
      push(name, payload);
    });
  }
  // Says hello when the background lists the tab's frames (or after a short grace): one hello, one snapshot.
  session.start();
  try {
    const ready = await session.whenTargeted({ topWaitMs: Math.min(TOP_FRAME_WAIT_MS, timeout), timeout });
    const handle = `k${++nextHandle}`;
    connections.set(handle, connection);
    return { handle, ready };
  } catch (error) {
    connection.close();
    throw error;
  }
}

function connectionOf(handle: string): Connection {
  const connection = connections.get(handle);
  if (!connection) throw new Error(`No kit connection "${handle}": it was closed.`);
  return connection;
}

async function request<K extends CommandName>(handle: string, name: K, payload: CommandRequest<K>): Promise<KitResult> {
  try {
    const { session } = connectionOf(handle);
    // After a reload the runtime is a new one: a command waits for its hello instead of going to the old one.
    return { ok: true, result: await session.requestAfterHello(name, payload) };
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

/** Whether any state of a snapshot holds a preview rather than its value (columns are previews too). */
function hasPreviews(snapshot: Snapshot): boolean {
  return snapshot.stores.some((store) => store.scopes.some((scope) => scope.columns !== undefined || scope.states.some((state) => state.preview === true)));
}
