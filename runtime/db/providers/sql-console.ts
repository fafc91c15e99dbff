/**
 * What the query console's SQL refuses before the engine sees it (issue 22): the statements a
 * read-only transaction does not contain. The engine's own guarantee (SQLite's query_only,
 * Postgres's READ ONLY) refuses table writes; these get past it.
 */

/** The server cancels a console statement after this long (ms). */
export const SQL_TIMEOUT_MS = 10_000;

/**
 * The text past leading whitespace, `--` lines, block comments (nested in Postgres; in SQLite
 * the first `*\/` ends one, so a nested-looking comment cannot hide a statement) and empty
 * statements: both engines skip a leading `;`, so `;COPY …` or `;ATTACH …` runs as the COPY or
 * the ATTACH.
 */
export function statementStart(text: string, nested: boolean): string {
  let at = 0;
  for (;;) {
    while (at < text.length && /[\s;]/.test(text[at]!)) at++;
    if (text.startsWith('--', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', at)) {
      if (!nested) {
        const end = text.indexOf('*/', at + 2);
        at = end < 0 ? text.length : end + 2;
        continue;
      }
      let depth = 0;
      do {
        if (text.startsWith('/*', at)) {
          depth++;
          at += 2;
        } else if (text.startsWith('*/', at)) {
          depth--;
          at += 2;
        } else at++;
      } while (depth > 0 && at < text.length);
    } else break;
  }
  return text.slice(at);
}

const keyword = (start: string): string => /^[A-Za-z_]+/.exec(start)?.[0].toUpperCase() ?? '';

/** Why Postgres refuses the statement, in words, or undefined. */
export function refusedOnPostgres(text: string): string | undefined {
  switch (keyword(statementStart(text, true))) {
    case 'COPY':
      return 'COPY is not run from the console: inside a read-only transaction COPY … TO still writes server files or runs a program. Use SELECT.';
    case 'DO':
      return 'DO is not run from the console: its code can run statements the read-only transaction does not cover (COPY, dblink). Use SELECT.';
    default:
      return undefined;
  }
}

/** Pragmas that take an argument in parentheses only to say what to read. */
const READING_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_info',
  'index_xinfo',
  'index_list',
  'foreign_key_list',
  'foreign_key_check',
  'integrity_check',
  'quick_check',
  'function_list',
  'pragma_list',
  'collation_list',
  'database_list',
  'compile_options',
]);

/** Why SQLite (libSQL) refuses the statement, in words, or undefined. */
export function refusedOnSqlite(text: string): string | undefined {
  const start = statementStart(text, false);
  const word = keyword(start);
  switch (word) {
    case 'BEGIN':
    case 'COMMIT':
    case 'END':
    case 'ROLLBACK':
    case 'SAVEPOINT':
    case 'RELEASE':
      return `${word} is not run from the console: the console's SQL runs in a read-only transaction of its own, and ending it would leave the connection read-only for the app.`;
    case 'ATTACH':
    case 'DETACH':
      return `${word} is not run from the console: it creates a database file and stays on the app's connection.`;
    case 'PRAGMA': {
      const pragma = /^PRAGMA\s+(?:(?:"[^"]*"|\w+)\s*\.\s*)?"?(\w+)"?\s*([=(])?/i.exec(start);
      const [, name = '', argument] = pragma ?? [];
      if (argument === '=' || (argument === '(' && !READING_PRAGMAS.has(name.toLowerCase()))) {
        return `PRAGMA ${name} with a value is not run from the console: it would change the app's connection. Read it with PRAGMA ${name}.`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
