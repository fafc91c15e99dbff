// The failure-simulation suite (simulate.spec.ts) again, in Firefox ESR: the panel as a tab
// (automation cannot open Firefox's DevTools), the same test bodies; the browser's own words
// are checked where they are Firefox's (errors.ts picks them by user agent).
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./simulate.spec.js');
