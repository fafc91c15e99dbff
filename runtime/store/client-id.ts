import { coded } from './scopes.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

// Not 'stratum:…': that is webstorage's default namespace, whose clear() would drop the id.
const CLIENT_ID_KEY = 'stratum.client-id';

let cached: string | undefined;
const changeListeners = new Set<(id: string) => void>();

/** Only called where there is a window, so `crypto` is there; randomUUID is missing outside secure contexts (http). */
function randomId(): string {
  return crypto.randomUUID?.() ?? Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * The browser tab's client id: random per tab, kept in sessionStorage so a reload keeps it.
 * Reading `window.sessionStorage` throws SecurityError where storage is blocked, and Safari's
 * private mode throws on setItem; the id then lives in memory for this page only.
 * "Duplicate tab" copies sessionStorage, id included: each page claims its id over a
 * BroadcastChannel (store/twins.ts), and the newer of two twins takes a fresh one
 * (onClientIdChange says when). Returns undefined where there is no window (a server must use
 * store.forClient(id)).
 */
export function browserClientId(): string | undefined {
  if (cached) return cached;
  if (typeof window === 'undefined') return undefined;
  let id: string;
  try {
    const storage = window.sessionStorage;
    const kept = storage.getItem(CLIENT_ID_KEY);
    if (kept) id = kept;
    else storage.setItem(CLIENT_ID_KEY, (id = randomId()));
  } catch (error) {
    // SecurityError on access (blocked storage) or QuotaExceededError on write (zero quota):
    // the id then lives for this page only, and a reload gets a new one.
    console.debug(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: the client id lives in memory for this page only' : coded(14), error);
    id = randomId();
  }
  cached = id;
  // A twin's answer comes over a channel, later in any case: the code that asks and answers loads
  // now, in a chunk of its own, and never counts against the store's bytes (issue 18, fourth pass).
  import('./twins.js').then(
    (twins) => twins.claim(id, randomId, adopt),
    (error: unknown) => console.debug(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: duplicate-tab detection did not load (a duplicated tab keeps the id it copied)' : coded(15), error),
  );
  return id;
}

/** This page is a duplicated tab and took a fresh id (twins.ts kept it in sessionStorage). */
function adopt(fresh: string): void {
  cached = fresh;
  for (const listener of [...changeListeners]) listener(fresh);
}

/** Called with the new id when this page turns out to be a duplicate and takes a fresh one. */
export function onClientIdChange(listener: (id: string) => void): () => void {
  changeListeners.add(listener);
  return () => {
    changeListeners.delete(listener);
  };
}
