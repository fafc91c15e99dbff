// The reliability suite privilege.spec.ts again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file; its rows go to the ledger as privilege-firefox.
import { chooseBrowser } from '../e2e/harness/browser.js';

chooseBrowser('firefox');
await import('./privilege.spec.js');
