/**
 * Listens for a panel on the page's window. Part of every entry, so it stays small: it reads
 * only the source tag and whether a batch holds a `hello`; the agent, imported on the first
 * hello, does everything else. No subscription exists before a panel connects, so until then a
 * state change costs nothing here.
 */
import { ANNOUNCE, HELLO, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/frozen.js';
import type { DevtoolsConfig } from './registry.js';

/**
 * Loads the agent (runtime/devtools/agent/connect.ts). Passed in by the entries
 * (runtime/devtools/hook.ts), so this floor, below the strata, never imports the agent above them.
 */
export type AgentLoader = () => Promise<{ connect(listening: Listening): { deliver(data: unknown): void; stop(): void } }>;

let loadAgent: AgentLoader | undefined;

/** The entries' hook: how a hello loads the agent. Without one, hellos are dropped (and counted). */
export function setAgentLoader(load: AgentLoader): void {
  loadAgent = load;
}

/** Envelopes kept while the agent loads; more are dropped (a panel re-sends hello). */
const MAX_WAITING = 64;

export interface Listening {
  on: boolean;
  /** Messages dropped here: other windows, other source tags, no hello before the agent loaded. */
  dropped: number;
  /** This runtime instance: the `session` of everything it sends. */
  readonly id: string;
}

// 96 random bits: another frame must not guess this runtime's session before it speaks.
export const listening: Listening = { on: false, dropped: 0, id: `rt-${crypto.getRandomValues(new Uint32Array(3)).join('-')}` };
let deliver: ((data: unknown) => void) | undefined;
let waiting: unknown[] | undefined;
let stopAgent: (() => void) | undefined;

function isProductionBundle(): boolean {
  try {
    return process.env.NODE_ENV === 'production';
  } catch {
    // Unbundled ESM in a browser has no `process` (a ReferenceError): no bundler said production.
    return false;
  }
}

function onMessage(event: MessageEvent): void {
  const data = event.data as { source?: unknown; batch?: unknown } | null;
  const source = data?.source;
  // Our own envelopes (and another runtime's in this frame) arrive here too: not for us.
  if (source === SOURCE_RUNTIME) return;
  if (event.source !== window || source !== SOURCE_CONTENT) return void listening.dropped++;
  if (deliver) return deliver(data);
  if (waiting) return void (waiting.length < MAX_WAITING ? waiting.push(data) : listening.dropped++);
  const batch = data?.batch;
  if (!loadAgent || !(Array.isArray(batch) && batch.some((message: { command?: unknown } | null) => message?.command === HELLO))) {
    return void listening.dropped++;
  }
  waiting = [data];
  loadAgent().then(
    ({ connect }) => {
      const queued = waiting ?? [];
      waiting = undefined;
      if (!listening.on) return;
      ({ deliver, stop: stopAgent } = connect(listening));
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
  if (listening.on || !config.enabled || isProductionBundle() || typeof window === 'undefined' || !window.addEventListener) return;
  listening.on = true;
  window.addEventListener('message', onMessage);
  window.postMessage(
    { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: listening.id, seq: 0, batch: [{ event: ANNOUNCE, payload: {} }] },
    '*',
  );
}

/** configureDevtools({ enabled: false }) after listening started: stop listening, silence the agent. */
export function stopListening(): void {
  if (!listening.on) return;
  listening.on = false;
  window.removeEventListener('message', onMessage);
  stopAgent?.();
  stopAgent = deliver = undefined;
}
