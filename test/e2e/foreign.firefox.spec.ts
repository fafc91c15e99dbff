// The page storage suite (foreign.spec.ts) again, in Firefox ESR: the inspector runs in Firefox's
// content-script world, where the page's objects come through Xray wrappers.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./foreign.spec.js');
