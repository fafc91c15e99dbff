// The accessibility and keyboard suite (a11y.spec.ts) again, in Firefox ESR over WebDriver BiDi:
// the same test bodies, one Firefox for this file.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./a11y.spec.js');
