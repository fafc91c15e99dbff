// The panel suite (panel.spec.ts) again, in Firefox ESR over WebDriver BiDi: the same test bodies,
// one Firefox for this file. Automation cannot open Firefox's DevTools, so openPanel() gives the
// panel as a tab (panel.html?tabId=N) there; tests that need a Chrome-only tool say so inside.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./panel.spec.js');
