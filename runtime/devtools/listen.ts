/**
 * Listens for a panel on the page's window; part of every entry, so it stays small. It reads only
 * the source tag and whether a batch holds a `hello`; everything else is the agent's, which is
 * imported on the first hello. Until then a state change costs nothing here: no subscription
 * exists before a panel connects.
 */
import {
  Command,
  Event,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  SOURCE_RUNTIME,
  type RuntimeEnvelope,
  type RuntimeInfo,
} from '../protocol/messages.js';
import type { DevtoolsConfig } from './registry.js';

/** Set by build.mjs; `dev` when the source runs unbundled (tests). */
declare const __STRATUM_VERSION__: string | undefined;

/** Envelopes kept while the agent loads; more are dropped (a panel re-sends hello). */
const MAX_WAITING = 64;

export const listening = { on: false, dropped: 0 };
const id = `rt-${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36).slice(-4)}`;
let deliver: ((data: unknown) => void) | undefined;
let waiting: unknown[] | undefined;
let stopAgent: (() => void) | undefined;
let settings: DevtoolsConfig | undefined;

function isProductionBundle(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    // Unbundled ESM in a browser has no `process` (a ReferenceError): no bundler said production.
    return false;
  }
}

export function runtimeInfo(): RuntimeInfo {
  const title = typeof document === 'undefined' ? '' : document.title;
  return {
    id,
    name: settings?.name ?? (title || location.origin),
    frame: { url: location.href, top: window === window.top, title },
    protocol: PROTOCOL_VERSION,
    version: typeof __STRATUM_VERSION__ === 'string' ? __STRATUM_VERSION__ : 'dev',
  };
}

function hasHello(data: { batch?: unknown }): boolean {
  return Array.isArray(data.batch) && data.batch.some((message: unknown) => (message as { command?: unknown } | null)?.command === Command.hello);
}

function onMessage(event: MessageEvent): void {
  const data: unknown = event.data;
  const source = typeof data === 'object' && data !== null ? (data as { source?: unknown }).source : undefined;
  // Our own envelopes (and another runtime's in this frame) come back to this window: not for us.
  if (source === SOURCE_RUNTIME) return;
  if (event.source !== window || source !== SOURCE_CONTENT) {
    listening.dropped++;
    return;
  }
  if (deliver) return deliver(data);
  if (waiting) {
    if (waiting.length < MAX_WAITING) waiting.push(data);
    else listening.dropped++;
    return;
  }
  if (!hasHello(data as { batch?: unknown })) {
    listening.dropped++;
    return;
  }
  waiting = [data];
  import('./agent/index.js').then(
    ({ startAgent, windowWall }) => {
      const queued = waiting ?? [];
      waiting = undefined;
      if (!listening.on) return;
      const receivers = new Set<(data: unknown) => void>();
      const agent = startAgent({
        wall: windowWall((listener) => (receivers.add(listener), () => receivers.delete(listener))),
        info: runtimeInfo(),
        dropped: () => listening.dropped,
      });
      stopAgent = () => agent.shutdown();
      deliver = (envelope) => receivers.forEach((receive) => receive(envelope));
      queued.forEach(deliver);
    },
    (error: unknown) => {
      waiting = undefined;
      console.error('stratum: the devtools agent could not be loaded; the panel will not connect.', error);
    },
  );
}

/** Starts listening unless disabled; posts `announce` so a panel that is already open says hello. */
export function listenForPanel(config: DevtoolsConfig): void {
  settings = config;
  if (listening.on || !config.enabled || isProductionBundle()) return;
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') return;
  listening.on = true;
  window.addEventListener('message', onMessage);
  const announce: RuntimeEnvelope = {
    source: SOURCE_RUNTIME,
    v: PROTOCOL_VERSION,
    session: id,
    seq: 0,
    batch: [{ event: Event.announce, payload: { runtime: runtimeInfo() } }],
  };
  window.postMessage(announce, '*');
}

/** configureDevtools({ enabled: false }) after listening started: stop listening, silence the agent. */
export function stopListening(): void {
  if (!listening.on) return;
  listening.on = false;
  window.removeEventListener('message', onMessage);
  stopAgent?.();
  stopAgent = undefined;
  deliver = undefined;
}
