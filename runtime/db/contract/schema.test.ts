import { describe, expect, it } from 'vitest';
import { registered } from '../../registry/registry.js';
import { openDatabase, type DbEvent } from '../index.js';
import { contract } from './harness.js';

contract((t, { open, name, track }) => {
  describe(`${t.label}: schema`, () => {
    it('opens with the declared tables, key paths and indexes, and says where it lives', async () => {
      const db = await open({ cache: true, blobs: true });
      expect(db.provider).toBe(t.kind);
      expect(db.persistent).toBe(t.persistent);
      expect(db.version).toBe(1);
      const notes = db.tables().find((table) => table.name === 'notes');
      expect(notes).toMatchObject({ key: 'id', autoIncrement: true, internal: false });
      expect(notes?.indexes).toEqual(
        expect.arrayContaining([
          { name: 'byTag', path: 'tags', unique: false, multiEntry: true },
          { name: 'byTitle', path: 'title', unique: false, multiEntry: false },
        ]),
      );
      expect(db.tables().find((table) => table.name === 'pairs')?.key).toEqual(['a', 'b']);
      expect(db.tables().filter((table) => table.internal).map((table) => table.name).sort()).toEqual(['$blobdata', '$blobs', '$cache']);
      expect(registered('database').some((entry) => entry.deref() === db)).toBe(true);
    });

    it('lists tables and their indexes by name in code-unit order, as IndexedDB does, whatever the declaration order', async () => {
      const tables = { zeta: { key: 'id', indexes: { zz: 'z', aa: 'a', B: 'b' } }, alpha: { key: 'k' }, Beta: { key: 'k' }, é: { key: 'k' }, '10': { key: 'k' }, '9': { key: 'k' } };
      const db = await open({ tables, cache: true, blobs: true });
      const names = ['$blobdata', '$blobs', '$cache', '10', '9', 'Beta', 'alpha', 'zeta', 'é'];
      // Before: memory, libSQL, Postgres and Redis kept the declaration's order (layouts first on memory, last elsewhere).
      expect(db.tables().map((table) => table.name)).toEqual(names);
      expect(db.tables().find((table) => table.name === 'zeta')?.indexes.map((index) => index.name)).toEqual(['B', 'aa', 'zz']);
      db.close();
      const next = await open({ version: 2, tables: { ...tables, added: { key: 'k' } }, cache: true, blobs: true });
      expect(next.tables().map((table) => table.name)).toEqual([...names.slice(0, 6), 'added', ...names.slice(6)]);
    });

    it('names a missing table in words', async () => {
      const db = await open();
      await expect(db.table('nope').get(1)).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringContaining("no table 'nope'") });
    });
  });


  describe(`${t.label}: versions`, () => {
    it('raising the version creates and deletes tables and indexes, then runs upgrade', async () => {
      const v1 = await open();
      await v1.table('notes').bulkPut([{ title: 'x', tags: [], words: 3 }, { title: 'y', tags: [], words: 5 }]);
      await v1.table('keys').put({ k: 'moved' });
      v1.close();
      const seen: unknown[] = [];
      const v2 = await openDatabase(name(), {
        version: 2,
        tables: {
          notes: { key: 'id', autoIncrement: true, indexes: { byWords: 'words' } },
          archive: { key: 'k' },
        },
        provider: t.provider(),
        upgrade: async ({ oldVersion, newVersion, tx }) => {
          seen.push(oldVersion, newVersion);
          // A removed table is still readable here, so its rows can move.
          for (const row of await tx.table('keys').query()) await tx.table('archive').put(row);
        },
      });
      track(v2);
      expect(seen).toEqual([1, 2]);
      expect(v2.version).toBe(2);
      expect(v2.tables().map((table) => table.name).sort()).toEqual(['archive', 'notes']);
      expect(v2.tables().find((table) => table.name === 'notes')?.indexes.map((index) => index.name)).toEqual(['byWords']);
      expect((await v2.table('notes').query({ index: 'byWords', range: { gt: 4 } })).length).toBe(1);
      expect(await v2.table('archive').get('moved')).toEqual({ k: 'moved' });
    });

    it('a failing upgrade leaves the old version and data in place', async () => {
      const v1 = await open();
      await v1.table('users').bulkPut([{ email: 'a', handle: 'h', team: 1 }, { email: 'b', handle: 'i', team: 1 }]);
      v1.close();
      const bad = openDatabase(name(), {
        version: 2,
        tables: { users: { key: 'email', indexes: { byTeam: { path: 'team', unique: true } } } },
        provider: t.provider(),
      });
      // In words on every provider: which unique index the rows break.
      await expect(bad).rejects.toMatchObject({ name: 'ConstraintError', message: expect.stringContaining("unique index 'byTeam' on 'users'") });
      const again = await open();
      expect(again.version).toBe(1);
      expect(await again.table('users').count()).toBe(2);
      expect(again.tables().map((table) => table.name)).toContain('notes');
    });

    it('an upgrade that awaits something else fails with TransactionInactiveError and changes nothing', async () => {
      (await open()).close();
      const bad = openDatabase(name(), {
        version: 2,
        tables: { keys: { key: 'k' } },
        provider: t.provider(),
        upgrade: async ({ tx }) => {
          await tx.table('keys').put({ k: 'written in the upgrade' });
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      });
      await expect(bad).rejects.toMatchObject({ name: 'TransactionInactiveError' });
      const again = await open();
      expect(again.version).toBe(1);
      expect(await again.table('keys').count()).toBe(0);
    });

    it('lowering the version is a VersionError; changing a key path is an error in words', async () => {
      (await open({ version: 3 })).close();
      await expect(open({ version: 2 })).rejects.toMatchObject({ name: 'VersionError', message: expect.stringContaining('version 3') });
      await expect(open({ version: 4, tables: { notes: { key: 'uuid' } } })).rejects.toThrow(/cannot change in place/);
    });

    it('takes any version IndexedDB takes (up to 2^53 - 1, a timestamp too), and refuses a larger one in words', async () => {
      // IndexedDB's version is an unsigned long long bounded to 2^53 - 1: Date.now() is a version.
      const big = 2 ** 40;
      (await open({ version: big })).close();
      const again = await open({ version: big });
      expect(again.version).toBe(big);
      await again.table('keys').put({ k: 'kept' });
      again.close();
      const top = await open({ version: Number.MAX_SAFE_INTEGER });
      expect(top.version).toBe(Number.MAX_SAFE_INTEGER);
      expect(await top.table('keys').get('kept')).toEqual({ k: 'kept' });
      top.close();
      await expect(open({ version: 2 ** 53 })).rejects.toMatchObject({ name: 'TypeError', message: expect.stringMatching(/version must be a whole number from 1 to 2\^53 - 1/) });
    });

    it('an old connection closes itself when another upgrades, and says why', async () => {
      const old = await open();
      const events: DbEvent[] = [];
      old.subscribe((event) => events.push(event));
      const next = await open({ version: 2 });
      expect(next.version).toBe(2);
      expect(old.closed).toBe(true);
      expect(events).toEqual([
        { type: 'versionchange', newVersion: 2 },
        { type: 'close', reason: 'another connection upgrades it to version 2' },
      ]);
      await expect(old.table('keys').count()).rejects.toMatchObject({ name: 'DatabaseUnavailableError' });
    });

    it('delete() removes the database with its rows', async () => {
      const db = await open();
      await db.table('keys').put({ k: 1 });
      await db.delete();
      expect(db.closed).toBe(true);
      const fresh = await open();
      expect(await fresh.table('keys').count()).toBe(0);
    });
  });
});
