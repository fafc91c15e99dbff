/**
 * Wires the registry to its window listener, and the listener to the agent. Every public browser
 * entry imports this module, so the registry (a floor below the strata) never imports the agent
 * (a floor above them): the loader is passed down instead. Production builds define
 * __STRATUM_NO_AGENT__ and drop it (stratumjs/store's production entry does not import it).
 */
import { config, panelListener } from '../registry/core.js';
import { listenForPanel, setAgentLoader, stopListening } from '../registry/listen.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
  setAgentLoader(() => import('./agent/connect.js'));
  // The listener starts here, not in the registry (which a production store entry carries without
  // it); in a microtask, so that configureDevtools({ enabled: false }) in the importing tick wins.
  panelListener._stop = stopListening;
  queueMicrotask(() => listenForPanel(config));
}
