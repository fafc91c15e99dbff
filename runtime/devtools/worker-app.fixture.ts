/**
 * A worker's module as an app writes it (hook.test.ts): Stratum imported first, then the app's
 * own handlers set in the module body, before any microtask of the import has run.
 */
import './hook.js';

export const seen: unknown[] = [];
// A dedicated worker's handler, and a shared worker's: each page's port gets the app's onmessage.
addEventListener('message', (event) => void seen.push((event as MessageEvent).data));
addEventListener('connect', (event) => {
  const port = (event as MessageEvent).ports[0]!;
  port.onmessage = (message) => void seen.push(message.data);
});
