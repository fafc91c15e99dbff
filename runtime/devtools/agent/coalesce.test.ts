import { describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Event } from '../../protocol/messages.js';
import { registryId } from '../../registry/registry.js';

// The Watcher is the one owner of coalescing (the bridge only batches): a table's puts in one
// frame leave as one delta, and a delete after them stays a delta of its own, in order.
describe('coalescing database changes', () => {
  it('merges one frame of puts per table, keeps a different change apart and in order', async () => {
    const db = await openDatabase('coalesce-db', { version: 1, tables: { items: { key: 'id' } }, provider: memory() });
    const t = kit();
    await t.hello();
    for (let i = 0; i < 50; i++) await db.table('items').put({ id: i });
    await db.table('items').delete(3);
    await db.table('items').put({ id: 99 });
    t.frame();
    const deltas = t.events(Event.dbChanged).filter((delta) => delta.database === registryId(db));
    expect(deltas.map((delta) => [delta.change, delta.changes, delta.keys.length])).toEqual([
      ['put', 50, 50],
      ['delete', 1, 1],
      ['put', 1, 1],
    ]);
  });
});
