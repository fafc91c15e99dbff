/**
 * The storage budget is measured in one runtime on demand: measured again for another target
 * while the last target's measure is still running, the tab shows the targeted runtime's answer,
 * and says it is measuring until that answer is in.
 */
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import type { StorageBudget } from '#protocol/messages.js';
import { BudgetModel } from './budget.js';
import type { Connection } from './connection.js';
import { Ui } from './ui.js';

const measured = (usage: number) => ({ estimate: { usage, quota: 1000 } }) as unknown as StorageBudget;

describe('BudgetModel', () => {
  it('shows the measure of the runtime targeted now, not a slower one of the last target', async () => {
    const answers: ((budget: StorageBudget) => void)[] = [];
    const connection = {
      target: signal<string | null>('frame-a'),
      request: () => new Promise<StorageBudget>((resolve) => answers.push(resolve)),
    };
    const model = new BudgetModel(connection as unknown as Connection, new Ui());
    const first = model.load();
    connection.target.value = 'frame-top';
    const second = model.load();
    answers[1]!(measured(2));
    await second;
    answers[0]!(measured(1));
    await first;
    expect(model.budget.peek()?.estimate).toEqual({ usage: 2, quota: 1000 });
    expect(model.loading.peek()).toBe(false);
  });

  it('says it is measuring until the last measure asked for is in', async () => {
    const answers: ((budget: StorageBudget) => void)[] = [];
    const connection = {
      target: signal<string | null>('frame-a'),
      request: () => new Promise<StorageBudget>((resolve) => answers.push(resolve)),
    };
    const model = new BudgetModel(connection as unknown as Connection, new Ui());
    const first = model.load();
    connection.target.value = 'frame-top';
    const second = model.load();
    answers[0]!(measured(1));
    await first;
    expect(model.loading.peek()).toBe(true);
    answers[1]!(measured(2));
    await second;
    expect(model.loading.peek()).toBe(false);
    expect(model.budget.peek()?.estimate).toEqual({ usage: 2, quota: 1000 });
  });
});
