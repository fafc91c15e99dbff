/**
 * Wires the registry's window listener to the agent. Every public entry imports this module, so
 * the registry (a floor below the strata) never imports the agent (a floor above them): the
 * loader is passed down instead. Production builds define __STRATUM_NO_AGENT__ and drop it.
 */
import { setAgentLoader } from '../registry/listen.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

if (typeof __STRATUM_NO_AGENT__ === 'undefined') setAgentLoader(() => import('./agent/connect.js'));
