/** Snapshot files and a redacted primary key: the key stays out of the file and of every answer. */
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { exportSnapshot as pull, writeTransfer as push } from '../../../test/helpers/snapshot-transfer.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command } from '../../protocol/messages.js';
import { configureDevtools } from '../../registry/registry.js';

describe('snapshot commands with a redacted primary key', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('keep the key out of the file, the preview and the import, and the page keeps those rows', async () => {
    const t = kit();
    await t.hello();
    configureDevtools({ redact: (path) => path.at(-1) === 'email' });
    const db = await openDatabase('cmd-redact-key', { version: 1, tables: { users: { key: 'email' } }, provider: memory() });
    await db.table('users').bulkPut([
      { email: 'ann-secret@x', name: 'ann' },
      { email: 'bob-secret@x', name: 'bob' },
    ]);
    const text = await pull(t);
    expect(text).not.toContain('-secret');
    await db.table('users').put({ email: 'ann-secret@x', name: 'ann changed' });
    const transfer = await push(t, text);
    const preview = await t.call(Command.snapshotPreview, { transfer });
    expect(preview.skipped.length).toBeGreaterThan(0);
    await t.call(Command.snapshotImport, { transfer });
    expect(await db.table('users').get('ann-secret@x')).toEqual({ email: 'ann-secret@x', name: 'ann changed' });
    expect(await db.table('users').count()).toBe(2);
    expect(JSON.stringify(t.envelopes)).not.toContain('-secret');
  });
});
