/**
 * The storage budget (issue 22): bytes per namespace, table, index and blob store, the largest
 * items, the origin's estimate and persistence. Measured in the page on demand (it reads every
 * row), never pushed.
 */
import { signal } from '@preact/signals';
import { Command, type StorageBudget } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export class BudgetModel {
  readonly budget = signal<StorageBudget | null>(null);
  readonly loading = signal(false);
  /** The page's answer to the last "Request persistent storage". */
  readonly persistAnswer = signal<{ granted: boolean; persisted: boolean } | null>(null);

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  async load(top = 10): Promise<void> {
    this.loading.value = true;
    try {
      const budget = await this._ui.run(() => this._connection.request(Command.storageBudget, { top }));
      if (budget) this.budget.value = budget;
    } finally {
      this.loading.value = false;
    }
  }

  async persist(): Promise<void> {
    const answer = await this._ui.run(() => this._connection.request(Command.storagePersist, {}));
    if (!answer) return;
    this.persistAnswer.value = answer;
    const budget = this.budget.peek();
    if (budget) this.budget.value = { ...budget, persisted: answer.persisted };
  }

  /** usage / quota, or undefined when the page cannot tell. */
  share(): number | undefined {
    const estimate = this.budget.value?.estimate;
    if (!estimate || 'unavailable' in estimate || estimate.quota <= 0) return undefined;
    return estimate.usage / estimate.quota;
  }
}
