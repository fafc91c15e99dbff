// The power tools suite (power.spec.ts) again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, the panel as a tab (panel.html?tabId=N), since automation cannot open Firefox's DevTools.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./power.spec.js');
