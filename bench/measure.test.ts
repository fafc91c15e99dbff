import { describe, expect, it } from 'vitest';
import { FULL, QUICK, measureCase, more, type Target } from './measure.js';

/** A target whose samples cost nothing: every variant's calls, in order. */
function fakeTarget(calls: string[]): Target {
  return {
    variants: async () => ['ours', 'theirs'],
    setup: async () => undefined,
    teardown: async () => undefined,
    sample: async (_id, variant) => {
      calls.push(variant);
      return 1;
    },
  };
}

describe('bench rounds', () => {
  it('gives a case with quick rounds up to 21 samples a variant, in balanced order', async () => {
    const calls: string[] = [];
    const samples = await measureCase(fakeTarget(calls), 'quick', { kind: 'time', single: true }, ['ours', 'theirs'], FULL);
    expect(samples.get('ours')).toHaveLength(21);
    expect(samples.get('theirs')).toHaveLength(21);
    // After the warm-up (2 each), the order alternates: ours first, then theirs first.
    const rounds = calls.slice(4);
    expect(rounds.slice(0, 4)).toEqual(['ours', 'theirs', 'theirs', 'ours']);
  });

  it('keeps 7 rounds for a case whose rounds take seconds, and adds them in pairs while they fit', () => {
    expect(more(7, 9_000, FULL)).toBe(7);
    expect(more(7, 700, FULL)).toBe(9);
    expect(more(21, 100, FULL)).toBe(21);
  });

  it('never adds rounds to a quick run', () => {
    expect(more(3, 1, QUICK)).toBe(3);
  });
});
