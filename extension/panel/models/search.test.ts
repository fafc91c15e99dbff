/**
 * The Search tab's model (issue 22): one search is the query, mode and case it started with,
 * whatever the toolbar says while its slices are still being asked for.
 */
import { describe, expect, it } from 'vitest';
import type { SearchRequest, SearchResult } from '#protocol/power.js';
import type { Connection } from './connection.js';
import { SearchModel } from './search.js';
import type { Ui } from './ui.js';

describe('SearchModel', () => {
  it('asks every slice of one search with the mode and case it started with', async () => {
    const requests: SearchRequest[] = [];
    let release!: () => void;
    const connection = {
      request: async (_command: string, request: SearchRequest): Promise<SearchResult> => {
        requests.push(request);
        if (requests.length === 1) await new Promise<void>((resolve) => (release = resolve));
        const last = requests.length === 2;
        return { matches: [], over: 0, cursor: last ? null : { stage: 0, item: 1, scanned: 1, total: 2 }, scanned: requests.length, total: 2, where: last ? 'done' : 'states' };
      },
    } as unknown as Connection;
    const ui = { run: (work: () => Promise<unknown>) => work() } as unknown as Ui;
    const search = new SearchModel(connection, ui, {} as never);
    search.query.value = 'Zebra';
    const done = search.start();
    // The user changes the toolbar while the first slice is out.
    search.mode.value = 'regex';
    search.caseSensitive.value = true;
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    await done;
    expect(requests.map((request) => [request.query, request.mode, request.caseSensitive])).toEqual([
      ['Zebra', 'text', false],
      ['Zebra', 'text', false],
    ]);
  });
});
