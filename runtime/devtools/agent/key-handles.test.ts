import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { decode, encode, type Encoded } from '../../codec/index.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command, Event } from '../../protocol/messages.js';
import { configureDevtools, registryId } from '../../registry/registry.js';
import { MAX_HANDLES } from './key-handles.js';

const SECRET = 'alice-secret@example.com';
const OTHER = 'bob-secret@example.com';

afterEach(() => configureDevtools({ redact: () => false }));

async function setup(name: string, key: string | string[], rows: Record<string, unknown>[]) {
  const db = await openDatabase(name, { version: 1, tables: { users: { key, indexes: { byName: 'name' } } }, provider: memory() });
  await db.table('users').bulkPut(rows);
  configureDevtools({ redact: (path) => path.at(-1) === 'email' });
  const t = kit();
  await t.hello();
  return { db, t, database: registryId(db)! };
}

/** Everything the agent sent so far, as one text: the secret must be nowhere in it. */
function wire(t: ReturnType<typeof kit>): string {
  return JSON.stringify(t.envelopes);
}

describe('a primary key redact() hides', () => {
  it('never leaves the page: rows, console, search, deltas and the budget carry [redacted] and a handle', async () => {
    const { db, t, database } = await setup('key-redact-wire', 'email', [
      { email: SECRET, name: 'Alice' },
      { email: OTHER, name: 'Bob' },
    ]);
    const page = await t.call(Command.dbQuery, { database, table: 'users' });
    expect(page.rows).toHaveLength(2);
    const [alice, bob] = page.rows;
    expect(alice!.key).toMatchObject({ $t: 'redacted' });
    // One handle per row, the same on every read: the panel tells rows apart and finds them again.
    expect(JSON.stringify(alice!.key)).not.toBe(JSON.stringify(bob!.key));
    expect((await t.call(Command.dbQuery, { database, table: 'users' })).rows[0]!.key).toEqual(alice!.key);
    await t.call(Command.dbQuery, { database, table: 'users', range: { eq: alice!.key } });
    await t.call(Command.dbQuery, { database, table: 'users', direction: 'prev' });
    await t.call(Command.dbConsole, { database, table: 'users', filter: [{ field: 'name', op: 'eq', value: 'Alice' }] });
    const found = await t.call(Command.search, { query: 'alice', mode: 'text', room: 10 });
    // The name matches; the key (which also holds "alice") is not searched, or its excerpt would show it.
    expect(found.matches.map((match) => match.on)).toEqual(['value']);
    expect(found.matches[0]!.target).toMatchObject({ key: alice!.key });
    await t.call(Command.storageBudget, {});
    await db.table('users').put({ email: 'carol-secret@example.com', name: 'Carol' });
    await db.table('users').delete(OTHER);
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    const deltas = t.events(Event.dbChanged);
    expect(deltas.map((delta) => delta.change)).toEqual(['put', 'delete']);
    expect(deltas[1]!.keys).toEqual([bob!.key]);
    const text = wire(t);
    expect(text).not.toContain('alice-secret');
    expect(text).not.toContain('bob-secret');
    expect(text).not.toContain('carol-secret');
  });

  it('still takes every row command by its handle: expand, edit, store as global, delete', async () => {
    const { db, t, database } = await setup('key-redact-commands', 'email', [{ email: SECRET, name: 'Alice' }]);
    const [row] = (await t.call(Command.dbQuery, { database, table: 'users' })).rows;
    const target = { kind: 'row' as const, database, table: 'users', key: row!.key };
    const expanded = await t.call(Command.expand, { target, path: [] });
    expect(expanded.value).toEqual({ email: '[redacted]', name: 'Alice' });
    const { version } = await t.call(Command.edit, { target, baseVersion: row!.hash, path: ['name'], op: 'set', value: 'Alicia' });
    expect(await db.table('users').get(SECRET)).toEqual({ email: SECRET, name: 'Alicia' });
    await t.call(Command.storeAsGlobal, { target, path: ['name'] });
    expect((globalThis as { $stratum?: unknown }).$stratum).toBe('Alicia');
    // The field that is the key stays refused, as any redacted part.
    await expect(t.call(Command.edit, { target, path: ['email'], op: 'set', value: 'x' })).rejects.toMatchObject({ code: 'redacted' });
    const read = await t.call(Command.dbConsole, { database, table: 'users', range: { eq: row!.key } });
    expect(read.rows.map((one) => one.key)).toEqual([row!.key]);
    await t.call(Command.dbDelete, { database, table: 'users', key: row!.key, baseVersion: version as `h${string}` });
    expect(await db.table('users').count()).toBe(0);
    await db.table('users').put({ email: OTHER, name: 'Bob' });
    const [bob] = (await t.call(Command.dbQuery, { database, table: 'users' })).rows;
    await t.call(Command.dbWrite, { database, label: 'remove bob', ops: [{ op: 'delete', table: 'users', key: bob!.key }] });
    expect(await db.table('users').count()).toBe(0);
    expect(wire(t)).not.toContain('alice-secret');
    expect(wire(t)).not.toContain('bob-secret');
  });

  it('refuses a guessed key in words (its answer would tell whether the secret exists), and an unknown handle', async () => {
    const { t, database } = await setup('key-redact-guess', 'email', [{ email: SECRET, name: 'Alice' }]);
    const guess = { kind: 'row' as const, database, table: 'users', key: SECRET };
    await expect(t.call(Command.expand, { target: guess, path: [] })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbQuery, { database, table: 'users', range: { gte: 'a', lt: 'b' } })).rejects.toMatchObject({ code: 'redacted' });
    await expect(t.call(Command.dbDelete, { database, table: 'users', key: SECRET, baseVersion: 'h0' })).rejects.toMatchObject({ code: 'redacted' });
    const unknown = { $t: 'redacted', handle: 'k-none' } as Encoded;
    await expect(t.call(Command.expand, { target: { ...guess, key: unknown }, path: [] })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/handle .* (unknown|expired)/),
    });
    // A handle of one table does not address a row of another.
    const [row] = (await t.call(Command.dbQuery, { database, table: 'users' })).rows;
    await expect(t.call(Command.expand, { target: { kind: 'row', database, table: '$cache', key: row!.key }, path: [] })).rejects.toMatchObject({ code: 'not-found' });
    // Handles live as long as the agent's session: once the last panel left, they name nothing.
    await t.call(Command.stop, { client: 'panel-1' });
    await t.hello();
    await expect(t.call(Command.expand, { target: { ...guess, key: row!.key }, path: [] })).rejects.toMatchObject({ code: 'not-found' });
    const [again] = (await t.call(Command.dbQuery, { database, table: 'users' })).rows;
    expect(again!.key).not.toEqual(row!.key);
    expect((await t.call(Command.expand, { target: { ...guess, key: again!.key }, path: ['name'] })).value).toBe('Alice');
  });

  it('hides a compound key when one of its parts is redacted, and keeps plain keys plain', async () => {
    const { t, database } = await setup('key-redact-compound', ['org', 'email'], [{ org: 'acme', email: SECRET, name: 'Alice' }]);
    const [row] = (await t.call(Command.dbQuery, { database, table: 'users' })).rows;
    expect(row!.key).toMatchObject({ $t: 'redacted' });
    expect((await t.call(Command.expand, { target: { kind: 'row', database, table: 'users', key: row!.key }, path: ['name'] })).value).toBe('Alice');
    expect(wire(t)).not.toContain('alice-secret');

    const plain = await setup('key-redact-plain', 'id', [{ id: 7, email: SECRET }]);
    const [shown] = (await plain.t.call(Command.dbQuery, { database: plain.database, table: 'users' })).rows;
    expect(decode(shown!.key)).toBe(7);
    expect(shown!.key).toEqual(encode(7));
  });

  it('keeps at most MAX_HANDLES handles: the oldest is forgotten and then refused in words', async () => {
    const rows = Array.from({ length: MAX_HANDLES + 1 }, (_, i) => ({ email: `u${String(i).padStart(6, '0')}@x`, name: `n${i}` }));
    const { t, database } = await setup('key-redact-bound', 'email', rows);
    const first = (await t.call(Command.dbQuery, { database, table: 'users', limit: 1 })).rows[0]!;
    for (let offset = 1; offset <= MAX_HANDLES; offset += 1000) await t.call(Command.dbQuery, { database, table: 'users', offset, limit: 1000 });
    await expect(t.call(Command.expand, { target: { kind: 'row', database, table: 'users', key: first.key }, path: [] })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/expired/),
    });
  });

  it('does not quote another row\'s hidden key in a unique index refusal: the edit is refused as a constraint, in words without it', async () => {
    const db = await openDatabase('key-redact-unique', { version: 1, tables: { users: { key: 'email', indexes: { byName: { path: 'name', unique: true } } } }, provider: memory() });
    await db.table('users').bulkPut([
      { email: SECRET, name: 'Alice' },
      { email: OTHER, name: 'Bob' },
    ]);
    configureDevtools({ redact: (path) => path.at(-1) === 'email' });
    const t = kit();
    await t.hello();
    const database = registryId(db)!;
    const alice = (await t.call(Command.dbQuery, { database, table: 'users' })).rows.find((row) => JSON.stringify(row.value).includes('Alice'))!;
    // The database's own words name the row already holding "Bob" by its key: Bob's e-mail.
    await expect(t.call(Command.edit, { target: { kind: 'row', database, table: 'users', key: alice.key }, baseVersion: alice.hash, path: ['name'], op: 'set', value: 'Bob' })).rejects.toMatchObject({
      code: 'constraint',
      message: expect.stringMatching(/unique index/),
    });
    expect(await db.table('users').get(SECRET)).toEqual({ email: SECRET, name: 'Alice' });
    expect(wire(t)).not.toContain('bob-secret');
  });
});

