/**
 * Facts only the page can see (DESIGN.md, Protocol): navigator.storage.estimate(), whether the
 * origin's storage is persisted, every IndexedDB database of the origin, and the storage keys
 * no Stratum namespace owns. Fetched with each snapshot and on refresh.
 */
import { signal } from '@preact/signals';
import { Command, type PageFacts } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export class FactsModel {
  readonly facts = signal<PageFacts | null>(null);
  private _loading: Promise<void> | undefined;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  load(): Promise<void> {
    this._loading ??= this._ui
      .run(() => this._connection.request(Command.pageFacts, {}))
      .then((facts) => {
        if (facts) this.facts.value = facts;
      })
      .finally(() => (this._loading = undefined));
    return this._loading;
  }
}
