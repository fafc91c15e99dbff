// @vitest-environment happy-dom
import { Blob as NodeBlob, File as NodeFile } from 'node:buffer';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { indexedDB as fakeIndexedDB } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memory, openDatabase } from '#runtime/db/index.js';
import { configureDevtools } from '#runtime/registry/registry.js';
import { check, click, press, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
// The memory provider keeps structured clones, and happy-dom's Blob does not survive
// structuredClone (Node's does, as a browser's does): blobs in these tests are Node's.
const domBlob = { Blob: globalThis.Blob, File: globalThis.File };
// The panel's own stylesheet: a column's width reaches its cells through theme.css's rules.
// (From the repository's root, vitest's working directory: happy-dom's import.meta.url is not a file.)
const theme = readFileSync(path.resolve('extension/panel/theme.css'), 'utf8');
beforeEach(() => {
  Object.assign(globalThis, { Blob: NodeBlob, File: NodeFile });
  const style = document.createElement('style');
  style.dataset.testid = 'theme';
  style.textContent = theme;
  document.head.append(style);
});
afterEach(() => {
  document.head.querySelector('[data-testid="theme"]')?.remove();
  h?.close();
  Object.assign(globalThis, domBlob);
  vi.restoreAllMocks();
});

interface Note {
  id?: number;
  tag: string;
  text: string;
}

async function notesDb(name: string, rows = 1000) {
  const db = await openDatabase(name, {
    version: 3,
    tables: { notes: { key: 'id', autoIncrement: true, indexes: { byTag: 'tag' } } },
    cache: true,
    blobs: true,
    provider: memory(),
  });
  await db.table('notes').bulkPut(Array.from({ length: rows }, (_, i) => ({ id: i + 1, tag: i % 2 ? 'odd' : 'even', text: `note ${i + 1}` })));
  return db;
}

async function openTable(name: string, table = 'notes') {
  h = setup();
  click(await h.wait('tab-database'));
  click(await h.wait('database-item', { name }));
  const item = await h.wait('database-item', { name });
  click(await h.wait('table-item', { table }, item));
  await h.wait('table-view', { table });
  return h;
}

describe('Database tab', () => {
  it('describes databases and tables: provider, version, persistence, key path, indexes, count', async () => {
    await notesDb('describe-db', 10);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'describe-db' }));
    const item = await h.wait('database-item', { name: 'describe-db' });
    expect(text(h.get('database-provider', {}, item))).toBe('memory');
    expect(text(h.get('database-version', {}, item))).toBe('v3');
    expect(text(h.get('database-persistent', {}, item))).toBe('memory only');
    const notes = await h.wait('table-item', { table: 'notes' }, item);
    expect(text(h.get('table-count', {}, notes))).toBe('10');
    expect(text(notes)).toMatch(/key id · autoIncrement · indexes: byTag \(tag\)/);
    expect(text(h.get('table-item', { table: '$cache' }, item))).toContain('internal');
  });

  it('a field named value shows that field, not the whole row', async () => {
    const db = await openDatabase('pairs-db', { version: 1, tables: { pairs: { key: 'key' } }, provider: memory() });
    await db.table('pairs').bulkPut([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
    const h = await openTable('pairs-db', 'pairs');
    await waitFor(() => text(h.get('row-total')).startsWith('2 rows'));
    const cells = h.all('row-cell').filter((cell) => cell.dataset.column === 'value');
    expect(cells.map(text)).toEqual(['1', '2']);
  });

  it('columns named like Object.prototype members keep their widths, and the rows their width', async () => {
    const db = await openDatabase('proto-db', { version: 1, tables: { odd: { key: 'id' } }, provider: memory() });
    await db.table('odd').bulkPut([{ id: 1, constructor: 'x', toString: 'y', valueOf: 'z' }]);
    const h = await openTable('proto-db', 'odd');
    await waitFor(() => text(h.get('row-total')).startsWith('1 row'));
    const grid = h.container.querySelector<HTMLElement>('.row-grid')!;
    expect(grid.style.getPropertyValue('--row-width')).toMatch(/^\d+px$/);
    for (const column of ['constructor', 'toString', 'valueOf']) {
      expect(getComputedStyle(h.get('column-head', { column })).flexBasis).toMatch(/^\d+px$/);
    }
  });

  it('gives the key and each of the twelve columns a table can show its width, in its head and in every cell below it', async () => {
    // `id` and 14 fields: the grid shows the first twelve (id, field0 … field10).
    const fields = Array.from({ length: 14 }, (_, i) => `field${i}`);
    const db = await openDatabase('wide-db', { version: 1, tables: { wide: { key: 'id' } }, provider: memory() });
    await db.table('wide').bulkPut([1, 2].map((id) => ({ id, ...Object.fromEntries(fields.map((field, i) => [field, 'x'.repeat(i * 3 + 1)])) })));
    const h = await openTable('wide-db', 'wide');
    await h.wait('row', { key: '2' });
    const heads = h.all('column-head');
    expect(heads).toHaveLength(12);
    const basis = (cell: HTMLElement) => getComputedStyle(cell).flexBasis;
    for (const head of heads) {
      expect(basis(head)).toMatch(/^\d+px$/);
      const cells = h.all('row-cell').filter((cell) => cell.dataset.column === head.dataset.column);
      expect(cells.map(basis)).toEqual([basis(head), basis(head)]);
    }
    const key = h.container.querySelector<HTMLElement>('.grid-head .cell.key')!;
    expect(basis(key)).toMatch(/^\d+px$/);
    expect(h.all('row-key').map(basis)).toEqual([basis(key), basis(key)]);
    // Sized by what they hold: the widest values are in the last columns shown.
    expect(Number.parseInt(basis(heads[11]!), 10)).toBeGreaterThan(Number.parseInt(basis(heads[0]!), 10));
    // The last column takes what is left of the row; the others keep their width.
    expect([getComputedStyle(heads[11]!).flexGrow, getComputedStyle(heads[10]!).flexGrow]).toEqual(['1', '0']);
  });

  it('draws at first only the rows its share of a short window can show', async () => {
    // The box is measured only after the first frame's layout; until then, the window decides.
    vi.stubGlobal('ResizeObserver', class { observe() {} disconnect() {} });
    vi.stubGlobal('innerHeight', 400);
    try {
      await notesDb('short-db', 1000);
      const h = await openTable('short-db');
      await h.wait('row', { key: '1' });
      // 55% of 400 px less the head and the count line: 180 px, 9 rows (not the 24 of 480 px).
      expect(h.all('row')).toHaveLength(9);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a table's count follows a steady stream of writes, not only their end", async () => {
    const db = await notesDb('stream-db', 10);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'stream-db' }));
    const item = await h.wait('database-item', { name: 'stream-db' });
    const count = () => text(h!.get('table-count', {}, h!.get('table-item', { table: 'notes' }, item)));
    expect(count()).toBe('10');
    let next = 11;
    const writing = setInterval(() => void db.table('notes').put({ id: next++, tag: 'odd', text: 'streamed' }), 40);
    try {
      // Every 40 ms for as long as it takes: a recount that waited for 150 ms of quiet never came.
      await waitFor(() => Number(count().replace(/,/g, '')) > 10, 2000);
    } finally {
      clearInterval(writing);
    }
  });

  it('an open $blobdata table follows a blob put, which is announced for $blobs only', async () => {
    const db = await notesDb('blobdata-db', 1);
    const h = await openTable('blobdata-db', '$blobdata');
    await waitFor(() => text(h.get('row-total')).startsWith('0 rows'));
    await db.blobs.put(new Blob(['bytes'], { type: 'text/plain' }));
    await waitFor(() => text(h.get('row-total')).startsWith('1 row'));
    expect(h.all('row')).toHaveLength(1);
    const item = h.get('database-item', { name: 'blobdata-db' });
    await waitFor(() => text(h.get('table-count', {}, h.get('table-item', { table: '$blobdata' }, item))) === '1');
  });

  it('sizes columns by what they hold, resizes them from the keyboard, and shows a whole value in the tooltip', async () => {
    const db = await notesDb('columns-db', 3);
    const long = `${'a long note '.repeat(40)}end`;
    await db.table('notes').put({ id: 4, tag: 'odd', text: long });
    const h = await openTable('columns-db');
    await waitFor(() => text(h.get('row-total')).startsWith('4 rows'));
    // The width as the grid's rules apply it to the column's head (and every cell of the column).
    const width = (column: string) => Number.parseInt(getComputedStyle(h.get('column-head', { column })).flexBasis, 10);
    // "tag" holds "odd"/"even": narrow; "text" holds a long note: capped, not squeezed to "t…".
    expect(width('tag')).toBeLessThan(width('text'));
    expect(width('tag')).toBeGreaterThanOrEqual(48);
    const cell = await waitFor(() => h.all('row-cell').find((element) => element.dataset.column === 'text' && element.title.endsWith('end')));
    expect(cell!.title).toBe(long);
    expect(text(cell!).length).toBeLessThan(long.length);
    const before = width('tag');
    const handle = h.get('column-resize', { column: 'tag' });
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await waitFor(() => width('tag') === before + 16);
    expect(handle.getAttribute('aria-valuenow')).toBe(String(before + 16));
  });

  it('moves the head with the rows when they scroll sideways, and makes rows as wide as the columns', async () => {
    await notesDb('sideways-db', 3);
    const h = await openTable('sideways-db');
    await h.wait('row', { key: '1' });
    const head = h.get('column-head', { column: 'tag' }).closest<HTMLElement>('.grid-head')!;
    const rows = h.get('row-grid');
    const widths = h.all('column-head').map((cell) => Number.parseInt(getComputedStyle(cell).flexBasis, 10));
    const key = Number.parseInt(getComputedStyle(head.querySelector<HTMLElement>('.cell.key')!).flexBasis, 10);
    // Padding, the row number, and a gap before each cell: the key's and the columns'.
    const width = rows.closest<HTMLElement>('.row-grid')!.style.getPropertyValue('--row-width');
    expect(width).toBe(`${6 + 56 + 6 + [key, ...widths].reduce((sum, w) => sum + w + 6, 0)}px`);
    rows.scrollLeft = 120;
    rows.dispatchEvent(new Event('scroll'));
    expect(head.style.transform).toBe('translateX(-120px)');
    rows.scrollLeft = 0;
    rows.dispatchEvent(new Event('scroll'));
    expect(head.style.transform).toBe('');
  });

  it('pages rows on scroll, filters by index and range, and sorts by key', async () => {
    await notesDb('paged-db');
    const h = await openTable('paged-db');
    await waitFor(() => text(h.get('row-total')).startsWith('1,000 rows'));
    expect(text(h.get('row-key', {}, await h.wait('row', { key: '1' })))).toBe('1');
    expect(h.find('row', { key: '900' })).toBeNull();
    const grid = h.get('row-grid');
    grid.scrollTop = 899 * 20;
    grid.dispatchEvent(new Event('scroll'));
    await h.wait('row', { key: '900' });

    type(h.get('row-index'), 'byTag');
    type(h.get('range-mode'), 'eq');
    type(await h.wait('range-lower'), 'odd');
    click(h.get('range-apply'));
    await waitFor(() => text(h.get('row-total')).startsWith('500 rows by index byTag in range'));

    type(h.get('range-mode'), 'range');
    type(h.get('row-index'), '');
    type(await h.wait('range-lower'), 'true');
    click(h.get('range-apply'));
    expect(text(await h.wait('row-error'))).toMatch(/range|key/i);

    type(h.get('range-lower'), '10');
    type(h.get('range-upper'), '20');
    check(h.get('range-upper-open'), true);
    click(h.get('range-apply'));
    await waitFor(() => text(h.get('row-total')).startsWith('10 rows in range'));
    click(h.get('sort-key'));
    await waitFor(() => h.all('row')[0]?.dataset.key === '19');
  });

  it('shows markup in a row as text, and a click on any cell selects its row', async () => {
    const db = await notesDb('markup-db', 0);
    const markup = '<img src=x onerror="globalThis.hacked=1">&amp;"\'';
    await db.table('notes').put({ id: 1, tag: markup, text: 'plain' });
    await db.table('notes').put({ id: 2, tag: 'odd', [`<b title="x">`]: markup.repeat(20) });
    const h = await openTable('markup-db');
    const row = await h.wait('row', { key: '1' });
    // The page's text is the cell's text, character for character; nothing in it became an element.
    const tag = h.all('row-cell', row).find((cell) => cell.dataset.column === 'tag')!;
    expect(tag.textContent).toBe(JSON.stringify(markup));
    expect(h.get('row-grid').querySelector('img, b')).toBeNull();
    const other = await h.wait('row', { key: '2' });
    const odd = h.all('row-cell', other).find((cell) => cell.dataset.column === '<b title="x">')!;
    // Cut to fit its column: the whole text is the tooltip, quotes and all.
    expect(odd.title).toBe(markup.repeat(20));
    expect((globalThis as { hacked?: number }).hacked).toBeUndefined();

    click(h.get('row-cell', {}, other));
    await h.wait('row-editor', { key: '2' });
    expect(h.get('row', { key: '2' }).getAttribute('aria-selected')).toBe('true');
    expect(h.get('row', { key: '1' }).getAttribute('aria-selected')).toBe('false');
  });

  it('shows a primary key redact() hides as [redacted], nowhere in the page, and edits the other fields of its row', async () => {
    const db = await openDatabase('redacted-key-db', { version: 1, tables: { users: { key: 'email' } }, provider: memory() });
    await db.table('users').bulkPut([
      { email: 'alice-secret@example.com', name: 'Alice' },
      { email: 'bob-secret@example.com', name: 'Bob' },
    ]);
    configureDevtools({ redact: (path) => path.at(-1) === 'email' });
    try {
      const h = await openTable('redacted-key-db', 'users');
      await waitFor(() => h.all('row-key').length === 2);
      expect(h.all('row-key').map(text)).toEqual(['[redacted]', '[redacted]']);
      click(h.all('row-cell', h.all('row')[0])[0]!);
      const editor = await h.wait('row-editor');
      expect(text(editor)).toContain('Row [redacted]');
      const node = await h.wait('value-node', { path: '["name"]' }, editor);
      press(node, 'Enter');
      const input = await h.wait('value-input', {}, node);
      type(input, 'Alicia');
      press(input, 'Enter');
      await waitFor(async () => (await db.table('users').get('alice-secret@example.com')) !== undefined && ((await db.table('users').get('alice-secret@example.com')) as { name: string }).name === 'Alicia');
      await waitFor(() => text(h.get('value-preview', {}, h.get('value-node', { path: '["name"]' }, h.get('row-editor')))) === '"Alicia"');
      // A range on the hidden key would read it out a bound at a time: refused, in words.
      type(h.get('range-mode'), 'range');
      type(await h.wait('range-lower'), 'a');
      click(h.get('range-apply'));
      expect(text(await h.wait('row-error'))).toMatch(/redacted by configureDevtools/);
      expect(document.body.innerHTML).not.toContain('secret@');
    } finally {
      configureDevtools({ redact: () => false });
    }
  });

  it('edits a row, refuses a stale one with a conflict, adds and deletes rows', async () => {
    const db = await notesDb('edit-db', 50);
    const notes = db.table('notes') as unknown as { get(key: number): Promise<Note | undefined>; put(value: Note): Promise<unknown>; count(): Promise<number> };
    const h = await openTable('edit-db');
    click(await h.wait('row', { key: '7' }));
    await h.wait('row-editor', { key: '7' });
    click(h.get('json-mode'));
    type(await h.wait('json-editor'), '{"id": 7, "tag": "odd", "text": "edited in the panel"}');
    click(h.get('json-save'));
    await waitFor(async () => (await notes.get(7))?.text === 'edited in the panel');
    await waitFor(() => h.find('json-editor') === null);

    click(await h.wait('json-mode'));
    const editor = await h.wait('json-editor');
    await notes.put({ id: 7, tag: 'odd', text: 'changed by the page' });
    type(editor, '{"id": 7, "tag": "odd", "text": "stale"}');
    click(h.get('json-save'));
    expect(text(await h.wait('conflict-current'))).toContain('changed by the page');
    expect((await notes.get(7))?.text).toBe('changed by the page');
    click(h.get('conflict-overwrite'));
    await waitFor(async () => (await notes.get(7))?.text === 'stale');

    click(h.get('row-new'));
    type(await h.wait('add-row-json'), '{"tag": "new", "text": "added"');
    click(h.get('row-add'));
    expect(text(await h.wait('add-row-error'))).toMatch(/not JSON/);
    type(h.get('add-row-json'), '{"tag": "new", "text": "added"}');
    click(h.get('row-add'));
    await waitFor(async () => (await notes.count()) === 51);
    await h.wait('row-editor', { key: '51' });
    // The row as stored, with the key the table generated, not only what was typed.
    await waitFor(() => h.all('value-key', h.get('row-editor')).map(text).includes('id'));

    click(h.get('row-delete'));
    click(await h.wait('confirm-yes'));
    await waitFor(async () => (await notes.get(51)) === undefined);
  });

  it('stops showing the selected row as editable once the page deleted it, or cleared its table', async () => {
    const db = await notesDb('gone-db', 20);
    const notes = db.table('notes');
    const h = await openTable('gone-db');
    click(await h.wait('row', { key: '7' }));
    await h.wait('row-editor', { key: '7' });
    await notes.delete(7);
    await waitFor(() => h.find('row', { key: '7' }) === null);
    await waitFor(() => h.find('row-editor') === null, 1000);

    click(await h.wait('row', { key: '8' }));
    await h.wait('row-editor', { key: '8' });
    await notes.clear();
    await waitFor(() => h.find('row', { key: '8' }) === null);
    await waitFor(() => h.find('row-editor') === null, 1000);
  });

  it('drops the selected row when, after a reconnect, the page no longer holds it', async () => {
    const db = await notesDb('resync-db', 20);
    const notes = db.table('notes');
    const h = await openTable('resync-db');
    click(await h.wait('row', { key: '7' }));
    await h.wait('row-editor', { key: '7' });
    // The service worker stopped: the delete's delta never reaches the panel; the snapshot after does.
    h.page.setStatus('reconnecting');
    await notes.delete(7);
    await notes.put({ id: 8, tag: 'even', text: 'changed while away' });
    h.page.setStatus('connected');
    await waitFor(() => h.find('row', { key: '7' }) === null);
    await waitFor(() => h.find('row-editor') === null, 1000);
  });

  it('clears a table after confirmation', async () => {
    const db = await notesDb('clear-db', 20);
    const h = await openTable('clear-db');
    click(await h.wait('clear-table'));
    click(await h.wait('confirm-no'));
    expect(await db.table('notes').count()).toBe(20);
    click(await h.wait('clear-table'));
    click(await h.wait('confirm-yes'));
    await waitFor(async () => (await db.table('notes').count()) === 0);
    await waitFor(() => text(h.get('row-total')).startsWith('0 rows'));
  });

  it('lists cache entries with their expiry', async () => {
    const db = await notesDb('cache-db', 1);
    await db.cache.set('session', { user: 'ada' }, { ttl: 600_000 });
    await db.cache.set('forever', 1);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'cache-db' }));
    click(await h.wait('view-cache'));
    const row = await h.wait('cache-row', { key: '"session"' });
    expect(text(h.get('cache-expires', {}, row))).toMatch(/^in (9|10) min/);
    expect(text(h.get('cache-expires', {}, h.get('cache-row', { key: '"forever"' })))).toBe('never');
    click(h.get('cache-delete', {}, row));
    await waitFor(async () => (await db.cache.keys()).join() === 'forever');
  });

  it('keeps a cache entry the app set since it was listed: the delete is a conflict showing the newer value', async () => {
    const db = await notesDb('cache-conflict-db', 1);
    await db.cache.set('session', { user: 'ada' });
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'cache-conflict-db' }));
    click(await h.wait('view-cache'));
    const row = await h.wait('cache-row', { key: '"session"' });
    await db.cache.set('session', { user: 'grace' });
    click(h.get('cache-delete', {}, row));
    expect(text(await h.wait('conflict-current'))).toContain('grace');
    expect(await db.cache.get('session')).toEqual({ user: 'grace' });
    click(h.get('conflict-overwrite'));
    await waitFor(async () => (await db.cache.keys()).length === 0);
  });

  it('a cache entry selected in one database is not shown as selected in another with an entry of the same key', async () => {
    const first = await notesDb('cache-pick-a', 1);
    const second = await notesDb('cache-pick-b', 1);
    await first.cache.set('session', { user: 'ada' });
    await second.cache.set('session', { user: 'grace' });
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'cache-pick-a' }));
    click(await h.wait('view-cache'));
    click(await h.wait('cache-row', { key: '"session"' }));
    await h.wait('value-view');
    click(h.get('database-item', { name: 'cache-pick-b' }));
    click(await h.wait('view-cache'));
    // B's listing is in (its value is on the row), and nothing of it was picked: no editor open on it.
    await waitFor(() => text(h!.find('cache-row', { key: '"session"' })).includes('grace'));
    expect(h.get('cache-row', { key: '"session"' }).classList.contains('selected')).toBe(false);
    expect(h.find('value-view')).toBeNull();
  });

  it('a blob selected in one database is not shown as selected in another holding a blob of the same id', async () => {
    // Ids are random; the same id in two databases (a copied database) is rare, not impossible.
    const first = await notesDb('blob-pick-a', 1);
    const second = await notesDb('blob-pick-b', 1);
    vi.spyOn(crypto, 'randomUUID').mockReturnValue('00000000-0000-4000-8000-000000000001');
    const id = await first.blobs.put(new Blob(['a'], { type: 'text/plain' }), { name: 'a.txt' });
    expect(await second.blobs.put(new Blob(['b'], { type: 'text/plain' }), { name: 'b.txt' })).toBe(id);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'blob-pick-a' }));
    click(await h.wait('view-blobs'));
    click(await h.wait('blob-row', { id, name: 'a.txt' }));
    await waitFor(() => h!.get('blob-row', { id }).classList.contains('selected'));
    click(h.get('blob-show', {}, h.get('blob-row', { id })));
    await h.wait('blob-preview', { id });
    click(h.get('database-item', { name: 'blob-pick-b' }));
    click(await h.wait('view-blobs'));
    const row = await h.wait('blob-row', { id, name: 'b.txt' });
    expect(row.classList.contains('selected')).toBe(false);
    // A's bytes, previewed under B's list with B's blob of that id, would pass for B's.
    expect(h.find('blob-preview')).toBeNull();
  });

  it('previews blobs: an image as an image, text as text, other bytes as hex', async () => {
    const db = await notesDb('blob-db', 1);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const image = await db.blobs.put(new Blob([png], { type: 'image/png' }), { name: 'dot.png' });
    const note = await db.blobs.put(new Blob(['<script>alert(1)</script> plain text'], { type: 'text/plain' }), { name: 'note.txt' });
    const raw = await db.blobs.put(new Blob([new Uint8Array([0, 1, 2, 255])]), { name: 'raw.bin' });
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'blob-db' }));
    click(await h.wait('view-blobs'));

    click(h.get('blob-show', {}, await h.wait('blob-row', { id: image })));
    const preview = await h.wait('blob-preview', { id: image, kind: 'image' });
    expect((h.get('blob-image', {}, preview) as HTMLImageElement).src).toMatch(/^blob:/);

    click(h.get('blob-show', {}, h.get('blob-row', { id: note })));
    const shown = await h.wait('blob-preview', { id: note, kind: 'text' });
    expect(text(h.get('blob-text', {}, shown))).toBe('<script>alert(1)</script> plain text');
    expect(h.container.querySelector('script')).toBeNull();

    click(h.get('blob-show', {}, h.get('blob-row', { id: raw })));
    const hex = await h.wait('blob-preview', { id: raw, kind: 'hex' });
    expect(text(h.get('blob-text', {}, hex))).toMatch(/^00000000 {2}00 01 02 ff/);

    const saved: { blob: Blob; name: string }[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => (saved.push({ blob: blob as Blob, name: '' }), 'blob:download'));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved[saved.length - 1]!.name = this.download;
    });
    click(h.get('blob-download', {}, hex));
    await waitFor(() => saved.length === 1 && saved[0]!.name !== '');
    expect(saved[0]!.name).toBe('raw.bin');
    expect([...new Uint8Array(await saved[0]!.blob.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('lists the origin’s other IndexedDB databases, read-only', async () => {
    const opened = fakeIndexedDB.open('legacy-app', 4);
    await new Promise((resolve, reject) => {
      opened.onsuccess = () => resolve(opened.result.close());
      opened.onerror = () => reject(opened.error);
    });
    Object.assign(globalThis, { indexedDB: fakeIndexedDB });
    try {
      await notesDb('ours-db', 1);
      h = setup();
      click(await h.wait('tab-database'));
      const other = await h.wait('other-database', { name: 'legacy-app' });
      expect(text(other)).toContain('v4');
      expect(text(h.get('other-databases'))).toMatch(/not Stratum — read-only/);
      expect(other.querySelector('button')).toBeNull();
    } finally {
      delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
  });

  it('replaces a blob from a file, in chunks', async () => {
    const db = await notesDb('replace-db', 1);
    const old = await db.blobs.put(new Blob(['old'], { type: 'text/plain' }), { name: 'a.txt' });
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'replace-db' }));
    click(await h.wait('view-blobs'));
    const input = h.get('blob-replace-input', {}, await h.wait('blob-row', { id: old }));
    const file = new File(['new contents'], 'b.txt', { type: 'text/plain' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await h.wait('blob-row', { name: 'b.txt' });
    const list = await db.blobs.list();
    expect(list.map((blob) => blob.name)).toEqual(['b.txt']);
    expect(await (await db.blobs.get(list[0]!.id))!.text()).toBe('new contents');
  });

  it('deletes a database after confirmation', async () => {
    const db = await notesDb('doomed-db', 1);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'doomed-db' }));
    click(await h.wait('delete-database'));
    click(await h.wait('confirm-yes'));
    await waitFor(() => db.closed);
    await waitFor(() => h!.find('database-item', { name: 'doomed-db' }) === null);
  });

  it('moves off a database the page deleted: no table, row or row editor of it stays open', async () => {
    await notesDb('stays-db', 3);
    const doomed = await notesDb('page-deletes-db', 3);
    const h = await openTable('page-deletes-db');
    click(h.get('row-cell', {}, await h.wait('row', { key: '2' })));
    await h.wait('row-editor', { key: '2' });
    await doomed.delete();
    // Neither its grid nor an editor offering to write a row of a database that is gone.
    await waitFor(() => h.find('row-editor') === null && h.find('table-view') === null);
    expect(h.find('database-item', { name: 'page-deletes-db' })?.classList.contains('selected') ?? false).toBe(false);
    expect(h.all('table-item').filter((item) => item.classList.contains('selected'))).toEqual([]);
  });

  it('after the panel deletes a database, opens no table of the next one in its place', async () => {
    await notesDb('next-db', 3);
    await notesDb('panel-deletes-db', 3);
    const h = await openTable('panel-deletes-db');
    click(h.get('row-cell', {}, await h.wait('row', { key: '2' })));
    await h.wait('row-editor', { key: '2' });
    click(await h.wait('delete-database'));
    click(await h.wait('confirm-yes'));
    await waitFor(() => h.find('database-item', { name: 'panel-deletes-db' }) === null);
    // next-db also has "notes": a selection kept by table name would show it as if picked.
    expect(h.all('table-item').filter((item) => item.classList.contains('selected'))).toEqual([]);
    expect(h.find('row-editor')).toBeNull();
    expect(h.find('table-view')).toBeNull();
  });

  it('after the panel deletes a database from its cache view, shows no cache entry of it under the next one', async () => {
    await notesDb('cache-next-db', 3);
    const doomed = await notesDb('cache-deletes-db', 3);
    await doomed.cache.set('only-in-doomed', 1);
    h = setup();
    click(await h.wait('tab-database'));
    click(await h.wait('database-item', { name: 'cache-deletes-db' }));
    click(await h.wait('view-cache'));
    await h.wait('cache-row', { key: '"only-in-doomed"' });
    click(await h.wait('delete-database'));
    click(await h.wait('confirm-yes'));
    await waitFor(() => h!.find('database-item', { name: 'cache-deletes-db' }) === null);
    expect(h.find('cache-row', { key: '"only-in-doomed"' })).toBeNull();
    expect(h.all('table-item').filter((item) => item.classList.contains('selected'))).toEqual([]);
  });

  it('a database deleted and created again under its name is listed anew, with no table of the old one open', async () => {
    const doomed = await notesDb('recreated-db', 3);
    const h = await openTable('recreated-db');
    click(h.get('row-cell', {}, await h.wait('row', { key: '2' })));
    await h.wait('row-editor', { key: '2' });
    await doomed.delete();
    const again = await notesDb('recreated-db', 5);
    await waitFor(() => h.find('table-view') === null);
    // The new database's registration reaches the list; its rows are not the ones that were open.
    await h.wait('database-item', { name: 'recreated-db' });
    expect(again.closed).toBe(false);
    expect(h.find('row-editor')).toBeNull();
    expect(h.all('table-item').filter((item) => item.classList.contains('selected'))).toEqual([]);
  });
});
