// The stratumjs/db suite (db.spec.ts) again, in Firefox ESR over WebDriver BiDi: the same test
// bodies on Firefox's IndexedDB, one Firefox for this file.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./db.spec.js');
