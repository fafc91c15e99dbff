/**
 * The one message a page's relay (relayWorker in stratumjs/devtools) posts to a worker: it hands
 * over a MessageChannel port of Stratum's own, so every envelope after it travels on that port
 * and neither the app's `worker.onmessage` nor its shared-worker port ever sees one.
 */

// `source` of the relay's hand-over message: defined in the registry's core, which every entry
// carries and where the first turn's catch (relay-catch.ts) reads it, so that one string is not
// a chunk of its own.
import { SOURCE_RELAY } from './core.js';

export { SOURCE_RELAY };

/** What the relay tells the worker about the page it relays for. */
export interface RelayHello {
  source: typeof SOURCE_RELAY;
  v: 1;
  kind: 'dedicated' | 'shared';
  /** A name the page gave (relayWorker's `name` option); else the worker's own `name`. */
  name: string;
  /** The page's frame: the content script checks that a runtime says where it really runs. */
  frame: { url: string; top: boolean; title: string };
}
