// The big-row edit suite (panel-edit.spec.ts) again, in Firefox ESR over WebDriver BiDi: the same
// test bodies, one Firefox for this file, the panel as a tab (panel.html?tabId=N).
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./panel-edit.spec.js');
