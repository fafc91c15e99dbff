/**
 * A table's first rows (issue 18): a new query shows its first FIRST_ROWS rows before page 0
 * whole arrives, and page 0 then replaces them, so the grid never shows a row twice or a hole.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { FIRST_ROWS, PAGE_SIZE, RowsModel } from './rows.js';
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RowsModel: a table first shown', () => {
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
