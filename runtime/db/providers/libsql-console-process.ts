/**
 * The query console's SQL on a libSQL file, read in a Node process of its own that is killed at
 * the time limit. libSQL steps a statement synchronously in its native binding, on the calling
 * thread: on the app's connection a query with no end (a recursive CTE with no stop) held the
 * app's whole event loop until it ran out of memory, and `Database#interrupt()` cannot be called
 * while that thread is busy. A worker thread does not help: `worker.terminate()` waits for the
 * native call to return, so the thread would spin on, holding its read lock on the file. A killed
 * process gives back its CPU, memory and file locks at once.
 *
 * The child's program is given as text (`node -e`), so the build ships no file of its own for it;
 * it loads the `libsql` binding and the URL reading that the app's own @libsql/client uses.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { deserialize } from 'node:v8';
import type { SqlRows } from '../provider.js';
import { ranTooLong, SQL_ROWS_READ, SQL_TIMEOUT_MS } from './sql-console.js';

/**
 * The child: reads { client, url, sql, rows, busy } as JSON on stdin, writes { columns, rows } or
 * { error, code } with v8.serialize on stdout (bigints and blobs as they are). Its own connection
 * has `query_only` on, so SQLite refuses every write; the connection ends with the process.
 */
const CHILD = `
const { createRequire } = require('node:module');
const { serialize } = require('node:v8');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { client, url, sql, rows: most, busy } = JSON.parse(input);
  const load = createRequire(client);
  let out;
  try {
    const Database = load('libsql');
    const db = new Database(load('@libsql/core/config').expandConfig({ url }, true).path, { timeout: busy });
    db.exec('PRAGMA query_only = ON');
    const stmt = db.prepare(sql);
    stmt.safeIntegers(true);
    if (!stmt.reader) {
      stmt.run();
      out = { columns: [], rows: [] };
    } else {
      const rows = [];
      stmt.raw(true);
      for (const row of stmt.iterate()) if (rows.push(row) >= most) break;
      out = { columns: stmt.columns().map((column) => column.name), rows };
    }
  } catch (error) {
    out = { error: String(error && error.message || error), code: error && error.code };
  }
  process.stdout.write(serialize(out));
});
`;

/** Where the app's @libsql/client is (its CommonJS entry): the child loads libsql from beside it. */
const clientPath = (): string => createRequire(import.meta.url).resolve('@libsql/client');

/** A blob as @libsql/client gives it on the app's connection (an ArrayBuffer), not a Buffer. */
const cell = (value: unknown): unknown => (value instanceof Uint8Array ? value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) : value);

/** Reads `sql` on the libSQL file at `url`, SQL_ROWS_READ rows at most, killed after `timeoutMs`. */
export function readInProcess(url: string, sql: string, busyTimeout: number, timeoutMs = SQL_TIMEOUT_MS): Promise<SqlRows> {
  const client = clientPath();
  return new Promise((resolve, reject) => {
    // NODE_OPTIONS is the app's (an --inspect port would be taken twice): the child needs none of it.
    // In an Electron main process execPath is Electron itself, which runs as Node only when told.
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', ELECTRON_RUN_AS_NODE: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the console's SQL process did not start: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(ranTooLong(timeoutMs));
      const text = Buffer.concat(out);
      if (text.length === 0) {
        const said = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ');
        return reject(new Error(`the console's SQL process ended (${signal ?? `code ${code}`}) without an answer${said ? `: ${said}` : ''}`));
      }
      let answer: { columns: string[]; rows: unknown[][] } | { error: string; code?: string };
      try {
        answer = deserialize(text) as typeof answer;
      } catch (error) {
        return reject(new Error(`the console's SQL process answered what cannot be read (${(error as Error).message})`, { cause: error }));
      }
      if ('error' in answer) return reject(Object.assign(new Error(answer.error), { code: answer.code }));
      resolve({ columns: answer.columns, rows: answer.rows.map((row) => row.map(cell)) });
    });
    // A child that died before reading its input says so on close; the broken pipe adds nothing.
    child.stdin.on('error', (error) => err.push(Buffer.from(`\n${error.message}`)));
    child.stdin.end(JSON.stringify({ client, url, sql, rows: SQL_ROWS_READ, busy: busyTimeout }));
  });
}
