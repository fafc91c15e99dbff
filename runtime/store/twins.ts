import { coded } from './scopes.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

/**
 * Duplicate-tab detection for the tab's client id (client-id.ts), loaded when the id is first
 * read. "Duplicate tab" copies sessionStorage, id included: each page claims its id on a
 * BroadcastChannel, and of two twins the one that took its id later takes a fresh one.
 * It imports nothing from client-id.ts (which passes what it needs): a value import would move
 * client-id.ts out of the store's chunk into one of its own.
 */

/** Tabs of an origin ask here whether another one already holds their id (a duplicated tab). */
const CHANNEL = 'stratum.client-id';
/** The same key as client-id.ts's CLIENT_ID_KEY (see above for why it is not imported). */
const SESSION_KEY = 'stratum.client-id';

type Message = { type: 'claim' | 'taken'; id: string; since: number };

let current = '';
/** When this page took its id (ms since the epoch): of two twins, the later one takes a fresh id. */
let since = 0;
let channel: BroadcastChannel | undefined;
let fresh!: () => string;
let adopt!: (id: string) => void;

function now(): number {
  return typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now();
}

/** Claims `id` for this page; `makeId` and `adoptId` renew it when a twin holds it longer. */
export function claim(id: string, makeId: () => string, adoptId: (id: string) => void): void {
  // Safari before 15.4 has no BroadcastChannel: a duplicated tab there keeps the id it copied.
  if (typeof BroadcastChannel !== 'function') return;
  fresh = makeId;
  adopt = adoptId;
  current = id;
  since = now();
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: MessageEvent<Message>) => heard(event.data);
    // A page must not stay alive for this channel alone (Node, workers).
    (channel as { unref?: () => void }).unref?.();
  }
  channel.postMessage({ type: 'claim', id, since } satisfies Message);
}

function heard(message: Message): void {
  if (!message || message.id !== current || typeof message.since !== 'number') return;
  const mineIsOlder = since < message.since;
  if (message.type === 'claim' && mineIsOlder) {
    channel?.postMessage({ type: 'taken', id: current, since } satisfies Message);
    return;
  }
  // A twin that holds the id longer (or answered our claim): this page takes a fresh id.
  if (!mineIsOlder) renew();
}

function renew(): void {
  const id = fresh();
  try {
    window.sessionStorage.setItem(SESSION_KEY, id);
  } catch (error) {
    console.debug(typeof __STRATUM_NO_AGENT__ === 'undefined' ? 'stratum: the fresh client id lives in memory for this page only' : coded(14), error);
  }
  adopt(id);
  claim(id, fresh, adopt);
}
