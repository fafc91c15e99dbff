/**
 * Rows as the SQL providers store them (libsql-values.ts): a value deeper than JSON.stringify
 * reaches is still written, in every engine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadValue, storeValue } from './libsql-values.js';
import { stringifyAsFirefox } from '../../../test/helpers/firefox-stack.js';
import { asIfFromAnotherRealm } from '../../../test/helpers/other-realm.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('storeValue of a value deeper than JSON.stringify reaches', () => {
  it('writes it in Firefox too, where running out of stack is an InternalError', async () => {
    let deep: unknown = new Date(0);
    for (let i = 0; i < 10_000; i++) deep = [deep];
    stringifyAsFirefox();
    const row = await storeValue(deep);
    vi.restoreAllMocks();
    let back = loadValue(row.text, row.bytes);
    for (let i = 0; i < 10_000; i++) back = (back as unknown[])[0];
    expect(back).toEqual(new Date(0));
  });
});

describe('a File made in another realm (an iframe)', () => {
  it('is stored with its bytes, as a File of this realm is', async () => {
    // Node's vm contexts have no File: a real one re-parented is what an iframe's File looks like.
    const file = asIfFromAnotherRealm(new File(['hello'], 'note.txt', { type: 'text/plain', lastModified: 1234 }));
    const row = await storeValue({ file });
    const back = loadValue(row.text, row.bytes) as { file: File };
    expect(back.file).toBeInstanceOf(File);
    expect(back.file.name).toBe('note.txt');
    expect(await back.file.text()).toBe('hello');
  });
});
