// @vitest-environment happy-dom
/**
 * Issue 14.16: the panel's memory is bounded in bytes, not only in counts. The timeline keeps
 * 5,000 entries and each state 50 history steps, each with full values: a state of 10,000-character
 * values changed often would hold hundreds of megabytes. Past the byte budget the oldest held
 * values go first (the entries stay, saying why their value is gone).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/store.js';
import { memoryPanelWall } from '../testing/memory-wall.js';
import { waitFor } from '../testing/harness.js';
import { signal } from '@preact/signals';
import { HeldBudget, HistoryBudget, MEMORY, estimateBytes } from './memory.js';
import type { Change } from './state-history.js';
import type { Held } from './timeline-events.js';
import { Panel } from './panel.js';

const saved = { ...MEMORY };
afterEach(() => Object.assign(MEMORY, saved));

describe('the panel holds values within a byte budget (14.16)', () => {
  it('drops the oldest held values of the timeline and of a state’s history first', async () => {
    MEMORY.timelineBytes = 400_000;
    MEMORY.historyBytes = 400_000;
    const store = new Store({ name: 'memory-store' });
    const big = store.createState('', { key: 'big', scope: 'app' });
    const page = memoryPanelWall();
    const runtime = page.addRuntime({});
    const panel = new Panel({ wall: page.wall });
    panel.start();
    try {
      await waitFor(() => panel.connection.ready);
      // 40 changes of a 10,000-character value (20 kB each as UTF-16): 800 kB of values.
      for (let i = 0; i < 40; i++) {
        big.set(`${i}:`.padEnd(10_000, String.fromCharCode(97 + (i % 26))));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await waitFor(() => panel.timeline.entries.filter((entry) => entry.title.endsWith('big')).length >= 40);
      const held = panel.timeline.entries.flatMap((entry) => entry.held ?? []).filter((item) => item.subject.kind === 'state' && item.subject.key === 'big');
      const kept = held.filter((item) => item.value !== undefined);
      const bytes = kept.reduce((sum, item) => sum + estimateBytes(item.value!), 0);
      expect(bytes).toBeLessThanOrEqual(MEMORY.timelineBytes);
      expect(kept.length).toBeGreaterThan(5);
      // The newest are the ones kept; the dropped ones say why.
      expect(held.at(-1)!.value).toBeDefined();
      expect(held[1]!.value).toBeUndefined();
      expect(held[1]!.unknown).toMatch(/memory/);

      const entry = [...panel.states.stores.flatMap((s) => s.scopes.flatMap((scope) => scope.states))].find((state) => state.key === 'big')!;
      const history = entry.history.peek();
      const historyBytes = history.reduce((sum, change) => sum + estimateBytes(change.before) + estimateBytes(change.after), 0);
      expect(historyBytes).toBeLessThanOrEqual(MEMORY.historyBytes);
      expect(history.length).toBeGreaterThan(3);
      expect(history[0]!.after).toEqual(big.value);
    } finally {
      panel.dispose();
      runtime.remove();
    }
  }, 30_000);
});

describe('under a steady stream, far below the byte budget (issue 18)', () => {
  it('lets go of history steps past a state’s 50 and of timeline values whose entries left', () => {
    const budget = new HistoryBudget();
    const owners = Array.from({ length: 10 }, () => ({ history: signal<Change[]>([]) }));
    for (let i = 0; i < 20_000; i++) {
      const change = { at: i, versions: { from: i, to: i + 1 }, changes: 1, previous: i, before: `v${i}`, after: `v${i + 1}`, redactedBefore: [], redacted: [] } as Change;
      budget.push(owners[i % owners.length]!, change, 50);
    }
    // 500 steps are kept (10 states × 50); the 19,500 forgotten ones, values and all, must not stay referenced.
    expect(owners.every((owner) => owner.history.peek().length === 50)).toBe(true);
    expect(budget.referenced).toBeLessThan(3_000);

    const held = new HeldBudget();
    const window: Held[][] = [];
    for (let i = 0; i < 20_000; i++) {
      const items = [{ value: `value ${i}` } as Held];
      held.hold(items);
      window.push(items);
      // The timeline's 5,000 entries: the oldest leaves as each new one comes.
      if (window.length > 5_000) held.release(window.shift());
    }
    expect(held.referenced).toBeLessThan(12_000);
  });
});
