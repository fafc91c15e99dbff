/**
 * relayWorker: a worker has no window and no content script, so its runtime reaches the panel
 * through its page. The page hands the worker a MessageChannel of Stratum's own and copies
 * envelopes between it and the window: the panel's way in (the content script posts on the
 * window) and the worker's way out (reposted on the window, where the content script reads it
 * as one more runtime of this frame).
 */
import { SOURCE_CONTENT, SOURCE_RUNTIME } from '../protocol/frozen.js';
import { config } from '../registry/registry.js';
import { SOURCE_RELAY, type RelayHello } from '../registry/worker-relay.js';

export interface RelayWorkerOptions {
  /** The name the target picker shows; default: the worker's own `name`, else its script's file name. */
  name?: string;
}

const relayed = new WeakSet<object>();

/**
 * Lists a dedicated or shared worker that imports Stratum as a runtime of this page in the
 * panel's target picker, with its states and databases. Returns a function that ends the relay.
 * Does nothing (and returns a no-op) where devtools are disabled, outside a window, or when the
 * worker is already relayed.
 */
export function relayWorker(worker: Worker | SharedWorker, options: RelayWorkerOptions = {}): () => void {
  if (!config.enabled || typeof window === 'undefined' || relayed.has(worker)) return () => undefined;
  const shared = typeof SharedWorker === 'function' && worker instanceof SharedWorker;
  const target: Worker | MessagePort = shared ? (worker as SharedWorker).port : (worker as Worker);
  if (typeof target?.postMessage !== 'function') {
    throw new TypeError('relayWorker: pass a Worker or a SharedWorker (the object `new Worker(…)` or `new SharedWorker(…)` returned)');
  }
  relayed.add(worker);
  const channel = new MessageChannel();
  const hello: RelayHello = {
    source: SOURCE_RELAY,
    v: 1,
    kind: shared ? 'shared' : 'dedicated',
    name: options.name ?? '',
    frame: { url: location.href, top: window === window.top, title: document.title },
  };
  const ours = channel.port1;
  ours.onmessage = (event: MessageEvent) => {
    // The worker's runtime speaks only runtime envelopes; anything else stays in the channel.
    if ((event.data as { source?: unknown } | null)?.source === SOURCE_RUNTIME) window.postMessage(event.data, '*');
  };
  const fromPanel = (event: MessageEvent): void => {
    if (event.source === window && (event.data as { source?: unknown } | null)?.source === SOURCE_CONTENT) ours.postMessage(event.data);
  };
  window.addEventListener('message', fromPanel);
  target.postMessage(hello, [channel.port2]);
  return () => {
    window.removeEventListener('message', fromPanel);
    ours.close();
    relayed.delete(worker);
  };
}
