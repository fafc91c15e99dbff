/**
 * The panel's heap over time (bench/panel-heap.ts drives it): a real panel, mounted over the
 * in-memory wall with the real agent, watches 100 states changed 1,000 times a second (10 sets
 * every 10 ms, each a new ~200-byte value). Every few seconds the page's heap is read after full
 * collections. The panel holds values within its byte budgets (extension/panel/models/memory.ts)
 * and 5,000 timeline entries, so after a warm-up the series should be flat. Panel and page share
 * this heap; the page's part (100 states and the agent) does not grow.
 */
import '../../extension/panel/theme.css';
import { mount } from '../../extension/panel/mount.js';
import { memoryPanelWall } from '../../extension/panel/testing/memory-wall.js';
import { Store } from '../../runtime/store/index.js';
import { random, record } from './data.js';

declare const gc: ((options?: { type: 'major' | 'minor'; execution: 'sync' | 'async' }) => Promise<void> | void) | undefined;

async function heapUsed(): Promise<number> {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (!memory || typeof gc !== 'function') throw new Error('needs --enable-precise-memory-info and --js-flags=--expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, i === 2 ? 120 : 0));
  }
  return memory.usedJSHeapSize;
}

export interface HeapPoint {
  /** Seconds since the changes started. */
  at: number;
  bytes: number;
  /** Changes made so far. */
  changes: number;
}

async function run(seconds: number, every = 5): Promise<HeapPoint[]> {
  const wall = memoryPanelWall();
  const runtime = wall.addRuntime({ name: 'panel-heap' });
  const container = document.createElement('div');
  document.body.append(container);
  const mounted = mount({ wall: wall.wall, container });
  const store = new Store({ name: 'panel-heap' });
  const next = random(11);
  const states = Array.from({ length: 100 }, (_, i) => store.createState(record(i, next), { key: `s${i}`, scope: 'bench' }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const points: HeapPoint[] = [{ at: 0, bytes: await heapUsed(), changes: 0 }];
  let changes = 0;
  const started = performance.now();
  // 10 sets every 10 ms; a late timer catches up, so the rate holds at 1,000 a second.
  const timer = setInterval(() => {
    const due = Math.floor(performance.now() - started);
    while (changes < due) {
      const state = states[changes % states.length]!;
      state.set(record(changes, next));
      changes++;
    }
  }, 10);
  try {
    for (let at = every; at <= seconds; at += every) {
      await new Promise((resolve) => setTimeout(resolve, started + at * 1000 - performance.now()));
      points.push({ at, bytes: await heapUsed(), changes });
    }
  } finally {
    clearInterval(timer);
    mounted.unmount();
    runtime.remove();
    container.remove();
  }
  return points;
}

declare global {
  var __panelHeap: { run: typeof run } | undefined;
}
globalThis.__panelHeap = { run };
