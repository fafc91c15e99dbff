/**
 * Facts the panel cannot see from its own origin: the storage estimate, every IndexedDB database
 * of the origin, and the webstorage keys no Stratum namespace owns (read-only in the panel).
 */
import type { ForeignKey, PageFacts } from '../../../protocol/messages.js';
import { all } from '../targets.js';

const PREVIEW = 200;
const MAX_FOREIGN = 1000;
/**
 * Stratum's own tab id (store/client-id.ts's CLIENT_ID_KEY), spelled here: importing it brought
 * the client id's module, and its lazy duplicate-tab chunk, into stratumjs/devtools (-0.4 kB).
 */
const CLIENT_ID_KEY = 'stratum.client-id';
/** Stratum writes every value behind this marker (runtime/codec/serialize.ts). */
const MARKER = 'stratum:';

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function estimate(): Promise<PageFacts['estimate']> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.estimate !== 'function') {
    return { unavailable: 'navigator.storage.estimate() is missing here (not a secure context?)' };
  }
  try {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    return { usage, quota };
  } catch (error) {
    return { unavailable: reason(error) };
  }
}

export async function persisted(): Promise<boolean | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.persisted !== 'function') return null;
  try {
    return await navigator.storage.persisted();
  } catch (error) {
    console.warn('stratum devtools: navigator.storage.persisted() failed', error);
    return null;
  }
}

async function databases(): Promise<PageFacts['databases']> {
  if (typeof indexedDB === 'undefined') return { unavailable: 'no IndexedDB here' };
  // Firefox before 126 has no indexedDB.databases().
  if (typeof indexedDB.databases !== 'function') return { unavailable: 'indexedDB.databases() is not supported by this browser' };
  try {
    const list = await indexedDB.databases();
    return list.map((db) => ({ name: db.name ?? '', version: db.version ?? 0 }));
  } catch (error) {
    return { unavailable: reason(error) };
  }
}

/** Keys of one storage area that neither a registered namespace nor Stratum's value marker claims. */
function foreignIn(area: ForeignKey['area'], namespaces: Set<string>): ForeignKey[] {
  if (typeof window === 'undefined') return [];
  let storage: Storage;
  try {
    // Reading the property itself throws a SecurityError when storage is blocked.
    storage = area === 'localStorage' ? localStorage : sessionStorage;
    if (!storage) return [];
  } catch (error) {
    console.debug(`stratum devtools: ${area} is not readable here (${reason(error)})`);
    return [];
  }
  const out: ForeignKey[] = [];
  for (let i = 0; i < storage.length && out.length < MAX_FOREIGN; i++) {
    const key = storage.key(i);
    if (key === null) continue;
    const text = storage.getItem(key) ?? '';
    const colon = key.indexOf(':');
    if (colon > 0 && namespaces.has(key.slice(0, colon))) continue;
    if (text.startsWith(MARKER)) continue;
    // Stratum's own tab id (store/client-id.ts) is no other library's key.
    if (key === CLIENT_ID_KEY) continue;
    out.push({ area, key, preview: text.slice(0, PREVIEW), size: (key.length + text.length) * 2 });
  }
  return out;
}

export async function pageFacts(dropped: number): Promise<PageFacts> {
  const namespaces = { localStorage: new Set<string>(), sessionStorage: new Set<string>() };
  for (const { object } of all('webstorage')) {
    if (object.kind !== 'memory') namespaces[object.kind === 'local' ? 'localStorage' : 'sessionStorage'].add(object.namespace);
  }
  const [storageEstimate, isPersisted, list] = await Promise.all([estimate(), persisted(), databases()]);
  return {
    estimate: storageEstimate,
    persisted: isPersisted,
    databases: list,
    foreignKeys: [...foreignIn('localStorage', namespaces.localStorage), ...foreignIn('sessionStorage', namespaces.sessionStorage)],
    dropped,
  };
}
