/**
 * An in-page peer of the devtools protocol: it does what the content script does for a panel
 * (posts `hello` on window with the content source tag) and consumes the runtime's events
 * with the panel's own bridge. No extension is involved, so what the bench measures is the
 * runtime's cost of being watched, not Chromium's extension messaging.
 */
import { PanelBridge, type Wall } from '../../runtime/protocol/bridge.js';
import { Command, Event, SOURCE_RUNTIME, type Ready } from '../../runtime/protocol/messages.js';

/** window.postMessage both ways; only the runtime's envelopes are handed on (not our own echo). */
export const windowWall: Wall = {
  send(envelope) {
    window.postMessage(envelope, location.origin);
  },
  listen(listener) {
    const onMessage = (event: MessageEvent): void => {
      if (event.source !== window) return;
      const data: unknown = event.data;
      if (typeof data === 'object' && data !== null && (data as { source?: unknown }).source === SOURCE_RUNTIME) listener(data);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  },
};

export interface Connected {
  bridge: PanelBridge;
  client: string;
  /** Every runtime in the page that answered hello: its session and what it said. */
  runtimes: Array<{ session: string; ready: Ready }>;
}

/** Says hello to every runtime in the page and waits a moment for all of them to answer. */
export async function connect(client = 'bench-peer', timeout = 5000): Promise<Connected> {
  const bridge = new PanelBridge({ wall: windowWall, client, timeout });
  const runtimes: Connected['runtimes'] = [];
  const off = bridge.on(Event.response, (response, session) => {
    if (response.command === Command.hello && response.ok) runtimes.push({ session, ready: response.result });
  });
  try {
    await bridge.hello();
  } catch (error) {
    bridge.shutdown();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`no Stratum runtime answered hello (${reason}): is the devtools agent built and listening?`);
  }
  // Several runtimes answer the same hello; the first resolved it, the others follow within a task or two.
  await new Promise((resolve) => setTimeout(resolve, 100));
  off();
  const incompatible = runtimes.find((runtime) => !runtime.ready.compatible);
  if (incompatible) throw new Error(`runtime ${incompatible.ready.runtime.name} refused the peer: ${incompatible.ready.message ?? 'incompatible'}`);
  // Only hello goes to every runtime; other commands address one, as the panel's target picker does.
  bridge.target = runtimes[0]!.session;
  return { bridge, client, runtimes };
}

/** The session of the runtime configured with `configureDevtools({ name })`. */
export function sessionOf(connected: Connected, name: string): string {
  const found = connected.runtimes.find((runtime) => runtime.ready.runtime.name === name);
  if (!found) {
    const names = connected.runtimes.map((runtime) => runtime.ready.runtime.name).join(', ') || 'none';
    throw new Error(`no runtime named ${name} answered hello (answered: ${names})`);
  }
  return found.session;
}

/**
 * Resolves when the peer has received a stateChanged of `stateId` that reaches `version`;
 * rejects after `timeout` ms, naming what it saw.
 */
export function delivered(connected: Connected, stateId: string, version: number, timeout = 2000): Promise<number> {
  return new Promise((resolve, reject) => {
    let last = -1;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the peer got no stateChanged of ${stateId} up to version ${version} within ${timeout} ms (last: ${last})`));
    }, timeout);
    const off = connected.bridge.on(Event.stateChanged, (payload) => {
      if (payload.state !== stateId) return;
      last = payload.versions.to;
      if (last < version) return;
      clearTimeout(timer);
      off();
      resolve(performance.now());
    });
  });
}
