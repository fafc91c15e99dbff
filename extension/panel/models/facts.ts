/**
 * Facts only the page can see (DESIGN.md, Protocol): navigator.storage.estimate(), whether the
 * origin's storage is persisted, every IndexedDB database of the origin, and the storage keys
 * no Stratum namespace owns. Fetched with each snapshot and on refresh.
 */
import { signal } from '@preact/signals';
import { Command, type OriginStores, type PageFacts } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export class FactsModel {
  readonly facts = signal<PageFacts | null>(null);
  /** Cache Storage and OPFS with sizes: read only when asked (sizing a cache may read bodies). */
  readonly origin = signal<OriginStores | null>(null);
  readonly originLoading = signal(false);
  /** The read under way, and the target it asks: one read per target at a time. */
  private _loading: { target: string | null; done: Promise<void> } | undefined;
  private _target: string | null = null;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  async loadOrigin(): Promise<void> {
    this.originLoading.value = true;
    try {
      const stores = await this._ui.run(() => this._connection.request(Command.originStores, {}));
      if (stores) this.origin.value = stores;
    } finally {
      this.originLoading.value = false;
    }
  }

  load(): Promise<void> {
    // Another target may be another origin (a frame): its Cache Storage and OPFS are read anew.
    const target = this._connection.target.peek();
    if (target !== this._target) {
      this._target = target;
      this.origin.value = null;
    }
    // A read under way for another target (a frame's runtime, before the top page answered) is
    // not this one's: ask again, and show only the answer of the runtime targeted now.
    if (this._loading?.target === target) return this._loading.done;
    const loading: { target: string | null; done: Promise<void> } = {
      target,
      done: this._ui
        .run(() => this._connection.request(Command.pageFacts, {}))
        .then((facts) => {
          if (facts && this._connection.target.peek() === target) this.facts.value = facts;
        })
        .finally(() => {
          if (this._loading === loading) this._loading = undefined;
        }),
    };
    this._loading = loading;
    return loading.done;
  }
}
