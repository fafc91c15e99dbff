import { describe, expect, it } from 'vitest';
import { decode, encode } from '#codec/index.js';
import type { CommandError } from '#protocol/errors.js';
import { AREA_IDS, PageKeys, textFor } from './keys.js';

/** A Storage as the browser's: strings in, strings out, keys in insertion order. */
class MemoryStorage implements Storage {
  private readonly _map = new Map<string, string>();
  get length() {
    return this._map.size;
  }
  key(i: number) {
    return [...this._map.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this._map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this._map.set(key, String(value));
  }
  removeItem(key: string) {
    this._map.delete(key);
  }
  clear() {
    this._map.clear();
  }
  [name: string]: unknown;
}

function page() {
  const localStorage = new MemoryStorage();
  const sessionStorage = new MemoryStorage();
  localStorage.setItem('theme', 'dark');
  localStorage.setItem('prefs', '{"fontSize":14,"compact":false}');
  localStorage.setItem('visits', '3');
  localStorage.setItem('notes:list', 'stratum:1:["a"]');
  localStorage.setItem('stratum.client-id', 'c1');
  sessionStorage.setItem('draft', 'hello');
  return { localStorage, sessionStorage, keys: new PageKeys({ localStorage, sessionStorage }) };
}

const LOCAL = AREA_IDS.local;

describe('the page storage inspector: webstorage keys', () => {
  it('lists every key but Stratum\'s own, JSON read as its value and other text as a string', () => {
    const { keys } = page();
    const local = keys.list('local');
    expect(local.keys.map((entry) => entry.key)).toEqual(['theme', 'prefs', 'visits']);
    expect(local.keys.map((entry) => decode(entry.value))).toEqual(['dark', { fontSize: 14, compact: false }, 3]);
    expect(keys.list('session').keys.map((entry) => entry.key)).toEqual(['draft']);
  });

  it('keeps each key\'s form: JSON written back as JSON, a plain string as itself', () => {
    const { keys, localStorage } = page();
    const [theme, prefs] = keys.list('local').keys;
    keys.edit(LOCAL, 'prefs', { path: ['fontSize'], op: 'set', value: encode(16), baseVersion: prefs!.hash });
    expect(localStorage.getItem('prefs')).toBe('{"fontSize":16,"compact":false}');
    keys.set(LOCAL, 'theme', encode('light'), theme!.hash);
    expect(localStorage.getItem('theme')).toBe('light');
    // A JSON string stays JSON text; a new key given a string is a string.
    localStorage.setItem('quoted', '"x"');
    keys.set(LOCAL, 'quoted', encode('y'), keys.info('quoted', '"x"').hash);
    expect(localStorage.getItem('quoted')).toBe('"y"');
    keys.set(LOCAL, 'fresh', encode('plain'), null);
    expect(localStorage.getItem('fresh')).toBe('plain');
    // The user chose a number for a string key: that is JSON now, as asked.
    keys.set(LOCAL, 'fresh', encode(5), keys.info('fresh', 'plain').hash);
    expect(localStorage.getItem('fresh')).toBe('5');
  });

  it('refuses an edit over a key that changed since the panel read it, and values text cannot hold', () => {
    const { keys, localStorage } = page();
    const [theme] = keys.list('local').keys;
    localStorage.setItem('theme', 'solarized');
    let error: CommandError | undefined;
    try {
      keys.set(LOCAL, 'theme', encode('light'), theme!.hash);
    } catch (caught) {
      error = caught as CommandError;
    }
    expect(error?.code).toBe('conflict');
    expect(decode(error!.current!.value)).toBe('solarized');
    expect(localStorage.getItem('theme')).toBe('solarized');
    expect(() => textFor(new Date(0), true)).toThrow(/JSON cannot hold/);
    expect(() => keys.remove(LOCAL, 'theme', theme!.hash)).toThrow(/changed since/);
  });

  it('clear removes only the keys it shows', () => {
    const { keys, localStorage } = page();
    expect(keys.clear(LOCAL)).toBe(3);
    expect(localStorage.getItem('notes:list')).toBe('stratum:1:["a"]');
    expect(localStorage.getItem('stratum.client-id')).toBe('c1');
  });
  it('JSON text with a number JavaScript cannot hold exactly is text: a field edit is refused in words, the text is never rewritten', () => {
    const localStorage = new MemoryStorage();
    const sessionStorage = new MemoryStorage();
    // A Snowflake-style id, as many APIs send and apps cache as JSON text.
    const text = '{"userId":1234567890123456789,"name":"Ada"}';
    localStorage.setItem('session', text);
    localStorage.setItem('plain', '{"n":1.50,"big":1e300,"tiny":0.1,"s":"12345678901234567890"}');
    const keys = new PageKeys({ localStorage, sessionStorage });
    const [entry, plain] = keys.list('local').keys;
    expect(decode(entry!.value)).toBe(text);
    expect(() => keys.edit(AREA_IDS.local, 'session', { path: ['name'], op: 'set', value: encode('Grace'), baseVersion: entry!.hash })).toThrow(
      /number JavaScript cannot hold exactly \(1234567890123456789\)/,
    );
    expect(localStorage.getItem('session')).toBe(text);
    // Edited as the text it is, it is written as that text.
    keys.set(AREA_IDS.local, 'session', encode(text.replace('Ada', 'Grace')), entry!.hash);
    expect(localStorage.getItem('session')).toBe('{"userId":1234567890123456789,"name":"Grace"}');
    // Numbers that read back as themselves (however spelled) and digits inside strings keep ordinary JSON editable.
    keys.edit(AREA_IDS.local, 'plain', { path: ['tiny'], op: 'set', value: encode(0.2), baseVersion: plain!.hash });
    expect(localStorage.getItem('plain')).toBe('{"n":1.5,"big":1e+300,"tiny":0.2,"s":"12345678901234567890"}');
  });
});

describe("Stratum's own keys, named outright", () => {
  it('are neither read, overwritten, edited nor removed here: the runtime shows them, with its redact', () => {
    const { localStorage, keys } = page();
    localStorage.setItem('myapp:session', 'stratum:1:{"token":"s3cret-token"}');
    const local = AREA_IDS.local;
    const tries: [string, () => unknown][] = [
      ['expand', () => keys.value(local, 'myapp:session')],
      // A "new key" over one that exists is a conflict, and a conflict carries the value it met.
      ['add', () => keys.set(local, 'myapp:session', encode('x'), null)],
      ['edit', () => keys.edit(local, 'myapp:session', { path: [], op: 'set', value: encode('x'), baseVersion: 'h0' })],
      ['remove', () => keys.remove(local, 'myapp:session', 'h0')],
      ['client id', () => keys.value(local, 'stratum.client-id')],
    ];
    for (const [what, attempt] of tries) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, what).toMatchObject({ code: 'not-editable', message: expect.stringMatching(/Stratum runtime/) });
      expect(JSON.stringify(thrown), what).not.toContain('s3cret');
    }
    expect(localStorage.getItem('myapp:session')).toBe('stratum:1:{"token":"s3cret-token"}');
  });
});
