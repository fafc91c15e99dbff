/**
 * A far sparse array (`a[2 ** 32 - 2] = 1`: length 4,294,967,295, one item) is a legal IndexedDB
 * or memory row and a legal state (structured clone keeps holes as holes). Written hole by hole,
 * as the codec writes arrays, it is four billion nodes: the page ran out of memory listing the
 * row, hashing it, exporting or recording it, or checking an edit's look-alike. Each case runs
 * in a process of its own with a capped heap, so running out of memory fails the test in words
 * instead of taking the test worker down.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, type Encoded } from '../../codec/index.js';
import { eachTagged } from '../../codec/encoded.js';
import { linkedValue } from '../../../test/helpers/codec-arbitraries.js';
import { runGuarded } from '../../../test/helpers/guarded.js';
import { MAX_HOLES } from './far.js';
import { encodeWhole } from './sparse.js';

// Under vitest's 20 s per test, so the guard (which kills the process) fires first.
const LIMITS = { heapMb: 256, timeoutMs: 15_000 };

const FAR = `
const far = (...items: [number, unknown][]): unknown[] => {
  const list: unknown[] = [];
  list[2 ** 32 - 2] = 'last';
  for (const [at, item] of items) list[at] = item;
  return list;
};
`;

async function run(source: string): Promise<unknown> {
  const outcome = await runGuarded(FAR + source, LIMITS);
  expect(outcome.failure).toBeUndefined();
  return outcome.result;
}

describe('the panel lists a row and a state holding a far sparse array', () => {
  it('lists a memory row: its length, its items with their indexes, and a hash', async () => {
    const result = (await run(`
      import { kit } from './test/helpers/agent-kit.ts';
      import { openDatabase } from './runtime/db/database.ts';
      import { memory } from './runtime/db/providers/memory.ts';
      import { Command } from './runtime/protocol/messages.ts';
      import { registryId } from './runtime/registry/registry.ts';
      const db = await openDatabase('far-rows', { version: 1, tables: { rows: { key: 'id' } }, provider: memory() });
      await db.table('rows').put({ id: 1, list: far([3, { n: 1 }]) });
      const t = kit();
      await t.hello();
      const page = await t.call(Command.dbQuery, { database: registryId(db)!, table: 'rows' });
      console.log(JSON.stringify(page.rows.map((row) => ({ value: row.value, hash: row.hash }))));
    `)) as { value: unknown; hash: string }[];
    expect(result).toHaveLength(1);
    expect(result[0]!.value).toEqual({ id: 1, list: { $t: 'sparse', length: 2 ** 32 - 1, v: [[3, { n: 1 }], [2 ** 32 - 2, 'last']] } });
    expect(result[0]!.hash).toMatch(/^h[0-9a-z]+$/);
  });

  it('shows a state as the panel shows it, with redact() still hiding an item by its index', async () => {
    const result = await run(`
      import { show, InlineBlobs } from './runtime/devtools/agent/show.ts';
      import { configureDevtools } from './runtime/registry/registry.ts';
      const plain = show({ list: far([0, 'a'], [1, 'secret']) }, ['state', 'app', 'k'], new InlineBlobs()).value;
      configureDevtools({ redact: (path) => path[path.length - 1] === 1 });
      const hidden = show({ list: far([0, 'a'], [1, 'secret']) }, ['state', 'app', 'k'], new InlineBlobs());
      console.log(JSON.stringify({ plain, hidden }));
    `);
    expect(result).toEqual({
      plain: { list: { $t: 'sparse', length: 2 ** 32 - 1, v: [[0, 'a'], [1, 'secret'], [2 ** 32 - 2, 'last']] } },
      hidden: { value: { list: { $t: 'sparse', length: 2 ** 32 - 1, v: [[0, 'a'], [1, '[redacted]'], [2 ** 32 - 2, 'last']] } }, redacted: [['list', 1]] },
    });
  });

  it('hashes two different far sparse arrays differently and equal ones equally, so a stale edit is told apart', async () => {
    const result = (await run(`
      import { fingerprint } from './runtime/devtools/agent/show.ts';
      const root = ['db', 'app', 'rows'];
      const hash = (value: unknown) => fingerprint(value, root).hash;
      console.log(JSON.stringify({
        one: hash({ list: far([5, 1]) }),
        same: hash({ list: far([5, 1]) }),
        otherItem: hash({ list: far([5, 2]) }),
        otherIndex: hash({ list: far([6, 1]) }),
        chars: fingerprint({ list: far([5, 1]) }, root).chars,
      }));
    `)) as Record<string, string | number>;
    expect(result['same']).toBe(result['one']);
    expect(result['otherItem']).not.toBe(result['one']);
    expect(result['otherIndex']).not.toBe(result['one']);
    expect(result['chars']).toBeLessThan(200);
  });
});

describe('a far sparse array met twice, or holding itself', () => {
  it('is one sparse node and a ref, as the codec keeps shared and circular references', async () => {
    const result = await run(`
      import { encodeWhole } from './runtime/devtools/agent/sparse.ts';
      const list = far([1, 'x']);
      list[2] = list;
      console.log(JSON.stringify(encodeWhole({ a: list, b: [list] })));
    `);
    expect(result).toEqual({
      a: { $t: 'sparse', id: 0, length: 2 ** 32 - 1, v: [[1, 'x'], [2, { $t: 'ref', id: 0 }], [2 ** 32 - 2, 'last']] },
      b: [{ $t: 'ref', id: 0 }],
    });
  });
});

describe('a snapshot export and a recording refuse a far sparse array in words', () => {
  it('refuses the export, naming the state and the array', async () => {
    const result = await run(`
      import { Store } from './runtime/store/index.ts';
      import { exportSnapshot } from './runtime/devtools/snapshot/export.ts';
      const store = new Store({ name: 'far-app' });
      store.createState({ list: far([1, 'x']) }, { key: 'big', scope: 'app' });
      console.log(JSON.stringify(await exportSnapshot({ stores: [store], webstorages: [], databases: [] }).then(() => 'exported', (error: Error) => error.message)));
    `);
    expect(result).toBe(
      'cannot export state "big" (scope app) at ["list"]: an array of length 4294967295 holding 2 items; a snapshot file writes every hole (4294967293 here), so hold it as a Map or an object',
    );
  });

  it('stops a recording that meets one, saying which change and where, instead of a file missing it', async () => {
    const result = await run(`
      import { Store } from './runtime/store/index.ts';
      import { Recorder } from './runtime/devtools/record/recorder.ts';
      const store = new Store({ name: 'far-rec' });
      const state = store.createState<unknown>(1, { key: 'big', scope: 'app' });
      const recorder = new Recorder(1e8, false);
      state.set({ list: far() });
      console.log(JSON.stringify(await recorder.finish().then(() => 'recorded', (error: Error) => error.message)));
    `);
    expect(result).toBe(
      'cannot record state "big" (scope app) at ["list"]: an array of length 4294967295 holding 1 item; a recording writes every hole (4294967294 here), so hold it as a Map or an object',
    );
  });
});

describe("the edit's look-alike check", () => {
  it('compares a class instance holding a far sparse array without writing its holes', async () => {
    const result = await run(`
      import { guardClasses } from './runtime/devtools/agent/edit.ts';
      class Holder { constructor(public list: unknown[]) {} }
      const list = far([2, 'b']);
      const live = { h: new Holder(list) };
      const lookAlike = (of: unknown[]) => Object.defineProperty({ list: of }, Symbol.toStringTag, { value: 'Holder' });
      const kept = (guardClasses({ h: lookAlike(list) }, live, []) as { h: unknown }).h === live.h;
      let refused = '';
      try {
        guardClasses({ h: lookAlike(far([2, 'c'])) }, live, []);
      } catch (error) {
        refused = (error as Error).message;
      }
      console.log(JSON.stringify({ kept, refused }));
    `);
    expect(result).toEqual({ kept: true, refused: expect.stringContaining('["h"] is a Holder: the panel cannot rebuild a class instance') });
  });
});

describe('a path edit and a search inside a far sparse array', () => {
  it('edits an item of a row from the panel over the hash it listed, and refuses a second edit over that stale hash', async () => {
    const result = await run(`
      import { kit } from './test/helpers/agent-kit.ts';
      import { openDatabase } from './runtime/db/database.ts';
      import { memory } from './runtime/db/providers/memory.ts';
      import { Command } from './runtime/protocol/messages.ts';
      import { registryId } from './runtime/registry/registry.ts';
      const db = await openDatabase('far-edit', { version: 1, tables: { rows: { key: 'id' } }, provider: memory() });
      await db.table('rows').put({ id: 1, list: far([2, 'b']) });
      const t = kit();
      await t.hello();
      const database = registryId(db)!;
      const [listed] = (await t.call(Command.dbQuery, { database, table: 'rows' })).rows;
      const target = { kind: 'row' as const, database, table: 'rows', key: 1 };
      await t.call(Command.edit, { target, baseVersion: listed!.hash, path: ['list', 7], op: 'set', value: 'g' });
      const stale = await t.call(Command.edit, { target, baseVersion: listed!.hash, path: ['list', 8], op: 'set', value: 'h' }).then(() => 'written', (error: { code: string }) => error.code);
      const row = (await db.table('rows').get(1)) as { list: unknown[] };
      console.log(JSON.stringify({ length: row.list.length, keys: Object.keys(row.list), stale }));
    `);
    expect(result).toEqual({ length: 2 ** 32 - 1, keys: ['2', '7', '4294967294'], stale: 'conflict' });
  });

  it('sets an item by copying the items only, and refuses an insert in words (it would move every slot after it)', async () => {
    const result = await run(`
      import { applyEdit } from './runtime/devtools/agent/edit.ts';
      import { editFar } from './runtime/devtools/agent/edit-far.ts';
      const live = { list: far([2, 'b']) };
      const next = applyEdit(live, ['list', 7], 'set', 'g', undefined, editFar) as { list: unknown[] };
      let refused = '';
      try {
        applyEdit(live, ['list', 3], 'insert', 'x', undefined, editFar);
      } catch (error) {
        refused = (error as Error).message;
      }
      console.log(JSON.stringify({ length: next.list.length, keys: Object.keys(next.list), untouched: Object.keys(live.list), refused }));
    `);
    expect(result).toEqual({
      length: 2 ** 32 - 1,
      keys: ['2', '7', '4294967294'],
      untouched: ['2', '4294967294'],
      refused: '["list"] is an array of length 4294967295 holding 2 items: insert would move every slot after it; set an item instead, or change it from the page\'s code',
    });
  });

  it('finds an item by search, at its index', async () => {
    const result = await run(`
      import { matcher, searchValue } from './runtime/devtools/agent/commands/search-match.ts';
      console.log(JSON.stringify(searchValue({ list: far([5, 'a needle']) }, matcher('needle', 'text'), 'text', 10).map((hit) => hit.path)));
    `);
    expect(result).toEqual([['list', 5]]);
  });
});

/** The containers of `root` the codec walks into (plain and null-prototype objects, arrays, Maps, Sets, errors). */
function containersOf(root: unknown): object[] {
  const out: object[] = [];
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const proto: unknown = Object.getPrototypeOf(node);
    if (node instanceof Map) stack.push(...node.keys(), ...node.values());
    else if (node instanceof Set) stack.push(...node);
    else if (Array.isArray(node)) stack.push(...node);
    else if (node instanceof Error) stack.push((node as Error).cause, ...Object.values(node));
    else if (proto === Object.prototype || proto === null) stack.push(...Object.values(node));
    else continue;
    out.push(node);
  }
  return out;
}

/**
 * A slot at the end of `container` (a new key, entry, member or index), as the codec would list
 * it last: `put` fills it, `clear` takes it out again (fast-check keeps the value it generated).
 */
function slotIn(container: object): { put(item: unknown): void; clear(): void } {
  const index = Array.isArray(container) ? container.length : 0;
  let held: unknown;
  const clear = () => {
    if (container instanceof Map) container.delete(Symbol.for('far'));
    else if (container instanceof Set) container.delete(held);
    else if (Array.isArray(container)) container.length = index;
    else delete (container as Record<string, unknown>)['far'];
  };
  return {
    put(item) {
      clear();
      held = item;
      if (container instanceof Map) container.set(Symbol.for('far'), item);
      else if (container instanceof Set) container.add(item);
      else if (Array.isArray(container)) container[index] = item;
      else Object.defineProperty(container, 'far', { value: item, enumerable: true, writable: true, configurable: true });
    },
    clear,
  };
}

describe('encodeWhole', () => {
  it('is encode() itself for every value without a far sparse array (holes, shared and circular parts included)', () => {
    fc.assert(
      fc.property(linkedValue, (value) => {
        expect(encodeWhole(value)).toEqual(encode(value));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a value holding one as encode() writes it with that array in its place, wherever it sits', () => {
    fc.assert(
      fc.property(linkedValue, fc.nat(), (value, at) => {
        const containers = containersOf(value);
        if (containers.length === 0) return;
        const slot = slotIn(containers[at % containers.length]!);
        const list: unknown[] = [];
        list[MAX_HOLES + 9] = 'last';
        list[3] = 'x';
        try {
          slot.put(list);
          const whole = encodeWhole(value);
          let sparse = 0;
          eachTagged(whole, (node) => {
            if (node['$t'] !== 'sparse') return;
            sparse++;
            expect(node).toEqual({ $t: 'sparse', length: MAX_HOLES + 10, v: [[3, 'x'], [MAX_HOLES + 9, 'last']] });
            for (const key of Object.keys(node)) delete node[key];
            Object.assign(node, { stand: 'in' } satisfies Encoded);
          });
          expect(sparse).toBe(1);
          // What encode() writes with a stand-in it can write in the array's place.
          slot.put({ stand: 'in' });
          expect(whole).toEqual(encode(value));
        } finally {
          slot.clear();
        }
      }),
      { numRuns: 200 },
    );
  });
});
