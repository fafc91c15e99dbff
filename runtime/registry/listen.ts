/**
 * Listens for a panel on the page's window. Loaded by every entry after its importing tick
 * (devtools/hook.ts), and small: it reads only the source tag and whether a batch holds a
 * `hello`; the agent, imported on the first hello, does everything else. No subscription exists before a panel connects, so until then a
 * state change costs nothing here.
 */
import { ANNOUNCE, HELLO, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/frozen.js';
import type { DevtoolsConfig } from './registry.js';
import type { Caught } from './relay-catch.js';

/**
 * Loads the agent (runtime/devtools/agent/connect.ts). Passed in by runtime/devtools/start.ts, so this floor, below the strata, never imports the agent above them.
 */
export type AgentLoader = () => Promise<{ connect(listening: Listening, via?: Via): { deliver(data: unknown): void; stop(): void } }>;

/** A runtime in a worker: where its envelopes go (the relay's port) and what it tells the panel. */
export interface Via {
  send(envelope: unknown): void;
  frame: { url: string; top: boolean; title: string };
  worker: { kind: 'dedicated' | 'shared'; name: string; url: string };
}

let loadAgent: AgentLoader | undefined;

/** How a hello loads the agent, set by devtools/start.ts. Without one, hellos are dropped (and counted). */
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
// Marked pure so that a production build, which never listens, drops this module entirely.
export const listening: Listening = { on: false, dropped: 0, id: /* @__PURE__ */ sessionId() };

function sessionId(): string {
  return `rt-${crypto.getRandomValues(new Uint32Array(3)).join('-')}`;
}
let deliver: ((data: unknown) => void) | undefined;
let waiting: unknown[] | undefined;
let stopAgent: (() => void) | undefined;

function onMessage(event: MessageEvent): void {
  const data = event.data as { source?: unknown; batch?: unknown } | null;
  const source = data?.source;
  // Our own envelopes (and another runtime's in this frame) arrive here too: not for us.
  if (source === SOURCE_RUNTIME) return;
  if (event.source !== window || source !== SOURCE_CONTENT) return void listening.dropped++;
  if (deliver) return deliver(data);
  if (waiting) return void (waiting.length < MAX_WAITING ? waiting.push(data) : listening.dropped++);
  const batch = data?.batch;
  if (!loadAgent || !saysHello(batch)) return void listening.dropped++;
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

/** Whether a batch holds a `hello`: the only message that may load the agent. */
export function saysHello(batch: unknown): boolean {
  return Array.isArray(batch) && batch.some((message: { command?: unknown } | null) => message?.command === HELLO);
}

/** The agent loader devtools/start.ts set (the worker listener loads it lazily too). */
export function agentLoader(): AgentLoader | undefined {
  return loadAgent;
}

let stopWorker: (() => void) | undefined;

/**
 * In a dedicated or shared worker: link what devtools/hook.ts caught in the script's first turn
 * (registry/relay-catch.ts) and every later hand-over, once the worker side (listen-worker.ts) has
 * loaded.
 */
function listenInWorker(caught: Caught): void {
  listening.on = true;
  let stopLinks: (() => void) | undefined;
  // Turned off before the worker side loaded: nothing held is linked, nothing later either.
  stopWorker = () => {
    caught._stop();
    stopLinks?.();
  };
  import('./listen-worker.js').then(({ linker }) => {
    if (listening.on) stopLinks = linker(listening, caught._held);
  }, console.error);
}

/**
 * Starts listening unless disabled; posts `announce` so a panel that is already open says hello.
 * In a worker, `caught` is what hook.ts caught there (without it a worker has nothing to listen to).
 */
export function listenForPanel(config: DevtoolsConfig, caught?: Caught): void {
  if (listening.on || !config.enabled) return;
  if (caught) return listenInWorker(caught);
  if (typeof window === 'undefined' || !window.addEventListener) return;
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
  // In a worker there is no window: its own stop (set synchronously when it started listening).
  if (stopWorker) return stopWorker();
  window.removeEventListener('message', onMessage);
  stopAgent?.();
  stopAgent = deliver = undefined;
}
