/**
 * The main-world content script (manifest `"world": "MAIN"`, document_start): installs the
 * Redux DevTools globals. A main-world script has no `runtime.getURL`; its own URL is in the
 * stack of an error made while it runs (chrome-extension://<id>/… or moz-extension://<uuid>/…),
 * and the bridge sits beside it as a web-accessible resource.
 */
import { installShim, type Bridge } from './shim.js';

const base = /(?:chrome|moz)-extension:\/\/[^/]+\//.exec(new Error().stack ?? '')?.[0];
installShim(window, () =>
  base ? (import(`${base}redux-bridge.js`) as Promise<Bridge>) : Promise.reject(new Error('the shim could not tell its extension URL from its stack')),
);
