// @vitest-environment happy-dom
/**
 * The Search tab against the real agent: a click on a hit opens its tab with the hit's entry
 * selected, its value open down to the match and its row scrolled into view.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memory, openDatabase } from '#runtime/db/index.js';
import { MAX_PAGE } from '#protocol/limits.js';
import { click, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
  vi.restoreAllMocks();
});

async function search(harness: Harness, query: string): Promise<void> {
  click(await harness.wait('tab-search'));
  type(await harness.wait('search-input'), query);
  // Preact renders the typed query on its next tick; the button is enabled from then.
  const run = harness.get('search-run');
  await waitFor(() => !run.hasAttribute('disabled'));
  click(run);
  await waitFor(() => harness.get('search-progress', { state: 'done' }), 20_000);
}

describe('Search tab', () => {
  it("opens a hit in a database's Cache layout with its entry selected, open down to the match and scrolled into view, past the first page", async () => {
    const db = await openDatabase('search-cache-db', { version: 1, tables: { notes: { key: 'id' } }, cache: true, provider: memory() });
    // More entries than one listing page, the hit among the last: the first page alone does not hold it.
    const hit = MAX_PAGE + 50;
    for (let i = 0; i < MAX_PAGE + 100; i++) await db.cache.set(`k${String(i).padStart(5, '0')}`, i === hit ? { note: 'a zebra here' } : { note: `entry ${i}` });
    const key = JSON.stringify(`k${String(hit).padStart(5, '0')}`);
    h = setup();
    await search(h, 'zebra');
    const scrolled: Element[] = [];
    vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function (this: Element) {
      scrolled.push(this);
    });
    click(h.get('search-result', { kind: 'row' }));
    const row = await h.wait('cache-row', { key });
    await waitFor(() => row.classList.contains('selected'));
    // The entry's value (not the whole `$cache` row) is open in the editor, down to the matched field.
    const view = await h.wait('value-view');
    await waitFor(() => text(view.querySelector('[data-path=\'["note"]\']')).includes('zebra'));
    await waitFor(() => scrolled.includes(row));
  });
});
