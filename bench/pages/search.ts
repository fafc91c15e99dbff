/**
 * Search (issue 22): the agent searches 10,000 states and a 100,000-row IndexedDB table for a
 * text found in one row, driven by an in-page peer the way the panel drives it (one `search`
 * command after another, each answer's cursor in the next). Two figures per variant: the time
 * to the last answer, and the longest frame the page had meanwhile (PerformanceObserver
 * 'long-animation-frame' where Chromium has it, else the longest gap between animation frames).
 * The limit is what a search without slicing costs: idb getAll of the table and the states'
 * values searched as JSON text in one go.
 */
import { openDB } from 'idb';
import { openDatabase } from '../../runtime/db/index.js';
import { Command } from '../../runtime/protocol/messages.js';
import type { SearchRequest } from '../../runtime/protocol/power.js';
import { configureDevtools, Store } from '../../runtime/store/index.js';
import { bench, type Variant } from '../harness.js';
import { connect, type Connected } from './peer.js';

configureDevtools({ name: 'bench-search' });

const ROWS = 100_000;
const STATES = 10_000;
const NEEDLE = 'zebra crossing';

const store = new Store({ name: 'bench-search' });
for (let i = 0; i < STATES; i++) store.createState({ id: i, label: `item ${i}`, tags: ['a', 'b'], done: i % 2 === 0 }, { key: `item-${i}`, scope: 'bench' });

let ready: Promise<void> | undefined;
let peer: Connected | undefined;

function fill(): Promise<void> {
  return (ready ??= (async () => {
    const db = await openDatabase('bench-search', { version: 1, tables: { notes: { key: 'id' } } });
    if ((await db.table('notes').count()) !== ROWS) {
      await db.table('notes').clear();
      for (let from = 0; from < ROWS; from += 10_000) {
        const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: from + i, title: from + i === 77_777 ? `a ${NEEDLE}` : `note ${from + i}`, stars: (from + i) % 5 }));
        await db.table('notes').bulkPut(rows);
      }
    }
    peer = await connect('bench-search-peer', 30_000);
  })());
}

declare const gc: (() => void) | undefined;

/**
 * The longest frame while `work` runs, in ms: the longest gap between animation frames (a frame
 * cannot start while a task holds the main thread), or a long-animation-frame entry if one is
 * longer (those exist only past 50 ms).
 */
async function longestFrame(work: () => Promise<unknown>): Promise<{ ms: number; frame: number }> {
  let longest = 0;
  const supported = PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame');
  const observer = supported ? new PerformanceObserver((list) => list.getEntries().forEach((entry) => (longest = Math.max(longest, entry.duration)))) : undefined;
  observer?.observe({ type: 'long-animation-frame' });
  let last = -1;
  let running = true;
  const tick = (now: number) => {
    if (last >= 0) longest = Math.max(longest, now - last);
    last = now;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  running = false;
  // Long-animation-frame entries arrive after the frame: one more frame lets them in.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  observer?.disconnect();
  return { ms, frame: longest };
}

async function agentSearch(): Promise<number> {
  let cursor: SearchRequest['cursor'];
  let found = 0;
  do {
    const result = await peer!.bridge.request(Command.search, { query: NEEDLE, mode: 'text', room: 500, ...(cursor && { cursor }) });
    found += result.matches.length;
    cursor = result.cursor ?? undefined;
  } while (cursor);
  if (found !== 1) throw new Error(`the search found ${found} matches, not 1`);
  return found;
}

async function unsliced(): Promise<number> {
  const db = await openDB('bench-search');
  const rows = (await db.getAll('notes')) as unknown[];
  db.close();
  let found = 0;
  // One synchronous pass, as a search without slicing would make it.
  for (const state of store.states()) if (JSON.stringify(state.value).includes(NEEDLE)) found++;
  for (const row of rows) if (JSON.stringify(row).includes(NEEDLE)) found++;
  if (found !== 1) throw new Error(`the unsliced search found ${found} matches, not 1`);
  return found;
}

function variant(work: () => Promise<number>, figure: 'ms' | 'frame'): Variant {
  return {
    setup: fill,
    // The other variant's garbage (100,000 rows read at once) is collected here, not in the next sample.
    before: () => gc?.(),
    async timed() {
      const measured = await longestFrame(work);
      return measured[figure];
    },
  };
}

bench('search.time', { variants: { stratum: variant(agentSearch, 'ms'), unsliced: variant(unsliced, 'ms') } });
bench('search.frame', { variants: { stratum: variant(agentSearch, 'frame'), unsliced: variant(unsliced, 'frame') } });
