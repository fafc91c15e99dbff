import { coded } from './scopes.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

// Not 'stratum:…': that is webstorage's default namespace, whose clear() would drop the id.
export const CLIENT_ID_KEY = 'stratum.client-id';
const SESSION_KEY = CLIENT_ID_KEY;
/** Tabs of an origin ask here whether another one already holds their id (a duplicated tab). */
const CHANNEL = 'stratum.client-id';

let cached: string | undefined;
/** When this page took its id (ms since the epoch): of two twins, the later one takes a fresh id. */
let since = 0;
let channel: BroadcastChannel | undefined;
const changeListeners = new Set<(id: string) => void>();

type Message = { type: 'claim' | 'taken'; id: string; since: number };

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now();
}

/**
 * The browser tab's client id: random per tab, kept in sessionStorage so a reload keeps it.
 * Reading `window.sessionStorage` throws SecurityError where storage is blocked, and Safari's
 * private mode throws on setItem; the id then lives in memory for this page only.
 * "Duplicate tab" copies sessionStorage, id included: each page claims its id over a
 * BroadcastChannel, and the newer of two twins takes a fresh one (onClientIdChange says when).
 * Returns undefined where there is no window (a server must use store.forClient(id)).
 */
export function browserClientId(): string | undefined {
  if (cached) return cached;
  if (typeof window === 'undefined') return undefined;
  try {
    const storage = window.sessionStorage;
    const kept = storage.getItem(SESSION_KEY);
    if (kept) cached = kept;
    else {
      cached = randomId();
      storage.setItem(SESSION_KEY, cached);
    }
  } catch (error) {
    // SecurityError on access (blocked storage) or QuotaExceededError on write (zero quota):
    // the id then lives for this page only, and a reload gets a new one.
    console.debug(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: the client id lives in memory for this page only' : coded(14), error);
    cached ??= randomId();
  }
  since = now();
  claim(cached);
  return cached;
}

/** Called with the new id when this page turns out to be a duplicate and takes a fresh one. */
export function onClientIdChange(listener: (id: string) => void): () => void {
  changeListeners.add(listener);
  return () => {
    changeListeners.delete(listener);
  };
}

function claim(id: string): void {
  if (typeof BroadcastChannel !== 'function') return;
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: MessageEvent<Message>) => heard(event.data);
    // A page must not stay alive for this channel alone (Node, workers).
    (channel as { unref?: () => void }).unref?.();
  }
  channel.postMessage({ type: 'claim', id, since } satisfies Message);
}

function heard(message: Message): void {
  if (!message || message.id !== cached || typeof message.since !== 'number') return;
  const mineIsOlder = since < message.since;
  if (message.type === 'claim' && mineIsOlder) {
    channel?.postMessage({ type: 'taken', id: cached, since } satisfies Message);
    return;
  }
  // A twin that holds the id longer (or answered our claim): this page takes a fresh id.
  if (!mineIsOlder) renew();
}

function renew(): void {
  const fresh = randomId();
  cached = fresh;
  since = now();
  try {
    window.sessionStorage.setItem(SESSION_KEY, fresh);
  } catch (error) {
    console.debug(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: the fresh client id lives in memory for this page only' : coded(14), error);
  }
  for (const listener of [...changeListeners]) listener(fresh);
  claim(fresh);
}
