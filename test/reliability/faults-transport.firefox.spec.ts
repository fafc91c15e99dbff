// The reliability suite faults-transport.spec.ts again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file; its rows go to the ledger as faults-transport-firefox.
import { chooseBrowser } from '../e2e/harness/browser.js';

chooseBrowser('firefox');
await import('./faults-transport.spec.js');
