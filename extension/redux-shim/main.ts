/**
 * The main-world content script (manifest `"world": "MAIN"`, document_start): installs the
 * Redux DevTools globals. On a library's first connect it asks the isolated content script for
 * the bridge's URL (locate.ts) and imports it: a web-accessible ESM file of the extension.
 */
import { askBridgeUrl } from './locate.js';
import { installShim, type Bridge } from './shim.js';

installShim(window, () => {
  const url = askBridgeUrl(window);
  return url ? (import(url) as Promise<Bridge>) : Promise.reject(new Error("Stratum's content script did not answer with the bridge's URL"));
});
