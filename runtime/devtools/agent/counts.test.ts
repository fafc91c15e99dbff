import { describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command } from '../../protocol/messages.js';
import { registryId } from '../../registry/registry.js';

// The grid's first page uses the count the snapshot took (counts.ts) instead of counting again:
// the total it shows must still follow every change, from the page or from the panel.
describe('the row count a page of rows carries', () => {
  it('follows puts, deletes and clears made after the snapshot counted', async () => {
    const provider = memory();
    const db = await openDatabase('counts-follow', { version: 1, tables: { items: { key: 'id' } }, provider });
    await db.table('items').bulkPut(Array.from({ length: 30 }, (_, id) => ({ id })));
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const total = async () => (await t.call(Command.dbQuery, { database, table: 'items', limit: 5 })).total;
    expect(await total()).toBe(30);
    await db.table('items').bulkPut([{ id: 100 }, { id: 101 }]);
    expect(await total()).toBe(32);
    await db.table('items').delete(0);
    expect(await total()).toBe(31);
    await t.call(Command.dbClear, { database, table: 'items' });
    expect(await total()).toBe(0);
    // A second connection (another tab, in memory's terms) writes: its change event forgets the count too.
    const other = await openDatabase('counts-follow', { version: 1, tables: { items: { key: 'id' } }, provider });
    await other.table('items').put({ id: 7 });
    await t.settle(new Promise((resolve) => setTimeout(resolve, 20)));
    expect(await total()).toBe(1);
    other.close();
  });
});
