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
  private _loading: Promise<void> | undefined;
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
    this._loading ??= this._ui
      .run(() => this._connection.request(Command.pageFacts, {}))
      .then((facts) => {
        if (facts) this.facts.value = facts;
      })
      .finally(() => (this._loading = undefined));
    return this._loading;
  }
}
