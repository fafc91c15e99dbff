// The standalone panel suite (standalone.spec.ts) again, in Firefox ESR over WebDriver BiDi: the
// same test bodies, one Firefox for this file.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./standalone.spec.js');
