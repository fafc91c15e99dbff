/** The query console's refusals on SQLite / libSQL (sql-console.ts says why they exist). */

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

interface SqlToken {
  /** `word` (a bare word), `name` (a quoted identifier), `string`, or `mark` (one character of punctuation). */
  kind: 'word' | 'name' | 'string' | 'mark';
  text: string;
}

/**
 * SQLite's tokens, comments and whitespace left out: enough to read a statement's words as the
 * engine does, so that a comment (`PRAGMA/**\/x=1`) or a quoted name cannot hide one.
 */
function sqliteTokens(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const closing: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };
  let at = 0;
  while (at < text.length) {
    const c = text[at]!;
    if (/\s/.test(c)) at++;
    else if (text.startsWith('--', at)) {
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      at = end < 0 ? text.length : end + 2;
    } else if (closing[c]) {
      const close = closing[c]!;
      let body = '';
      at++;
      while (at < text.length) {
        if (text[at] === close && (close === ']' || text[at + 1] !== close)) break;
        if (text[at] === close) at++; // a doubled quote stands for one
        body += text[at++];
      }
      at++;
      tokens.push({ kind: c === "'" ? 'string' : 'name', text: body });
    } else {
      const word = /^[\p{L}\p{N}_$]+/u.exec(text.slice(at, at + 200))?.[0];
      if (word) tokens.push({ kind: 'word', text: word });
      else tokens.push({ kind: 'mark', text: c });
      at += word?.length ?? 1;
    }
  }
  return tokens;
}

/**
 * Functions that act outside the read-only transaction, which `query_only` does not stop:
 * why each is refused.
 */
const SQLITE_EFFECTS: Record<string, string> = {
  writefile: 'it writes a file on the machine',
  readfile: 'it reads any file the process may read',
  fsdir: 'it lists and reads files on the machine',
  zipfile: 'it reads a zip archive from a file on the machine',
  sha3_query: 'it compiles SQL text of its own, and a pragma in it changes the connection while compiled',
  load_extension: 'it loads native code into the process',
  sqlite3mc_config: "it changes the connection's encryption settings",
  fts3_tokenizer: 'it registers native code with the connection',
};

/**
 * The tables and views of the connection that bear an eponymous table's name (lower case): SQLite
 * looks a name up among them first, so there `FROM fsdir` reads the app's own table.
 */
export const SHADOWING_TABLES = ['sqlite_master', 'sqlite_temp_master']
  .map((schema) => `SELECT lower(name) FROM ${schema} WHERE type IN ('table', 'view') AND lower(name) IN ('fsdir', 'zipfile')`)
  .join(' UNION ');

/**
 * Why SQLite (libSQL) refuses the statement, in words, or undefined. `tables`: the names from
 * SHADOWING_TABLES, which a bare `fsdir` or `zipfile` then means.
 */
export function refusedOnSqlite(text: string, tables: ReadonlySet<string> = new Set()): string | undefined {
  const tokens = sqliteTokens(text);
  // fsdir and zipfile are eponymous tables too: `FROM fsdir WHERE path = …` calls one with no
  // parentheses, unless the app has a table of that name, which SQLite finds first.
  const call = tokens.findIndex((token, i) => {
    const name = token.text.toLowerCase();
    if ((token.kind !== 'word' && token.kind !== 'name') || !Object.hasOwn(SQLITE_EFFECTS, name)) return false;
    return tokens[i + 1]?.text === '(' || ((name === 'fsdir' || name === 'zipfile') && !tables.has(name));
  });
  if (call >= 0) {
    const name = tokens[call]!.text.toLowerCase();
    return `${name}() is not run from the console: ${SQLITE_EFFECTS[name]}.`;
  }
  let at = 0;
  while (tokens[at]?.text === ';') at++;
  // Pragmas take effect while a statement is compiled, so EXPLAIN of a pragma write still makes it.
  const upper = (i: number): string => (tokens[i]?.kind === 'word' ? tokens[i]!.text.toUpperCase() : '');
  if (upper(at) === 'EXPLAIN') at += upper(at + 1) === 'QUERY' && upper(at + 2) === 'PLAN' ? 3 : 1;
  const word = upper(at);
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
      // PRAGMA [schema .] name, then `= value` or `(value)`.
      let name = at + 1;
      if (tokens[name + 1]?.text === '.') name += 2;
      const pragma = tokens[name]?.text ?? '';
      const argument = tokens[name + 1]?.kind === 'mark' ? tokens[name + 1]!.text : undefined;
      if (argument === '=' || (argument === '(' && !READING_PRAGMAS.has(pragma.toLowerCase()))) {
        return `PRAGMA ${pragma} with a value is not run from the console: it would change the app's connection. Read it with PRAGMA ${pragma}.`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
