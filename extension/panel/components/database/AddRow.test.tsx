// @vitest-environment happy-dom
/**
 * Add row on a table whose keys are out of line (an object store localForage or idb-keyval made):
 * the form asks for the key, and the row goes there. In a file of its own: the IndexedDB provider
 * needs fake-indexeddb's globals for the whole file, where DatabaseTab.test.tsx runs on memory().
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import { openDatabase } from '#runtime/db/index.js';
import { makeLegacyDatabase } from '../../../../test/helpers/out-of-line-idb.js';
import { click, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

it('adds a row to a table whose keys are out of line at the key typed beside it, and says so when none is given', async () => {
  await makeLegacyDatabase(indexedDB, 'kv-db');
  const db = await openDatabase('kv-db', { version: 1, tables: { notes: { key: 'id' } } });
  const legacy = db.table('legacy');
  h = setup();
  click(await h.wait('tab-database'));
  click(await h.wait('database-item', { name: 'kv-db' }));
  click(await h.wait('table-item', { table: 'legacy' }, await h.wait('database-item', { name: 'kv-db' })));
  await h.wait('table-view', { table: 'legacy' });
  click(h.get('row-new'));
  // One way to write: at the key typed (a row already there is a conflict, as Put's is).
  expect(h.find('row-put')).toBeNull();
  type(await h.wait('add-row-json'), '{"tag": "c", "text": "added in the panel"}');
  click(h.get('row-add'));
  expect(text(await h.wait('add-row-error'))).toMatch(/out of line.*give the new row a key — nothing was written/);
  expect(await legacy.count()).toBe(3);
  // Text that is not JSON is a string key, as localForage's keys are.
  type(h.get('add-row-key'), 'k4');
  click(h.get('row-add'));
  await waitFor(async () => (await legacy.get('k4')) !== undefined);
  expect(await legacy.get('k4')).toEqual({ tag: 'c', text: 'added in the panel' });
  await h.wait('row-editor', { key: '"k4"' });
  expect(await legacy.count()).toBe(4);
  db.close();
});
