/**
 * A migration rehearsal whose upgrade writes a far sparse array (over a million holes, more holes
 * than items) into a row that the copy then refuses: the rehearsal names the row it failed on,
 * and it encoded that row hole by hole, running the page out of memory. In a process of its own
 * with a heap cap (test/helpers/guarded.ts), so a regression fails the test, not the worker.
 */
import { describe, expect, it } from 'vitest';
import { runGuarded } from '../../../test/helpers/guarded.js';

describe('migration rehearsal and a far sparse array', () => {
  it('shows the write that failed with its far array as items by index', async () => {
    const outcome = await runGuarded(
      `
      import { kit } from './test/helpers/agent-kit.ts';
      import { readTransfer, writeTransfer, exportSnapshot } from './test/helpers/snapshot-transfer.ts';
      import { openDatabase } from './runtime/db/database.ts';
      import { memory } from './runtime/db/providers/memory.ts';
      import { Command } from './runtime/protocol/messages.ts';
      const t = kit();
      await t.hello();
      const old = await openDatabase('reh-far-v1', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
      await old.table('notes').bulkPut([{ id: 1, slug: 'same' }, { id: 2, slug: 'other' }]);
      const file = JSON.parse(await exportSnapshot(t));
      old.close();
      file.databases = file.databases.filter((db: { name: string }) => db.name === 'reh-far-v1').map((db: object) => ({ ...db, name: 'reh-far' }));
      file.stores = [];
      file.webstorages = [];
      await openDatabase('reh-far', {
        version: 2,
        provider: memory(),
        tables: { notes: { key: 'id', indexes: { slug: { path: 'slug', unique: true } } } },
        upgrade: async ({ oldVersion, tx }) => {
          if (oldVersion >= 2) return;
          const list: unknown[] = [];
          list[2 ** 32 - 2] = 'last';
          list[3] = 'three';
          // The first row's slug is taken: the unique index refuses the write.
          await tx.table('notes').put({ id: 3, slug: 'same', list });
        },
      });
      const transfer = await writeTransfer(t, JSON.stringify(file));
      const answer = await t.call(Command.rehearseUpgrade, { transfer, database: 'reh-far' });
      await t.call(Command.snapshotDiscard, { transfer });
      const result = JSON.parse(await readTransfer(t, answer.transfer, answer.size)).rehearsals[0];
      console.log(JSON.stringify({ ok: result.ok, error: result.error?.name, row: result.row }));
    `,
      { heapMb: 256, timeoutMs: 15_000 },
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.result).toEqual({
      ok: false,
      error: 'ConstraintError',
      row: { table: 'notes', op: 'put', key: 3, value: { id: 3, slug: 'same', list: { $t: 'sparse', length: 2 ** 32 - 1, v: [[3, 'three'], [2 ** 32 - 2, 'last']] } } },
    });
  });
});
