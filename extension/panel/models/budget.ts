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
  /** Bumped per measure asked for: only the last one's answer is shown, and ends "Measuring…". */
  private _measures = 0;
  /** The runtime whose measure `budget` holds. */
  private _target: string | null = null;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  async load(top = 10): Promise<void> {
    const measure = ++this._measures;
    const target = this._connection.target.peek();
    // Another runtime (a frame, a reload): the last one's numbers are not this one's.
    if (target !== this._target) {
      this._target = target;
      this.budget.value = null;
      this.persistAnswer.value = null;
    }
    this.loading.value = true;
    try {
      const budget = await this._ui.run(() => this._connection.request(Command.storageBudget, { top }));
      // A measure of the last target that took longer than this one's is not shown over it.
      if (budget && measure === this._measures) this.budget.value = budget;
    } finally {
      if (measure === this._measures) this.loading.value = false;
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
