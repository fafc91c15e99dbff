import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { openDatabase } from '../../../db/database.js';
import { memory } from '../../../db/providers/memory.js';
import { BLOB_PAGE, Command } from '../../../protocol/messages.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';

afterEach(() => configureDevtools({ redact: () => false }));

describe('blobList (issue 14.17)', () => {
  it('pages the listing: at most BLOB_PAGE per message, with the total and the usage of all', async () => {
    const db = await openDatabase('blob-pages', { version: 1, tables: {}, blobs: true, provider: memory() });
    const count = BLOB_PAGE + 5;
    for (let i = 0; i < count; i++) await db.blobs.put(new Blob(['x'.repeat(i % 3)]), { name: `b${i}`, meta: { big: 'm'.repeat(100_000) } });
    const t = kit();
    await t.hello();
    const id = registryId(db)!;
    const first = await t.call(Command.blobList, { database: id });
    expect(first.blobs.length).toBe(BLOB_PAGE);
    expect(first.total).toBe(count);
    const rest = await t.call(Command.blobList, { database: id, offset: BLOB_PAGE, limit: 10_000 });
    expect(rest).toMatchObject({ offset: BLOB_PAGE, total: count });
    expect(rest.blobs.length).toBe(5);
    // The two pages hold every blob once.
    const names = new Set([...first.blobs, ...rest.blobs].map((blob) => blob.name));
    expect(names).toEqual(new Set([...Array(count).keys()].map((i) => `b${i}`)));
    const expectedUsage = [...Array(count).keys()].reduce((sum, i) => sum + (i % 3), 0);
    expect(first.usage).toBe(expectedUsage);
    // Each meta is cut to a preview: a page of 200 is far below the message limit.
    expect(JSON.stringify(first).length).toBeLessThan(1_000_000);
    expect((await t.call(Command.blobList, { database: id, offset: 0, limit: 3 })).blobs.length).toBe(3);
  });
});

describe('blobList with redact', () => {
  it('shows a meta field redact() hides as [redacted], as the snapshot file does: its text never leaves the page', async () => {
    const db = await openDatabase('blob-redact', { version: 1, tables: {}, blobs: true, provider: memory() });
    await db.blobs.put(new Blob(['scan']), { name: 'passport.png', meta: { owner: 'alice-secret@example.com', pages: 2 } });
    // The path is the one a snapshot export asks about a blob's meta: ['db', name, '$blobs', id, 'meta', ...].
    const asked: unknown[] = [];
    configureDevtools({ redact: (path) => (asked.push(path), path[2] === '$blobs' && path.at(-1) === 'owner') });
    const t = kit();
    await t.hello();
    const { blobs } = await t.call(Command.blobList, { database: registryId(db)! });
    expect(blobs[0]!.meta).toEqual({ owner: '[redacted]', pages: 2 });
    expect(asked).toContainEqual(['db', 'blob-redact', '$blobs', blobs[0]!.id, 'meta', 'owner']);
    expect(JSON.stringify(t.envelopes)).not.toContain('alice-secret');
  });
});
