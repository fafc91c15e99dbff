/**
 * How a case is sampled: a warm-up that also sizes each throughput sample, then rounds in which
 * every variant runs once, the order reversed every other round (ours, a, b, b, a, ours, …) so
 * that a machine getting slower or faster during the run weighs on every variant alike.
 * A case whose rounds are quick takes more of them (up to `maxRounds`, within `caseBudgetMs`):
 * the median of 7 one-click samples flipped with which of two modes held 4 of them (issue 18,
 * twelfth pass), while a bulkPut or a transact, seconds a round, keeps the 7 it had.
 */
import type { Kind } from './rows.js';

/** Where a suite runs: a Chromium page (through page.evaluate) or this node process. */
export interface Target {
  variants(id: string): Promise<string[]>;
  setup(id: string): Promise<void>;
  sample(id: string, variant: string, n: number): Promise<number>;
  teardown(id: string): Promise<void>;
}

export interface Plan {
  /** Samples per variant of a throughput or time case, at least. */
  rounds: number;
  /** At most, for a case whose rounds fit `caseBudgetMs`: more rounds go in pairs (the order stays balanced, the count odd). */
  maxRounds: number;
  /** The time a case's rounds may take (after its warm-up) before it stops adding rounds. */
  caseBudgetMs: number;
  /** Warm-up samples per variant of a time case (a throughput case warms up while it sizes). */
  warmup: number;
  /** How long one throughput sample should take, in ms. */
  sampleMs: number;
  /** Samples per variant of a latency case (each sample is one change). */
  latencySamples: number;
}

export const FULL: Plan = { rounds: 7, maxRounds: 21, caseBudgetMs: 10_000, warmup: 2, sampleMs: 60, latencySamples: 200 };
export const QUICK: Plan = { rounds: 3, maxRounds: 3, caseBudgetMs: 0, warmup: 1, sampleMs: 20, latencySamples: 40 };

/**
 * Per variant, the samples in the row's unit: ops/s for throughput, ms for time and latency.
 * The variants come in the order given (ours first); each is sampled between the others.
 */
export async function measureCase(
  target: Target,
  id: string,
  { kind, single }: { kind: Kind; single?: boolean },
  variants: string[],
  plan: Plan,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(variants.map((name) => [name, []]));
  const iterations = new Map<string, number>();
  // A fast operation is repeated until a sample outlasts the timer's coarse resolution
  // (Chromium rounds performance.now() to 100 µs without cross-origin isolation).
  const sized = kind === 'throughput' || (kind === 'time' && !single);
  await target.setup(id);
  try {
    for (const name of variants) {
      if (sized) iterations.set(name, await size(target, id, name, plan.sampleMs));
      else for (let i = 0; i < plan.warmup; i++) await target.sample(id, name, 1);
    }
    let rounds = kind === 'latency' ? plan.latencySamples : plan.rounds;
    const started = performance.now();
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const name of order) {
        const n = iterations.get(name) ?? 1;
        const ms = await target.sample(id, name, n);
        samples.get(name)!.push(kind === 'throughput' ? (n / ms) * 1000 : ms / n);
      }
      if (round === rounds - 1 && kind !== 'latency') rounds = more(rounds, performance.now() - started, plan);
    }
  } finally {
    await target.teardown(id);
  }
  return samples;
}

/** The round count after `rounds` took `elapsed` ms: two more while they fit the case's budget. */
export function more(rounds: number, elapsed: number, plan: Plan): number {
  const perRound = elapsed / rounds;
  return rounds + 2 <= plan.maxRounds && elapsed + 2 * perRound <= plan.caseBudgetMs ? rounds + 2 : rounds;
}

/**
 * Grows the iteration count (from 1: one operation may already be long) until one sample takes `sampleMs`.
 * The runs it takes are the warm-up: by the end the JIT has seen the loop many times.
 */
async function size(target: Target, id: string, variant: string, sampleMs: number): Promise<number> {
  let n = 1;
  for (let attempt = 0; attempt < 40; attempt++) {
    const ms = await target.sample(id, variant, n);
    if (ms >= sampleMs) {
      // One more at the final size, so the first kept sample is not the first at this size.
      await target.sample(id, variant, n);
      return n;
    }
    const factor = ms <= 0.5 ? 10 : Math.min(10, Math.max(1.5, (sampleMs * 1.1) / ms));
    n = Math.ceil(n * factor);
  }
  throw new Error(`${id} ${variant} never took ${sampleMs} ms per sample: is it doing any work?`);
}
