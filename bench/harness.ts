/**
 * The side of the bench that runs where the code under test runs (a Chromium page, or node
 * for the SQLite rows). A suite registers cases; each case has variants (ours, the peers, the
 * limit) that the driver samples one after another, alternating, through `globalThis.__bench`.
 * Nothing here decides how often to sample or what a figure means: that is the driver's job.
 */

export interface Variant {
  /** Untimed, once, before the first sample of this variant (open a database, fill a table). */
  setup?(): unknown;
  /** Untimed, before every sample (clear the table that a bulkPut then fills). */
  before?(): unknown;
  /** Timed by the harness: `n` iterations of a throughput case, or the one operation of a time case. */
  run?(n: number): unknown;
  /** Times itself and returns milliseconds (render and latency cases, whose end is an event). */
  timed?(n: number): Promise<number> | number;
  /** Untimed, once, after the last sample. */
  teardown?(): unknown;
}

export interface Case {
  variants: Record<string, Variant>;
  /** Untimed, once, before any variant's setup (shared data). */
  setup?(): unknown;
}

export interface BenchApi {
  cases(): string[];
  variants(id: string): string[];
  setup(id: string): Promise<void>;
  /** Milliseconds that `n` iterations (or one operation) of the variant took. */
  sample(id: string, variant: string, n: number): Promise<number>;
  teardown(id: string): Promise<void>;
}

declare global {
  // The driver's handle: page.evaluate(() => __bench.sample(...)) in Chromium, a plain call in node.
  var __bench: BenchApi | undefined;
}

const cases = new Map<string, Case>();

/** Registers a case under the id the driver's row table names. */
export function bench(id: string, definition: Case): void {
  if (cases.has(id)) throw new Error(`bench case ${id} is registered twice`);
  cases.set(id, definition);
}

function find(id: string): Case {
  const found = cases.get(id);
  if (!found) throw new Error(`no bench case ${id} in this suite (it has: ${[...cases.keys()].join(', ')})`);
  return found;
}

function variant(id: string, name: string): Variant {
  const found = find(id).variants[name];
  if (!found) throw new Error(`bench case ${id} has no variant ${name}`);
  return found;
}

const api: BenchApi = {
  cases: () => [...cases.keys()],
  variants: (id) => Object.keys(find(id).variants),
  async setup(id) {
    const definition = find(id);
    await definition.setup?.();
    for (const each of Object.values(definition.variants)) await each.setup?.();
  },
  async sample(id, name, n) {
    const each = variant(id, name);
    await each.before?.();
    if (each.timed) return each.timed(n);
    if (!each.run) throw new Error(`bench case ${id} variant ${name} has neither run nor timed`);
    const started = performance.now();
    await each.run(n);
    return performance.now() - started;
  },
  async teardown(id) {
    for (const each of Object.values(find(id).variants)) await each.teardown?.();
  },
};

globalThis.__bench = api;

/** Waits for the next frame to be painted (requestAnimationFrame, then a task after it). */
export function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** A value the optimiser cannot prove unused: benchmarks write their results here. */
export const sink: { value: unknown } = { value: undefined };
