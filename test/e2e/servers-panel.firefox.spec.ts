// The 3-instance shop in the standalone panel (servers-panel.spec.ts) again, with the panel in
// Firefox ESR over WebDriver BiDi: the same test body, one Firefox for this file.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./servers-panel.spec.js');
