import { describe, expect, it } from 'vitest';
import { pooled } from './main.js';
import type { Row } from './rows.js';
import { costRatio, figureOf, type RowResult } from './table.js';

const row = {
  id: 'state.set.panel',
  suite: 'state-panel',
  case: 'state.set.panel',
  group: '1 State updates',
  title: 'set, panel connected',
  kind: 'throughput',
  ours: { variant: 'connected', label: 'stratum + panel' },
  peers: [{ variant: 'idle', label: 'stratum, no panel (overhead)' }],
} as unknown as Row;

/** One load's result, as runSuite gives it. */
function load(ours: number[], idle: number[]): RowResult {
  const mine = figureOf(ours);
  const theirs = figureOf(idle);
  return {
    id: row.id,
    group: row.group,
    title: row.title,
    kind: 'throughput',
    unit: 'ops/s',
    ours: { label: 'stratum + panel', figure: mine },
    peers: [{ label: 'stratum, no panel (overhead)', limit: false, figure: theirs, ratio: costRatio('throughput', mine.value, theirs.value) }],
  };
}

describe('a suite run in several loads', () => {
  it('takes the figures and the ratio over every load’s samples together, not one load’s', () => {
    // A load where V8 optimised the watched copy badly (2× slower), and two where it did not.
    const result = pooled(row, [load([5, 5, 5], [10, 10, 10]), load([10, 10, 10], [10, 10, 10]), load([10, 10, 10], [10, 10, 10])]);
    expect(result.ours.figure!.samples).toHaveLength(9);
    expect(result.ours.figure!.value).toBe(10);
    expect(result.peers[0]).toMatchObject({ ratio: 1 });
    expect(result.ours.figure!.spread).toBeGreaterThan(0);
  });

  it('is the load itself when there is one, and unavailable when a load failed', () => {
    const one = load([5], [10]);
    expect(pooled(row, [one])).toBe(one);
    const failed: RowResult = { ...one, ours: { label: one.ours.label }, unavailable: 'the page crashed' };
    expect(pooled(row, [one, failed]).unavailable).toBe('the page crashed');
  });
});
