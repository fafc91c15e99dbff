/**
 * Where a webstorage's data lives, found per call (not per instance), so that an instance
 * created at module level still keeps server requests apart:
 *   - the storage of its kind, probed once per page (window) and shared by every instance, so
 *     they all switch to memory together when it stops working, and back on recheck();
 *   - memory: per (kind, namespace) within a page; per (request, kind, namespace) inside
 *     runRequest on a server; per instance on a server outside a request.
 * The memory map of a (kind, namespace) also names its event channel: subscribers of one
 * channel hear each other's changes, and a listener never hears another request's.
 */
import { probe, isServer, type ProbeResult, type StorageKind } from './probe.js';
import type { WebStorageEvent } from './types.js';

export type Memory = Map<string, string>;

export interface Subscription {
  listener: (event: WebStorageEvent) => void;
  /** The instance that subscribed: reports about undecodable values go to it. */
  owner: object;
}

interface Page {
  backings: Partial<Record<StorageKind, ProbeResult>>;
  memory: Map<string, Memory>;
  /** Slots (`kind:namespace`) some instance on this page uses: the only keys Stratum carries. */
  namespaces: Set<string>;
  /** The storage of a kind that stopped working, while the page uses memory: a namespace first used meanwhile is carried from it. */
  lost: Partial<Record<StorageKind, Storage>>;
}

const pages = new WeakMap<object, Page>();
const channels = new WeakMap<Memory, Set<Subscription>>();
/**
 * What this page changed in a memory fallback, per full key: the text the storage held when the
 * change was first made there (null: none). recheck() replays a change only while the storage
 * still holds that text, so it never writes over another tab's newer value.
 */
const journals = new WeakMap<Memory, Map<string, string | null>>();
/** A server request's memory, and who is told which instance used which slot of it (the panel lists them). */
export interface RequestScope {
  memory: Map<string, Memory>;
  used(slot: string, owner: object): void;
}

let requestScope: (() => RequestScope | undefined) | undefined;

/** The server entry installs the current request's memory (AsyncLocalStorage). */
export function setRequestScope(scope: () => RequestScope | undefined): void {
  requestScope = scope;
}

/** The page: the window in a browser (tests swap it), the global scope in a worker or on a server. */
function page(): Page {
  const key: object = typeof window === 'undefined' ? globalThis : window;
  let found = pages.get(key);
  if (!found) pages.set(key, (found = { backings: {}, memory: new Map(), namespaces: new Set(), lost: {} }));
  return found;
}

export function backing(kind: StorageKind): ProbeResult {
  const { backings } = page();
  return (backings[kind] ??= probe(kind));
}

export function setBacking(kind: StorageKind, result: ProbeResult): void {
  page().backings[kind] = result;
}

export function slotOf(kind: string, namespace: string): string {
  return `${kind}:${namespace}`;
}

/** An instance of (kind, namespace) exists on this page: its keys are Stratum's to carry into memory. */
export function useNamespace(kind: StorageKind, namespace: string): void {
  const { namespaces, lost, backings } = page();
  const slot = slotOf(kind, namespace);
  if (namespaces.has(slot)) return;
  namespaces.add(slot);
  // First used during an outage: its values are carried now, as they would have been then.
  const broken = lost[kind];
  if (broken && backings[kind] && !backings[kind].storage) carryIntoMemory(kind, broken, namespace);
}

/** The storage of a kind works again (recheck() moved memory back): nothing more to carry from it. */
export function storageBack(kind: StorageKind): void {
  delete page().lost[kind];
}

/** Call before this page changes `full` in a memory fallback, so recheck() knows to replay it. */
export function noteChange(memory: Memory, full: string): void {
  let journal = journals.get(memory);
  if (!journal) journals.set(memory, (journal = new Map()));
  if (!journal.has(full)) journal.set(full, memory.get(full) ?? null);
}

/** The changes noted in a memory fallback (see noteChange), by full key. */
export function changesIn(memory: Memory): Map<string, string | null> {
  return journals.get(memory) ?? new Map();
}

export function findMemory(kind: string, namespace: string, own: Memory, owner: object): Memory {
  const slot = slotOf(kind, namespace);
  const request = requestScope?.();
  if (request) {
    if (!request.memory.has(slot)) request.used(slot, owner);
    return getOrCreate(request.memory, slot);
  }
  if (isServer()) return own;
  return getOrCreate(page().memory, slot);
}

/** Every page memory of a kind (all namespaces): what recheck() moves into the storage. */
export function pageMemories(kind: string): [string, Memory][] {
  return [...page().memory].filter(([slot]) => slot.startsWith(`${kind}:`));
}

export function subscriptions(channel: Memory): Set<Subscription> {
  let found = channels.get(channel);
  if (!found) channels.set(channel, (found = new Set()));
  return found;
}

export function existingSubscriptions(channel: Memory | undefined): Set<Subscription> | undefined {
  return channel && channels.get(channel);
}

/** The page channel of a slot, if anyone ever used it (remote events go nowhere otherwise). */
export function pageChannel(slot: string): Memory | undefined {
  return page().memory.get(slot);
}

/**
 * The storage stopped working: what it still reads is carried into the page's memory before
 * every instance of the kind switches there, so values written before stay readable (and go back
 * on recheck() if this page changes them). A memory entry already there is newer and stays. Only
 * keys of namespaces an instance uses on this page are Stratum's to carry: another library's
 * `otherlib:token` is none of its business.
 */
export function carryIntoMemory(kind: StorageKind, storage: Storage, only?: string): void {
  const { memory, namespaces, lost } = page();
  lost[kind] = storage;
  try {
    for (let i = 0; i < storage.length; i++) {
      const full = storage.key(i);
      const colon = full === null ? -1 : full.indexOf(':');
      if (full === null || colon < 1 || !namespaces.has(slotOf(kind, full.slice(0, colon)))) continue;
      if (only !== undefined && full.slice(0, colon) !== only) continue;
      const text = storage.getItem(full);
      if (text === null) continue;
      const slot = getOrCreate(memory, slotOf(kind, full.slice(0, colon)));
      if (!slot.has(full)) slot.set(full, text);
    }
  } catch (error) {
    // It no longer reads either: what was carried so far is all that can be; the caller reports why.
    console.debug(`stratum: ${kind}Storage could not be read to carry its values into memory`, error);
  }
}

function getOrCreate(map: Map<string, Memory>, slot: string): Memory {
  let memory = map.get(slot);
  if (!memory) map.set(slot, (memory = new Map()));
  return memory;
}
