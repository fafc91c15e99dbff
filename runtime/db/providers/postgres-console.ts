/**
 * What the query console's SQL refuses on Postgres before the server sees it (issue 22): the
 * statements a read-only transaction does not contain.
 */

/** The server cancels a console statement after this long (ms). */
export const SQL_TIMEOUT_MS = 10_000;

/** The text's first word, past whitespace, `--` lines and (nested) block comments, upper-cased. */
export function firstKeyword(text: string): string {
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (text.startsWith('--', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', at)) {
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
  return /^[A-Za-z_]+/.exec(text.slice(at))?.[0].toUpperCase() ?? '';
}

/** Why the statement is refused, in words, or undefined. */
export function refusedStatement(text: string): string | undefined {
  switch (firstKeyword(text)) {
    case 'COPY':
      return 'COPY is not run from the console: inside a read-only transaction COPY … TO still writes server files or runs a program. Use SELECT.';
    case 'DO':
      return 'DO is not run from the console: its code can run statements the read-only transaction does not cover (COPY, dblink). Use SELECT.';
    default:
      return undefined;
  }
}
