/**
 * Figures for the closing note, in happy-dom (the lead measures the real ones in
 * Chromium): time from mount to the first snapshot rendered with 10,000 states, and rows per
 * second while scrolling a 100,000-row table (loading pages from the agent, then over pages
 * already loaded). Printed, never asserted: happy-dom's speed says little about a browser's.
 */
import { Blob as NodeBlob } from 'node:buffer';
import { afterAll, expect, it } from 'vitest';
import { memory, openDatabase } from '#runtime/db/index.js';
import { Store } from '#runtime/store/store.js';
import { click, setup, waitFor, type Harness } from './harness.js';

Object.assign(globalThis, { Blob: NodeBlob });
const figures: string[] = [];
afterAll(() => console.log(`\n${figures.join('\n')}\n`));

it('mount → first snapshot rendered, 10,000 states', async () => {
  const store = new Store({ name: 'measure-10k' });
  for (let i = 0; i < 10_000; i++) store.createState({ i, label: `state ${i}` }, { key: `k${i}`, scope: `scope-${i % 10}` });
  const started = performance.now();
  const h = setup();
  await until(() => h.find('state-row', { store: 'measure-10k' }));
  const elapsed = performance.now() - started;
  expect(h.all('state-row').length).toBeLessThan(100);
  figures.push(`mount → first snapshot rendered (10,000 states): ${elapsed.toFixed(0)} ms (${h.all('state-row').length} rows in the DOM)`);
  h.close();
});

/** Waits for a condition, checking after every macrotask (waitFor's 5 ms polling would dominate). */
async function until(check: () => unknown): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > 30_000) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function scrollThrough(h: Harness, grid: HTMLElement, from: number, rows: number, step: number): Promise<number> {
  const started = performance.now();
  let shown = 0;
  for (let first = from; first < from + rows; first += step) {
    grid.scrollTop = first * 20;
    grid.dispatchEvent(new Event('scroll'));
    await until(() => h.find('row', { index: String(first) }) && h.find('row', { index: String(first + step - 1) }));
    shown += step;
  }
  return (shown / (performance.now() - started)) * 1000;
}

it('scrolling a 100,000-row table', async () => {
  const db = await openDatabase('measure-100k', { version: 1, tables: { rows: { key: 'id', indexes: { byGroup: 'group' } } }, provider: memory() });
  await db.table('rows').bulkPut(Array.from({ length: 100_000 }, (_, i) => ({ id: i, group: i % 100, name: `row ${i}`, at: i * 1000 })));
  const h = setup();
  click(await h.wait('tab-database'));
  click(await h.wait('database-item', { name: 'measure-100k' }));
  click(await h.wait('table-item', { table: 'rows' }));
  const grid = await h.wait('row-grid');
  await waitFor(() => h.find('row', { index: '0' }));
  const screen = 24;

  const loading = await scrollThrough(h, grid, 50_000, 10_000, screen);
  const cached = await scrollThrough(h, grid, 50_000, 10_000, screen);
  figures.push(`scrolling 100,000 rows, a screen (${screen} rows) per step: ${loading.toFixed(0)} rows/s loading pages from the agent, ${cached.toFixed(0)} rows/s over loaded pages`);
  expect(h.all('row').length).toBeLessThan(100);
  h.close();
});
