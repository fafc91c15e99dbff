/**
 * What the query console's SQL refuses before the engine sees it (issue 22): the statements a
 * read-only transaction does not contain. The engine's own guarantee (SQLite's query_only,
 * Postgres's READ ONLY) refuses table writes; these get past it. What both engines share is
 * here; each engine's refusals are in a module of its own (sql-console-postgres.ts,
 * sql-console-sqlite.ts), so each provider's bundle carries only its own.
 */

/** The server cancels a console statement after this long (ms); libSQL's reading process is killed. */
export const SQL_TIMEOUT_MS = 10_000;

/** What the console says of a statement stopped at the limit, on every engine. */
export const ranTooLong = (ms: number, cause?: unknown): Error => new Error(`the query ran longer than ${ms / 1000} s and was stopped`, { cause });

/**
 * Rows a console query reads at most: the console shows 500 (MAX_SQL_ROWS in protocol/power.ts)
 * and says when there were more, so one more is read, never the whole result into the app.
 */
export const SQL_ROWS_READ = 501;

/**
 * The text past leading whitespace, `--` lines, block comments (nested in Postgres; in SQLite
 * the first `*\/` ends one, so a nested-looking comment cannot hide a statement) and empty
 * statements: both engines skip a leading `;`, so `;COPY …` or `;ATTACH …` runs as the COPY or
 * the ATTACH.
 */
export function statementStart(text: string, nested: boolean): string {
  return text.slice(skipSpace(text, 0, nested));
}

/** Where the next token starts at or after `at` (see statementStart). */
export function skipSpace(text: string, at: number, nested: boolean): number {
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
    } else return at;
  }
}

export const keyword = (start: string): string => /^[A-Za-z_]+/.exec(start)?.[0].toUpperCase() ?? '';
