/**
 * A search resumes after the last thing it read, by name (search.ts): what goes away between two
 * calls makes it neither skip nor repeat anything else. A file of its own, so the registry holds
 * only these tests' instances: every call here reads one value (the clock is moved past the
 * call's budget on every read), and search.test.ts's databases would make that thousands of calls.
 */
import { describe, expect, it, vi } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import type { SearchRequest, SearchResult } from '../../../protocol/power.js';
import { Command } from '../../../protocol/messages.js';
import { unregister } from '../../../registry/registry.js';
import { Store } from '../../../store/store.js';
import { webstorage } from '../../../webstorage/index.js';

describe('search resumes by name', () => {
  it('neither skips nor repeats a webstorage key removed between two calls', async () => {
    const storage = webstorage('memory', { namespace: 'search-skip' });
    for (const key of ['k1', 'k2', 'k3', 'k4']) storage.set(key, `needle ${key}`);
    const t = kit();
    await t.hello();
    // Every pause ends the call: one value per call.
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => (now += 1000));
    try {
      const found: string[] = [];
      let cursor: SearchRequest['cursor'];
      let removed = false;
      do {
        const result: SearchResult = await t.call(Command.search, { query: 'needle', mode: 'text', room: 100, ...(cursor && { cursor }) });
        for (const match of result.matches) if (match.target.kind === 'webstorage' && match.group.endsWith('search-skip')) found.push(match.name);
        cursor = result.cursor ?? undefined;
        if (!removed && found.includes('k2')) {
          storage.remove('k1');
          removed = true;
        }
      } while (cursor);
      expect(found).toEqual(['k1', 'k2', 'k3', 'k4']);
    } finally {
      spy.mockRestore();
    }
  });

  /** Searches one value per call (every pause ends the call), running `between` after each call. */
  async function oneAtATime(t: ReturnType<typeof kit>, query: string, between: (found: string[]) => void | Promise<void>): Promise<string[]> {
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => (now += 1000));
    try {
      const found: string[] = [];
      let cursor: SearchRequest['cursor'];
      do {
        const result: SearchResult = await t.call(Command.search, { query, mode: 'text', room: 100, pageSize: 1, ...(cursor && { cursor }) });
        for (const match of result.matches) found.push(match.name);
        cursor = result.cursor ?? undefined;
        await between(found);
      } while (cursor);
      return found;
    } finally {
      spy.mockRestore();
    }
  }

  it('neither skips nor repeats a state when an earlier one is deleted between two calls', async () => {
    const store = new Store({ name: 'search-states' });
    for (const key of ['s1', 's2', 's3', 's4']) store.createState(`quokka ${key}`, { key, scope: 'app' });
    const t = kit();
    await t.hello();
    let deleted = false;
    const found = await oneAtATime(t, 'quokka', (found) => {
      if (!deleted && found.includes('s2')) {
        store.deleteState({ key: 's1', scope: 'app' });
        deleted = true;
      }
    });
    expect(found).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('neither skips nor repeats a store, a database or a table when an earlier one goes away between two calls', async () => {
    const first = new Store({ name: 'search-first' });
    first.createState('wombat a', { key: 'a', scope: 'app' });
    const second = new Store({ name: 'search-second' });
    second.createState('wombat b', { key: 'b', scope: 'app' });
    const rows = (from: number) => [{ id: from, text: 'wombat' }, { id: from + 1, text: 'wombat' }];
    const d1 = await openDatabase('search-d1', { version: 1, tables: { t: { key: 'id' } }, provider: memory() });
    await d1.table('t').bulkPut(rows(10));
    const d2 = await openDatabase('search-d2', { version: 1, tables: { t1: { key: 'id' }, t2: { key: 'id' }, t3: { key: 'id' } }, provider: memory() });
    for (const [table, from] of [['t1', 20], ['t2', 30], ['t3', 40]] as const) await d2.table(table).bulkPut(rows(from));
    const d3 = await openDatabase('search-d3', { version: 1, tables: { t: { key: 'id' } }, provider: memory() });
    await d3.table('t').bulkPut(rows(50));
    const t = kit();
    await t.hello();
    const tables = d2.tables.bind(d2);
    const gone = new Set<string>();
    const found = await oneAtATime(t, 'wombat', (found) => {
      if (!gone.has('store') && found.includes('a')) {
        // A store the app let go of (collected, or stopped): the registry no longer lists it.
        unregister(first);
        gone.add('store');
      }
      if (!gone.has('database') && found.includes('20')) {
        unregister(d1);
        gone.add('database');
      }
      if (!gone.has('table') && found.includes('30')) {
        // t1 dropped by an upgrade in another tab: the database lists the tables it has now.
        vi.spyOn(d2, 'tables').mockImplementation(() => tables().filter((table) => table.name !== 't1'));
        gone.add('table');
      }
    });
    expect(gone.size).toBe(3);
    expect(found).toEqual(['a', 'b', '10', '11', '20', '21', '30', '31', '40', '41', '50', '51']);
  });
});
