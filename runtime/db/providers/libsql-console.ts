/** The query console's read-only SQL on libSQL: loaded on the console's first statement, so an app that never opens the console does not carry it. */
import type { Client } from '@libsql/client';
import type { SqlRows } from '../provider.js';
import { readInProcess } from './libsql-console-process.js';
import { refusedOnSqlite, SHADOWING_TABLES } from './sql-console-sqlite.js';
import type { Lock } from './tasks.js';

/** What the console reads through: the libSQL provider. */
export interface LibsqlSource {
  readonly url: string;
  readonly persistent: boolean;
  /** How long a connection waits for another's lock on the file (ms). */
  readonly busyTimeout: number;
  use(): { client: Client; place: { lock: Lock } };
}

/**
 * The console's SQL: a read transaction with `PRAGMA query_only` on, so SQLite itself refuses
 * every write ("attempt to write a readonly database"), then rolled back. libSQL's 'read'
 * transaction alone does not refuse writes (it only rolls them back on close), and the pragma
 * outlives the transaction on the client's connection, so it is turned off again before close.
 * libSQL runs only the first statement of the text. Statements that end the transaction
 * (after which the pragma could no longer be turned off inside it), ATTACH and pragma writes
 * (which stay on the app's connection) are refused first; and the pragma is turned off on the
 * client again after close whatever happened inside. On a file, the statement is read on a
 * connection of its own in a process killed after `timeoutMs` (SQL_TIMEOUT_MS unless given;
 * libsql-console-process.ts says why); a `:memory:` database is only on the app's connection,
 * and is read there with no time limit.
 */
export async function readOnlySql(provider: LibsqlSource, text: string, timeoutMs?: number): Promise<SqlRows> {
  const { client, place } = provider.use();
  const release = await place.lock.acquire();
  try {
    const tables = new Set((await client.execute(SHADOWING_TABLES)).rows.map((row) => String(row[0])));
    const refused = refusedOnSqlite(text, tables);
    if (refused) throw new TypeError(refused);
    // Under the place's lock still: the app's transactions wait (without blocking) instead of
    // meeting the reader's file lock in libSQL's synchronous busy wait.
    if (provider.url.startsWith('file:') && provider.persistent) return await readInProcess(provider.url, text, provider.busyTimeout, timeoutMs);
    const tx = await client.transaction('read');
    try {
      await tx.execute('PRAGMA query_only = ON');
      const result = await tx.execute(text);
      return { columns: [...result.columns], rows: result.rows.map((row) => Array.from(row)) };
    } finally {
      await tx.execute('PRAGMA query_only = OFF').catch((error: unknown) => console.warn('stratum: the console transaction ended early; query_only is turned off on the connection', error));
      tx.close();
      await client.execute('PRAGMA query_only = OFF');
    }
  } finally {
    release();
  }
}
