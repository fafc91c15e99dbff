/** The query console's read-only SQL on Postgres: loaded on the console's first statement, so an app that never opens the console does not carry it. */
import type { PoolClient, QueryArrayConfig, QueryArrayResult } from 'pg';
import type { SqlRows } from '../provider.js';
import type { PgPlace } from './postgres-place.js';
import { ranTooLong, SQL_ROWS_READ, SQL_TIMEOUT_MS } from './sql-console.js';
import { refusedOnPostgres } from './sql-console-postgres.js';

/** PostgreSQL's type id of int8 (bigint). */
const INT8_OID = 20;

/**
 * The console's SQL: `BEGIN READ ONLY` (a first query fixes the snapshot, so `SET TRANSACTION
 * READ WRITE` can no longer lift it), the text through the extended protocol, forced: pg's default
 * simple protocol would run `COMMIT; DELETE …` as two statements, the DELETE after the read-only
 * transaction ended; extended, the server refuses more than one statement. Then ROLLBACK.
 * A read-only transaction still lets COPY write or read server files or run programs, DO run
 * any code, and functions such as pg_read_file read server files: all are refused before they
 * reach the server (sql-console-postgres.ts). Session state outlives a rollback
 * (`pg_advisory_lock` holds until the session ends, and would block the app's writers from the
 * pool), so the connection is dropped, never pooled again. The server cancels a statement past
 * `timeoutMs`: a long query would hold a connection and its snapshot.
 */
export async function readOnlySql(place: PgPlace, db: string, text: string, timeoutMs = SQL_TIMEOUT_MS): Promise<SqlRows> {
  const refused = refusedOnPostgres(text);
  if (refused) throw new TypeError(refused);
  const { client, done } = await place.checkout(db);
  let broken: Error | undefined;
  const started = performance.now();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    await client.query('SELECT 1');
    // @types/pg does not list queryMode (pg 8.12+ reads it): the config is typed here, not as a literal.
    // int8 (count(*), bigserial ids) as BigInt, as libSQL gives integers, rather than pg's text; other types as pg reads them.
    const types = { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? BigInt : client.getTypeParser(oid, format))) as PoolClient['getTypeParser'] };
    const config: QueryArrayConfig & { queryMode: 'extended' } = { text, rowMode: 'array', queryMode: 'extended', types };
    // A query is read through a cursor, SQL_ROWS_READ rows at most: `SELECT *` over a big table
    // would otherwise come whole into the app's memory. What a cursor cannot hold (SHOW,
    // EXPLAIN, …) is a syntax error there, and a write inside WITH is not supported there: both run as they are.
    await client.query('SAVEPOINT stratum_console');
    let result: QueryArrayResult;
    try {
      await client.query({ ...config, text: `DECLARE stratum_console NO SCROLL CURSOR FOR ${text}` });
      result = await client.query({ text: `FETCH ${SQL_ROWS_READ} FROM stratum_console`, rowMode: 'array', types });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== '42601' && code !== '0A000') throw error;
      await client.query('ROLLBACK TO SAVEPOINT stratum_console');
      result = await client.query(config);
    }
    return { columns: (result.fields ?? []).map((field) => field.name), rows: result.rows ?? [] };
  } catch (error) {
    // query_canceled past the limit is the statement_timeout set above, not a cancel from another session.
    throw (error as { code?: unknown }).code === '57014' && performance.now() - started >= timeoutMs ? ranTooLong(timeoutMs, error) : error;
  } finally {
    await client.query('ROLLBACK').catch((lost: Error) => (broken = lost));
    done(broken ?? new Error('a console SQL session is not reused (session locks and settings would outlive it)'));
  }
}
