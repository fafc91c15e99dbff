/**
 * Other tabs' changes arrive through the `storage` event, which browsers fire in every other
 * page of the origin (never in the page that wrote). One listener per page serves every
 * instance: it maps the key back to its namespace channel, decodes once, and notifies.
 */
import { report } from '../registry/registry.js';
import { CodecError } from '../codec/error.js';
import { deserialize } from '../codec/serialize.js';
import { backing, existingSubscriptions, pageChannel, pageMemories, slotOf } from './backing.js';
import { notify } from './notify.js';
import type { WebStorageEvent } from './types.js';

const listening = new WeakSet<object>();

export function listenForOtherTabs(): void {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function' || listening.has(window)) return;
  listening.add(window);
  window.addEventListener('storage', onStorage);
}

function onStorage(event: StorageEvent): void {
  const area = event.storageArea;
  const kind = area && area === backing('local').storage ? 'local' : area && area === backing('session').storage ? 'session' : undefined;
  if (!kind) return;
  if (event.key === null) {
    // Another page called storage.clear(): every namespace of this kind is affected.
    for (const [, channel] of pageMemories(kind)) {
      const subs = existingSubscriptions(channel);
      if (subs?.size) notify(subs, { key: null, origin: 'remote' });
    }
    return;
  }
  const colon = event.key.indexOf(':');
  if (colon < 0) return; // not a namespaced key (another app's, or the availability probe)
  const subs = existingSubscriptions(pageChannel(slotOf(kind, event.key.slice(0, colon))));
  if (!subs?.size) return;
  const change = remoteEvent(event.key.slice(colon + 1), event.newValue, event.oldValue, subs, kind);
  // A write made since (this page's, or another tab's whose own event follows) replaced this one:
  // still told (a log of changes wants it), marked, so that a mirror of the stored value does not
  // put an older value over a newer one and keep it.
  if (superseded(area!, event)) change.superseded = true;
  notify(subs, change);
}

/**
 * Another writer's change of `key` as subscribers hear it, decoded from the stored texts; an
 * undecodable new value is an `error`, reported to the subscribers' owners. Also what recheck()
 * tells where another tab's value won during an outage.
 */
export function remoteEvent(key: string, newText: string | null, oldText: string | null, subs: Iterable<{ owner: object }> | undefined, kind: string): WebStorageEvent {
  const change: WebStorageEvent = { key, origin: 'remote' };
  const value = decodeRemote(newText, subs, key, kind);
  if (value.error) change.error = value.error;
  else if (newText !== null) change.value = value.value;
  const old = decodeRemote(oldText, undefined, key, kind);
  if (oldText !== null && !old.error) change.oldValue = old.value;
  return change;
}

function superseded(area: Storage, event: StorageEvent): boolean {
  try {
    return area.getItem(event.key!) !== event.newValue;
  } catch (error) {
    // Unreadable now (blocked since the event was queued): the event is all there is to go by.
    console.debug('stratum: could not re-read a key another tab changed; applying its event as sent.', error);
    return false;
  }
}

function decodeRemote(
  text: string | null,
  reportTo: Iterable<{ owner: object }> | undefined,
  key: string,
  kind: string,
): { value?: unknown; error?: CodecError } {
  if (text === null) return {};
  try {
    return { value: deserialize(text) };
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    const owners = new Set([...(reportTo ?? [])].map((sub) => sub.owner));
    const message = `another tab stored "${key}" in ${kind}Storage in a form that cannot be decoded (${error.message}); it is left in place`;
    for (const owner of owners) report(owner, 'decode-error', message);
    return { error };
  }
}
