// no-import.spec.ts again in Firefox ESR (the panel as a tab): the Redux DevTools shim and the
// page-storage inspector on one page with no Stratum import.
import { chooseBrowser } from './harness/browser.js';

chooseBrowser('firefox');
await import('./no-import.spec.js');
