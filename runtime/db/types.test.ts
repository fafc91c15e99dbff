/**
 * Types, checked by `tsc --noEmit`: a schema types tables, rows, keys and index names exactly;
 * without one (`unknown`), everything still compiles. Each `@ts-expect-error` line must fail to
 * compile, or tsc reports the directive as unused.
 */
import { describe, expect, it } from 'vitest';
import { memory, openDatabase, type Database, type DbSchema, type Key } from './index.js';

interface Note {
  id?: number;
  title: string;
  tags: string[];
}

type AppSchema = {
  notes: { value: Note; key: number; indexes: { byTag: string; byTitle: string } };
  users: { value: { email: string; name: string }; key: string };
};

const tables = {
  notes: { key: 'id', autoIncrement: true, indexes: { byTag: { path: 'tags', multiEntry: true }, byTitle: 'title' } },
  users: { key: 'email' },
};

describe('typed schemas', () => {
  it('type tables, values, keys and index names; untyped use still compiles', async () => {
    const db = await openDatabase<AppSchema>('typed', { version: 1, tables, provider: memory() });
    const notes = db.table('notes');
    const id: number = await notes.put({ title: 'a', tags: ['x'] });
    const note: Note | undefined = await notes.get(id);
    expect(note?.title).toBe('a');
    const byTag: Note[] = await notes.query({ index: 'byTag', range: { eq: 'x' } });
    expect(byTag).toHaveLength(1);
    await notes.query({ range: { gt: 2n ** 60n } }); // number keys take BigInt bounds
    await db.transaction(['notes', 'users'], 'readwrite', async (tx) => {
      const user = await tx.table('users').get('a@x');
      expect(user?.name).toBeUndefined();
    });

    // @ts-expect-error -- no such table in the schema
    expect(() => db.table('nope')).toBeDefined();
    // @ts-expect-error -- a note has no `body`
    await notes.put({ title: 'b', tags: [], body: 'x' }).catch(() => undefined);
    // @ts-expect-error -- notes are keyed by number
    await notes.get('1');
    // @ts-expect-error -- no index `byWords`
    await notes.query({ index: 'byWords' }).catch(() => undefined);
    // @ts-expect-error -- byTitle holds strings
    await notes.query({ index: 'byTitle', range: { eq: 5 } });
    // @ts-expect-error -- users have string keys: no BigInt bounds
    await db.table('users').query({ range: { gt: 1n } });
    // @ts-expect-error -- update patches existing fields only
    await notes.update(1, { words: 3 }).catch(() => undefined);
    // @ts-expect-error -- transactions name schema tables
    await db.transaction(['nope'], 'readonly', async () => undefined).catch(() => undefined);
    await openDatabase<AppSchema>('typed-missing', {
      version: 1,
      // @ts-expect-error -- every schema table must be declared
      tables: { notes: tables.notes },
      provider: memory(),
    }).catch(() => undefined);

    const loose: Database = await openDatabase('untyped', { version: 1, tables: { anything: { key: 'k' } }, provider: memory() });
    const row: unknown = await loose.table('anything').get('k');
    const key: Key = await loose.table('anything').put({ k: 'k' });
    await loose.table('whatever-at-runtime').count().catch(() => undefined);
    expect([row, key]).toEqual([undefined, 'k']);

    const schema: DbSchema = {} as AppSchema;
    expect(schema).toEqual({});
    db.close();
    loose.close();
  });
});
