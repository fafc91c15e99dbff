/**
 * A worker's first turn: the page relay's hand-over (relayWorker) must be caught before the
 * app's own `onmessage` can see it, so this part of the worker side runs synchronously in every
 * entry; the rest (listen.ts, listen-worker.ts) loads lazily and links what was caught.
 */
import { SOURCE_RELAY } from './core.js';

export interface Caught {
  /** Hand-overs that came before the worker side loaded; listen-worker.ts takes them over. */
  readonly _held: MessageEvent[];
  /** Devtools turned off: what is held and every later hand-over is closed, never the app's. */
  _stop(): void;
}

/**
 * Starts catching in a dedicated or shared worker; undefined anywhere else (a service worker is
 * never relayed, and may not import a chunk later).
 */
export function catchRelay(): Caught | undefined {
  const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; ServiceWorkerGlobalScope?: unknown } & EventTarget;
  if (typeof scope.WorkerGlobalScope !== 'function' || typeof scope.ServiceWorkerGlobalScope === 'function') return undefined;
  let on = true;
  const held: MessageEvent[] = [];
  const take = (event: Event): void => {
    if (((event as MessageEvent).data as { source?: unknown } | null)?.source !== SOURCE_RELAY) return;
    // Stratum's own message: the app's listeners (added after ours) never see it, on or off.
    event.stopImmediatePropagation();
    if (on) held.push(event as MessageEvent);
    else (event as MessageEvent).ports[0]?.close();
  };
  scope.addEventListener('message', take);
  // A shared worker: one port per page. Ours listens first; the app's onmessage starts the port.
  scope.addEventListener('connect', (event) => (event as MessageEvent).ports[0]?.addEventListener('message', take));
  return {
    _held: held,
    _stop() {
      on = false;
      for (const event of held.splice(0)) event.ports[0]?.close();
    },
  };
}
