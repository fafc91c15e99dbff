const SESSION_KEY = 'stratum:client-id';

let cached: string | undefined;

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * The browser tab's client id: random per tab, kept in sessionStorage so a reload keeps it.
 * Reading `window.sessionStorage` throws SecurityError where storage is blocked, and Safari's
 * private mode throws on setItem; the id then lives in memory for this page only.
 * Returns undefined where there is no window (a server must use store.forClient(id)).
 */
export function browserClientId(): string | undefined {
  if (cached) return cached;
  if (typeof window === 'undefined') return undefined;
  let storage: Storage | undefined;
  try {
    storage = window.sessionStorage;
    const kept = storage.getItem(SESSION_KEY);
    if (kept) return (cached = kept);
  } catch (error) {
    storage = undefined;
    reportFallback(error);
  }
  cached = randomId();
  try {
    storage?.setItem(SESSION_KEY, cached);
  } catch (error) {
    reportFallback(error);
  }
  return cached;
}

function reportFallback(error: unknown): void {
  // The id still works for this page; only a reload gets a new one. Worth a debug line, not a throw.
  if (typeof console !== 'undefined') {
    console.debug('stratum: sessionStorage unusable, client id kept in memory:', error);
  }
}
