// The reliability suite faults-database.spec.ts again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file; its rows go to the ledger as faults-database-firefox.
import { chooseBrowser } from '../e2e/harness/browser.js';

chooseBrowser('firefox');
await import('./faults-database.spec.js');
