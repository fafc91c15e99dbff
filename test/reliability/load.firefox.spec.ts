// The reliability suite load.spec.ts again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file; its rows go to the ledger as load-firefox.
import { chooseBrowser } from '../e2e/harness/browser.js';

chooseBrowser('firefox');
await import('./load.spec.js');
