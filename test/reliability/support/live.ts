/**
 * A panel's live view without the panel: one more kit connection to the page's tab, whose
 * events (the first snapshot, every delta, the snapshot after each reconnect) are folded into
 * the fixture's state the way a panel folds them. Unlike `client.snapshot()`, which asks the
 * page afresh, this view is only right if nothing on the stream was lost.
 */
import type { Page } from 'puppeteer';
import { decode } from '../../../runtime/codec/index.js';
import { Event, type RuntimeEvents, type Snapshot } from '../../../runtime/protocol/messages.js';
import type { KitEvent } from '../../../runtime/protocol/kit.js';
import { kitPage, tabIdOf } from '../../../runtime/puppeteer/extension.js';
import { NAMESPACE, snapshotView, storageView, STORE, type AppView } from './app.js';

export interface Live {
  /** Reads the events that arrived since the last call and returns the folded view. */
  view(): Promise<AppView>;
  /** Events read so far, snapshots among them. */
  readonly counts: { events: number; snapshots: number };
  /** Every event the kit page still holds for this connection, unfolded. */
  events(): Promise<KitEvent[]>;
  /** How many events the kit page holds for this connection now (its buffer is capped). */
  buffered(): Promise<number>;
  close(): Promise<void>;
}

export async function follow(page: Page): Promise<Live> {
  const kit = await kitPage(page.browser());
  const tabId = await tabIdOf(page);
  const { handle } = await kit.evaluate((tab) => window.stratumKit.attach(tab), tabId);
  let view: AppView = { states: {}, storages: {} };
  let storeId: number | undefined;
  const storageKinds = new Map<number, string>();
  let lastAt = 0;
  let seenAtLast = 0;
  const counts = { events: 0, snapshots: 0 };

  function onSnapshot(snapshot: Snapshot): void {
    view = snapshotView(snapshot);
    storeId = snapshot.stores.find((store) => store.name === STORE)?.id;
    storageKinds.clear();
    for (const info of snapshot.webstorages) if (info.namespace === NAMESPACE) storageKinds.set(info.id, info.kind);
    counts.snapshots++;
  }

  function apply(event: KitEvent): void {
    counts.events++;
    switch (event.event) {
      case Event.snapshot:
        return onSnapshot(event.payload as Snapshot);
      case Event.stateChanged: {
        const delta = event.payload as RuntimeEvents['stateChanged'];
        const state = view.states[delta.state];
        if (delta.store !== storeId || !state || delta.versions.to < state.version) return;
        state.version = delta.versions.to;
        state.value = decode(delta.value);
        return;
      }
      case Event.stateAdded: {
        const added = event.payload as RuntimeEvents['stateAdded'];
        if (added.store !== storeId) return;
        const { id, key, scope, version, value } = added.state;
        view.states[id] = { key, scope, version, value: decode(value) };
        return;
      }
      case Event.stateRemoved: {
        const removed = event.payload as RuntimeEvents['stateRemoved'];
        if (removed.store === storeId) delete view.states[removed.state];
        return;
      }
      case Event.registered: {
        // A webstorage registered again (its availability changed): its info replaces the old one.
        const registered = event.payload as RuntimeEvents['registered'];
        if (registered.kind !== 'webstorage' || registered.webstorage.namespace !== NAMESPACE) return;
        storageKinds.set(registered.webstorage.id, registered.webstorage.kind);
        view.storages[registered.webstorage.kind] = storageView(registered.webstorage);
        return;
      }
      case Event.webstorageChanged: {
        const delta = event.payload as RuntimeEvents['webstorageChanged'];
        const kind = storageKinds.get(delta.storage);
        const storage = kind === undefined ? undefined : view.storages[kind];
        if (!storage) return;
        if (delta.key === null) storage.entries = {};
        else if (delta.value === undefined) delete storage.entries[delta.key];
        else storage.entries[delta.key] = decode(delta.value);
        return;
      }
      default:
        return;
    }
  }

  return {
    counts,
    async view() {
      const events = await kit.evaluate((h, since) => window.stratumKit.events(h, since), handle, lastAt);
      let skip = seenAtLast;
      for (const event of events) {
        if (event.at === lastAt && skip > 0) {
          skip--;
          continue;
        }
        if (event.at !== lastAt) {
          lastAt = event.at;
          seenAtLast = 0;
        }
        seenAtLast++;
        apply(event);
      }
      return structuredClone(view);
    },
    events: () => kit.evaluate((h) => window.stratumKit.events(h), handle),
    buffered: () => kit.evaluate((h) => window.stratumKit.events(h).length, handle),
    close: () => kit.evaluate((h) => window.stratumKit.close(h), handle),
  };
}
