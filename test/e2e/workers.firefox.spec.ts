// The workers suite (workers.spec.ts) again, in Firefox ESR over WebDriver BiDi, with the panel
// as a tab (panel.html?tabId=N): relayed workers are runtimes of their page there too.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./workers.spec.js');
