import { describe, expect, it, vi } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { decode } from '../../../codec/index.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import type { SearchRequest, SearchResult } from '../../../protocol/power.js';
import { Command } from '../../../protocol/messages.js';
import { registryId } from '../../../registry/registry.js';
import { Store } from '../../../store/store.js';
import { webstorage } from '../../../webstorage/index.js';
import { excerpt, matcher, readablePath, searchValue } from './search-match.js';

async function setup() {
  const store = new Store({ name: 'search-store' });
  const todos = store.createState({ todos: [{ title: 'buy milk' }, { title: 'walk' }, { title: 'call zebra-7' }], count: 42 }, { key: 'list', scope: 'app' });
  const storage = webstorage('memory', { namespace: 'search-ns' });
  storage.set('zebraSetting', { on: true });
  storage.set('theme', 'dark stripes of a zebra');
  const db = await openDatabase('search-db', { version: 1, tables: { notes: { key: 'id' } }, provider: memory() });
  const rows = Array.from({ length: 1200 }, (_, id) => ({ id, text: id === 1100 ? 'a zebra at the end' : `note ${id}` }));
  await db.table('notes').bulkPut(rows);
  const t = kit();
  await t.hello();
  return { t, store, todos, storage, db, database: registryId(db)! };
}

/** Calls search until the cursor runs out, as the panel does. */
async function searchAll(t: ReturnType<typeof kit>, request: Omit<SearchRequest, 'room'>, room = 100) {
  const results: SearchResult[] = [];
  let cursor: SearchRequest['cursor'];
  do {
    const result = await t.call(Command.search, { ...request, room: room - results.reduce((sum, r) => sum + r.matches.length, 0), ...(cursor && { cursor }) });
    results.push(result);
    cursor = result.cursor ?? undefined;
  } while (cursor);
  return { matches: results.flatMap((result) => result.matches), over: results.reduce((sum, result) => sum + result.over, 0), results };
}

describe('search', () => {
  it('finds text in a state value, a webstorage key and value, and a table row, each with its path', async () => {
    const { t, database } = await setup();
    const { matches, results } = await searchAll(t, { query: 'ZEBRA', mode: 'text', pageSize: 100 });
    const where = matches.map((match) => `${match.target.kind} ${match.at} ${match.on}`);
    expect(where).toContain('state list.todos[2].title value');
    expect(where).toContain('webstorage zebraSetting key');
    expect(where).toContain('webstorage theme value');
    expect(where).toContain('row 1100.text value');
    const row = matches.find((match) => match.target.kind === 'row')!;
    expect(row.target).toMatchObject({ kind: 'row', database, table: 'notes' });
    expect(row.target.kind === 'row' && decode(row.target.key)).toBe(1100);
    expect(row.excerpt).toEqual(['a ', 'zebra', ' at the end']);
    const last = results[results.length - 1]!;
    expect(last.cursor).toBeNull();
    expect(last.scanned).toBeGreaterThanOrEqual(1200);
    expect(last.scanned).toBe(last.total);
  });

  it('matches numbers by value and regular expressions; an invalid one is refused in words', async () => {
    const { t } = await setup();
    const numbers = await searchAll(t, { query: '4.2e1', mode: 'number' });
    expect(numbers.matches.some((match) => match.at === 'list.count')).toBe(true);
    const regex = await searchAll(t, { query: 'zebra-\\d', mode: 'regex' });
    expect(regex.matches.map((match) => match.at)).toContain('list.todos[2].title');
    await expect(t.call(Command.search, { query: 'a(', mode: 'regex', room: 10 })).rejects.toThrow(/not a regular expression/);
    await expect(t.call(Command.search, { query: 'abc', mode: 'number', room: 10 })).rejects.toThrow(/not a number/);
  });

  it('refuses a regular expression that can backtrack for ever (nested or alternating repetition) in words, before it freezes the page', async () => {
    // `(a+)+$` against 30 a's and a "!" backtracks ~2^30 times inside one exec: no slice can yield.
    for (const query of ['(a+)+$', '(?:a*)*b', '(a|aa)+$', '((ab)*c)+', '(\\w+\\s?)+$', '(a{1,})+']) {
      expect(() => matcher(query, 'regex'), query).toThrow(/exponential time/);
    }
    // Repetition that cannot nest stays allowed.
    for (const query of ['zebra-\\d+', '(ab)+', '(a+)?b', '[a+]+', '\\(a+\\)+', '(foo|bar)', 'a{2,5}b*']) {
      expect(matcher(query, 'regex')('xx zebra-12 ab (a)) foo aab'), query).toBeDefined();
    }
  });

  it('caps matches at the room the panel gives and counts the rest', async () => {
    const { t } = await setup();
    const { matches, over } = await searchAll(t, { query: 'note', mode: 'text' }, 10);
    expect(matches).toHaveLength(10);
    expect(over).toBeGreaterThanOrEqual(1190);
  });
});

describe('search-match', () => {
  it('walks Maps, Sets and nested objects with codec paths, and skips redacted ones', () => {
    const value = { a: new Map([['needle', { b: ['x', 'a needle'] }]]), s: new Set(['needle']) };
    const hits = searchValue(value, matcher('needle', 'text'), 'text', 10);
    expect(hits.map((hit) => readablePath('v', hit.path))).toEqual(['v.a[0][0]', 'v.a[0][1].b[1]', 'v.s[0]']);
    const hidden = searchValue(value, matcher('needle', 'text'), 'text', 10, (path) => path[0] === 'a');
    expect(hidden.map((hit) => hit.path)).toEqual([['s', 0]]);
  });

  it('finds a number typed in a string only when it is written in decimal, as the panel shows numbers', () => {
    const value = { id: '42', hex: '0x2A', octal: '0o52', binary: '0b101010', padded: ' 42 ', exp: '4.2e1', n: 42 };
    const hits = searchValue(value, matcher('42', 'number'), 'number', 10);
    expect(hits.map((hit) => hit.path[0])).toEqual(['id', 'padded', 'exp', 'n']);
  });

  it('finds null and undefined by the words the panel shows for them, not in number mode', () => {
    const value = { a: null, b: undefined, c: 'nullable', list: [undefined] };
    expect(searchValue(value, matcher('null', 'text'), 'text', 10).map((hit) => hit.path)).toEqual([['a'], ['c']]);
    expect(searchValue(value, matcher('^undefined$', 'regex'), 'regex', 10).map((hit) => hit.path)).toEqual([['b'], ['list', 0]]);
    expect(searchValue(value, matcher('0', 'number'), 'number', 10)).toEqual([]);
  });

  it('marks a match cut at 120 characters as cut', () => {
    const text = `before ${'x'.repeat(300)} after`;
    const [, match] = excerpt(text, [7, 307]);
    expect(match).toBe(`${'x'.repeat(120)}…`);
    expect(excerpt('a zebra b', [2, 7])).toEqual(['a ', 'zebra', ' b']);
  });
});

describe('search review', () => {
  it('marks the matched text even when lower-casing changes the length of what comes before', () => {
    // 'İ'.toLowerCase() is two code units: indexes in the lowered text are off by one.
    const text = 'İstanbul zebra';
    const found = matcher('zebra', 'text')(text)!;
    expect(text.slice(found[0], found[1])).toBe('zebra');
  });
});
