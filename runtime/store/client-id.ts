// Not 'stratum:…': that is webstorage's default namespace, whose clear() would drop the id.
export const CLIENT_ID_KEY = 'stratum.client-id';
const SESSION_KEY = CLIENT_ID_KEY;

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
  try {
    const storage = window.sessionStorage;
    const kept = storage.getItem(SESSION_KEY);
    if (kept) return (cached = kept);
    cached = randomId();
    storage.setItem(SESSION_KEY, cached);
  } catch {
    // SecurityError on access (blocked storage) or QuotaExceededError on write (zero quota):
    // the id then lives for this page only, and a reload gets a new one.
    cached ??= randomId();
  }
  return cached;
}
