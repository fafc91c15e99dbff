// The kit suite (puppeteer-kit.spec.ts) again, in Firefox ESR over WebDriver BiDi: the same test
// bodies, one Firefox for this file. Where a test needs a Chrome-only tool it says so inside.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./puppeteer-kit.spec.js');
