/**
 * The panel listener with the agent's loader set: what devtools/hook.ts loads lazily, after the
 * importing tick, so no entry carries the listener itself (issue 18: the store's size). The
 * registry (a floor below the strata) never imports the agent; the loader is passed down here.
 */
import type { DevtoolsConfig } from '../registry/core.js';
import { listenForPanel, setAgentLoader, stopListening } from '../registry/listen.js';
import type { Caught } from '../registry/relay-catch.js';

setAgentLoader(() => import('./agent/connect.js'));

/** Listens (in a worker: links what hook.ts caught there); returns what stops it. */
export function start(config: DevtoolsConfig, caught?: Caught): () => void {
  listenForPanel(config, caught);
  return stopListening;
}
