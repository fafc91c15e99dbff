import { describe, expect, it } from 'vitest';
import { median, quantile, spread } from './stats.js';
import { costRatio, formatTable, type RowResult } from './table.js';

describe('bench statistics', () => {
  it('takes the median of an odd and an even count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('interpolates quantiles between the nearest samples', () => {
    expect(quantile([10, 20, 30, 40, 50], 0.99)).toBeCloseTo(49.6);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('measures spread as the interquartile range over the median, deaf to one outlier', () => {
    expect(spread([100, 100, 100, 100, 100])).toBe(0);
    expect(spread([90, 95, 100, 105, 110])).toBeCloseTo(0.1);
    expect(spread([90, 95, 100, 105, 10_000])).toBeCloseTo(0.1);
  });

  it('refuses to summarise no samples', () => {
    expect(() => median([])).toThrow(/no samples/);
  });
});

describe('bench table', () => {
  it('turns ops/s into a cost ratio, so below 1 always means we are ahead', () => {
    expect(costRatio('throughput', 200, 100)).toBe(0.5);
    expect(costRatio('time', 200, 100)).toBe(2);
    expect(costRatio('size', 1000, 2000)).toBe(0.5);
  });

  it('says who is ahead in words, and shows a missing row with its reason', () => {
    const figure = (value: number) => ({ value, spread: 0.05, samples: [value] });
    const rows: RowResult[] = [
      {
        id: 'a', group: 'G', title: 'fast', kind: 'throughput', unit: 'ops/s',
        ours: { label: 'stratum', figure: figure(2e6) },
        peers: [{ label: 'peer', limit: false, figure: figure(1e6), ratio: 0.5 }],
      },
      { id: 'b', group: 'G', title: 'missing', kind: 'time', unit: 'ms', ours: { label: 'stratum' }, peers: [], unavailable: 'no module' },
    ];
    const table = formatTable(rows);
    expect(table).toContain('2.00 M/s');
    expect(table).toContain('2.00× faster');
    expect(table).toContain('not available: no module');
  });
});
