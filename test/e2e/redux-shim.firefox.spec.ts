// The Redux DevTools shim suite (redux-shim.spec.ts) in Firefox ESR: main-world content scripts
// (manifest "world": "MAIN", Firefox ≥ 128) and the bridge's import of a moz-extension:// module.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./redux-shim.spec.js');
