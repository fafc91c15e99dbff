/**
 * A table's first rows (issue 18): a new query shows its first rows (firstRows) before page 0
 * whole arrives, and page 0 then replaces them, so the grid never shows a row twice or a hole.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Row } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { firstRows, gridHeight, HOLD_MS, PAGE_SIZE, RowsModel } from './rows.js';

/** In node, without a window's height: the fallback. */
const FIRST_ROWS = firstRows();
import type { Ui } from './ui.js';

interface Asked {
  offset: number;
  limit: number;
  answer(): void;
}

/** A table of `count` rows whose answers wait until the test lets them through. */
function fakeTable(count: number) {
  const asked: Asked[] = [];
  const rowsOf = (offset: number, limit: number): Row[] =>
    Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => ({ key: offset + i + 1, value: { text: `row ${offset + i + 1}` }, hash: `h${offset + i + 1}`, redacted: [] }));
  const sent = { flushed: 0 };
  const connection = {
    // The query is flushed at once, not left for the microtask queued behind the render.
    bridge: { flush: () => void sent.flushed++ },
    request(_name: string, payload: { offset: number; limit: number }) {
      return new Promise((resolve) => {
        asked.push({ ...payload, answer: () => resolve({ total: count, rows: rowsOf(payload.offset, payload.limit) }) });
      });
    },
  };
  return { asked, sent, connection: connection as unknown as Connection };
}

/** Like fakeTable, but each table's rows say which table they are from, and an answer may fail. */
function fakeTables() {
  const asked: (Asked & { table: string; fail(message: string): void })[] = [];
  const connection = {
    bridge: { flush: () => undefined },
    request(_name: string, payload: { table: string; offset: number; limit: number }) {
      return new Promise((resolve, reject) => {
        const rows = Array.from({ length: payload.limit }, (_, i) => ({ key: `${payload.table}-${payload.offset + i}`, value: { n: i }, hash: `h${i}`, redacted: [] }));
        asked.push({ ...payload, answer: () => resolve({ total: 1000, rows }), fail: (message) => reject(new Error(message)) });
      });
    },
  };
  return { asked, connection: connection as unknown as Connection };
}

// Two tasks: an answer's handling, then page 0 whole, asked for in the task after the first rows.
const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('RowsModel: a table first shown', () => {
  it('asks first for the rows the window can show (the grid is at most 55vh, less its head and count line, of 20 px rows)', async () => {
    // 900 px: 495 px less 40 is 455 px, 23 rows in view (the last in part), and one more.
    expect([firstRows(900), firstRows(1440), firstRows(200), firstRows(0)]).toEqual([24, 39, 16, 64]);
    // Never below the rows' box's 24 px min-height (theme.css), however short the window.
    expect([gridHeight(900), gridHeight(1440), gridHeight(100), gridHeight(0)]).toEqual([455, 752, 24, undefined]);
    vi.stubGlobal('innerHeight', 900);
    try {
      const { asked, connection } = fakeTable(1000);
      const rows = new RowsModel(connection, {} as Ui);
      rows.ensure(0, 24);
      rows.open(1, 'notes');
      expect(asked.map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: 0, limit: 24 }]);
      asked[0]!.answer();
      await settle();
      // Shown with those 24, then page 0 whole in their place.
      expect(rows.rowAt(23)?.key).toBe(24);
      expect(rows.rowAt(24)).toBeUndefined();
      expect(asked.slice(1).map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: 0, limit: PAGE_SIZE }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('shows the first rows, then page 0 whole in their place', async () => {
    const { asked, sent, connection } = fakeTable(1000);
    const rows = new RowsModel(connection, {} as Ui);
    rows.ensure(0, 30);
    rows.open(1, 'notes');
    expect(asked.map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: 0, limit: FIRST_ROWS }]);
    expect(sent.flushed).toBe(1);

    asked[0]!.answer();
    await settle();
    expect(rows.total.value).toBe(1000);
    expect(rows.rowAt(0)?.key).toBe(1);
    expect(rows.rowAt(FIRST_ROWS - 1)?.key).toBe(FIRST_ROWS);
    expect(rows.rowAt(FIRST_ROWS)).toBeUndefined();
    // The grid's neighbours wait for page 0 whole, which is asked for at once.
    expect(asked.slice(1).map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: 0, limit: PAGE_SIZE }]);

    asked[1]!.answer();
    await settle();
    expect(Array.from({ length: PAGE_SIZE }, (_, i) => rows.rowAt(i)?.key)).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => i + 1));
    expect(asked.slice(2).map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: PAGE_SIZE, limit: PAGE_SIZE }]);
  });

  it('asks once for a table smaller than the first rows', async () => {
    const { asked, connection } = fakeTable(10);
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'small');
    asked[0]!.answer();
    await settle();
    expect(asked).toHaveLength(1);
    expect(Array.from({ length: 11 }, (_, i) => rows.rowAt(i)?.key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, undefined]);
  });

  it('a change to the table reloads page 0 whole, the old rows on screen meanwhile', async () => {
    const { asked, connection } = fakeTable(1000);
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'notes');
    asked[0]!.answer();
    await settle();
    asked[1]!.answer();
    await settle();
    const before = asked.length;
    rows.invalidate();
    expect(asked.slice(before).map(({ offset, limit }) => ({ offset, limit }))).toEqual([{ offset: 0, limit: PAGE_SIZE }]);
    expect(rows.rowAt(PAGE_SIZE - 1)?.key).toBe(PAGE_SIZE);
  });
});

describe('RowsModel: a table opened where none is shown, and one that replaces another', () => {
  afterEach(() => vi.useRealTimers());

  async function showing(table: string) {
    const tables = fakeTables();
    const rows = new RowsModel(tables.connection, {} as Ui);
    rows.open(1, table);
    tables.asked.at(-1)!.answer();
    await settle();
    return { rows, ...tables };
  }

  it('with none shown, changes nothing until the first rows arrive, then shows the table with them in one go', async () => {
    const { asked, connection } = fakeTables();
    const rows = new RowsModel(connection, {} as Ui);
    const revision = rows.revision.value;
    rows.open(1, 'notes');
    expect(asked.at(-1)).toMatchObject({ table: 'notes', offset: 0, limit: FIRST_ROWS });
    expect(rows.query.value).toBeNull();
    expect(rows.revision.value).toBe(revision);
    asked.at(-1)!.answer();
    await settle();
    expect(rows.query.value?.table).toBe('notes');
    expect(rows.rowAt(0)?.key).toBe('notes-0');
  });

  it(`with none shown, shows the table empty and loading once ${HOLD_MS} ms pass without its rows`, async () => {
    vi.useFakeTimers();
    const { asked, connection } = fakeTables();
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'slow');
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(rows.query.value).toBeNull();
    vi.advanceTimersByTime(1);
    expect(rows.query.value?.table).toBe('slow');
    expect(rows.rowAt(0)).toBeUndefined();
    vi.useRealTimers();
    asked.at(-1)!.answer();
    await settle();
    expect(rows.rowAt(0)?.key).toBe('slow-0');
  });

  it('with none shown, shows the table with why its read failed', async () => {
    const { asked, connection } = fakeTables();
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'broken');
    asked.at(-1)!.fail('table "broken" is gone');
    await settle();
    expect(rows.query.value?.table).toBe('broken');
    expect(rows.error.value).toBe('table "broken" is gone');
    expect(rows.rowAt(0)).toBeUndefined();
  });

  it('another table replaces the one shown at once, loading: no row of the last table stays to be clicked', async () => {
    const { rows, asked } = await showing('notes');
    rows.open(1, 'tags');
    expect(rows.query.value?.table).toBe('tags');
    expect(rows.rowAt(0)).toBeUndefined();
    asked.at(-1)!.answer();
    await settle();
    expect(rows.rowAt(0)?.key).toBe('tags-0');
  });

  it('a change to the table it waits for asks again, and the older answer is not shown', async () => {
    const { asked, connection } = fakeTables();
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'tags');
    const first = asked.at(-1)!;
    rows.invalidate();
    const again = asked.at(-1)!;
    expect(again).not.toBe(first);
    expect(again).toMatchObject({ table: 'tags', offset: 0, limit: FIRST_ROWS });
    first.answer();
    await settle();
    expect(rows.query.value).toBeNull();
    again.answer();
    await settle();
    expect(rows.query.value?.table).toBe('tags');
  });

  it('selecting another database drops the table it waits for', async () => {
    const { asked, connection } = fakeTables();
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'tags');
    rows.close();
    asked.at(-1)!.answer();
    await settle();
    expect(rows.query.value).toBeNull();
  });
});

describe('RowsModel: what a review of the fast paths found (issue 18, seventh pass)', () => {
  it('a stream of changes still updates the rows in view: the answer on its way is shown, then read again', async () => {
    let version = 0;
    const asked: Asked[] = [];
    const connection = {
      bridge: { flush: () => undefined },
      request(_name: string, payload: { offset: number; limit: number }) {
        return new Promise((resolve) => {
          // What the table holds when the answer leaves, as a page read then would.
          const answer = () => resolve({ total: 5, rows: Array.from({ length: 5 }, (_, i) => ({ key: i + 1, value: { text: `v${version}` }, hash: `h${version}-${i}`, redacted: [] })) });
          asked.push({ ...payload, answer });
        });
      },
    } as unknown as Connection;
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'notes');
    asked[0]!.answer();
    await settle();
    expect(rows.rowAt(0)?.value).toEqual({ text: 'v0' });
    // One change a frame, each before the last read came back.
    for (version = 1; version <= 3; version++) rows.invalidate();
    version = 3;
    // The read that was on its way when the stream began comes back.
    asked[1]!.answer();
    await settle();
    expect(rows.rowAt(0)?.value).toEqual({ text: 'v3' });
    // And the view is read again after it, for what changed while that read was on its way.
    expect(asked).toHaveLength(3);
  });

  it('keeps the columns page 0 gave when page 0 is evicted far down the table', async () => {
    const { asked, connection } = fakeTable(PAGE_SIZE * 60);
    const rows = new RowsModel(connection, {} as Ui);
    rows.open(1, 'notes');
    let answered = 0;
    const answerAll = async () => {
      while (answered < asked.length) asked[answered++]!.answer();
      await settle();
    };
    await answerAll();
    await answerAll();
    expect(rows.columns.value).toEqual(['text']);
    for (let page = 1; page <= 55; page++) {
      rows.ensure(page * PAGE_SIZE, page * PAGE_SIZE + 10);
      await answerAll();
    }
    expect(rows.rowAt(0)).toBeUndefined();
    expect(rows.columns.value).toEqual(['text']);
    expect(rows.layout.value.whole).toBe(false);
  });
});

describe('RowsModel: the selection after the table changed', () => {
  it('follows the selected row to where it now is, so ↓ moves to the row below it', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i + 1);
    const asked: (() => void)[] = [];
    const connection = {
      bridge: { flush: () => undefined },
      request: (_name: string, payload: { offset: number; limit: number }) =>
        new Promise((resolve) =>
          asked.push(() => resolve({ total: keys.length, rows: keys.slice(payload.offset, payload.offset + payload.limit).map((key) => ({ key, value: { n: key }, hash: `h${key}`, redacted: [] })) })),
        ),
    };
    const rows = new RowsModel(connection as unknown as Connection, {} as Ui);
    rows.ensure(0, 20);
    rows.open(1, 'notes');
    asked.shift()!();
    await settle();
    // The user picked row 5 (the fifth in the grid).
    rows.select(rows.rowAt(4)!, 4);
    // The page deletes rows 1 and 2: row 5 is third now.
    keys.splice(0, 2);
    rows.invalidate();
    while (asked.length > 0) {
      asked.shift()!();
      await settle();
    }
    expect(rows.selectedKey.peek()).toBe('5');
    expect(rows.rowAt(rows.selectedIndex.peek() + 1)?.key).toBe(6);
  });
});
