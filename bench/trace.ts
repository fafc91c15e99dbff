/**
 * What recording traces costs (run: `node bench/trace.mjs`). A panel is connected over in-memory
 * walls; `state.set` runs from 20 frames deep (an app's call path), with traces off and on:
 *  - one state set 1,000 times per frame (coalesced: a capture per set, one formatted stack per frame);
 *  - 100 states set once per frame each (a capture and a formatted stack per set);
 *  - `table.put` on a memory database (a capture per operation).
 * Medians of several runs; printed, never asserted. V8 (Node) is Chrome's engine: the same
 * captureStackTrace path runs in the page.
 */
import { openDatabase } from '../runtime/db/database.js';
import { memory } from '../runtime/db/providers/memory.js';
import { startAgent } from '../runtime/devtools/agent/index.js';
import { PanelBridge } from '../runtime/protocol/bridge.js';
import { memoryWalls } from '../runtime/protocol/memory-wall.js';
import { Command, PROTOCOL_VERSION } from '../runtime/protocol/messages.js';
import { Store } from '../runtime/store/store.js';

const DEPTH = 20;
const RUNS = 9;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeAsync(fn: () => Promise<void> | void): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Runs `fn` from DEPTH frames down, as an app's handler would be. */
function deep(depth: number, fn: () => void): void {
  if (depth === 0) fn();
  else deep(depth - 1, fn);
}

export async function main(): Promise<void> {
  const [pageWall, panelWall] = memoryWalls();
  let flush: (() => void) | undefined;
  startAgent({
    wall: pageWall,
    info: { id: 'rt-bench', name: 'bench', frame: { url: 'about:blank', top: true, title: '' }, protocol: PROTOCOL_VERSION, version: 'dev' },
    schedule: (run) => ((flush = run), () => (flush = undefined)),
  });
  const panel = new PanelBridge({ wall: panelWall, client: 'bench', schedule: (run) => (queueMicrotask(run), () => {}) });
  panel.target = 'rt-bench';
  const frame = () => {
    const run = flush;
    flush = undefined;
    run?.();
  };
  const settle = async <T>(promise: Promise<T>): Promise<T> => {
    await Promise.resolve();
    frame();
    return promise;
  };

  const store = new Store({ name: 'bench' });
  const one = store.createState(0, { key: 'one', scope: 'app' });
  const many = Array.from({ length: 100 }, (_, i) => store.createState(0, { key: `s${i}`, scope: 'app' }));
  const db = await openDatabase('bench-trace', { version: 1, tables: { rows: { key: 'id' } }, provider: memory() });
  const rows = db.table('rows');
  await settle(panel.hello());
  await new Promise((resolve) => setTimeout(resolve, 5));
  frame();

  const coalesced = () =>
    deep(DEPTH, () => {
      for (let f = 0; f < 20; f++) {
        for (let i = 0; i < 1000; i++) one.set(one.value + 1);
        frame();
      }
    });
  const distinct = () =>
    deep(DEPTH, () => {
      for (let f = 0; f < 200; f++) {
        for (const state of many) state.set(state.value + 1);
        frame();
      }
    });
  let next = 0;
  const puts = async () => {
    for (let i = 0; i < 500; i++) await rows.put({ id: next++ % 1000, v: i });
    frame();
  };

  const cases: [string, () => Promise<void> | void, number][] = [
    ['state.set, one state ×1,000 per frame', coalesced, 20_000],
    ['state.set, 100 states once per frame', distinct, 20_000],
    ['table.put (memory provider)', puts, 500],
  ];
  console.log(`node ${process.version}; call depth ${DEPTH}; median of ${RUNS} runs`);
  console.log('case                                      off µs/op   on µs/op   on/off');
  const ratios: number[] = [];
  for (const [name, run, ops] of cases) {
    await settle(panel.request(Command.trace, { enabled: false }));
    const off = await timeAsync(run);
    await settle(panel.request(Command.trace, { enabled: true }));
    const on = await timeAsync(run);
    await settle(panel.request(Command.trace, { enabled: false }));
    const ratio = on / off;
    ratios.push(ratio);
    const us = (ms: number) => ((ms * 1000) / ops).toFixed(2).padStart(9);
    console.log(`${name.padEnd(40)} ${us(off)}  ${us(on)}   ×${ratio.toFixed(1)}`);
  }
  panel.shutdown();
}
