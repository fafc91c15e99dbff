// The reliability suite panel.spec.ts again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file; its rows go to the ledger as panel-firefox.
import { chooseBrowser } from '../e2e/harness/browser.js';

chooseBrowser('firefox');
await import('./panel.spec.js');
