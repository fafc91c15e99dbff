/**
 * What the query console's SQL refuses before the engine sees it (issue 22): the statements a
 * read-only transaction does not contain. The engine's own guarantee (SQLite's query_only,
 * Postgres's READ ONLY) refuses table writes; these get past it.
 */

/** The server cancels a console statement after this long (ms). */
export const SQL_TIMEOUT_MS = 10_000;

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
function skipSpace(text: string, at: number, nested: boolean): number {
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

const keyword = (start: string): string => /^[A-Za-z_]+/.exec(start)?.[0].toUpperCase() ?? '';

/**
 * Postgres's names and punctuation, comments, strings (with E'' escapes and dollar quoting) left
 * out: enough to find a function called under a comment, a schema or quotes. `U&"…"` names are
 * read with their `\\XXXX` escapes.
 */
function postgresNames(text: string): { name: string; call: boolean; uescape: boolean }[] {
  const found: { name: string; call: boolean; uescape: boolean }[] = [];
  let at = 0;
  let escapes = false;
  const next = (): string | undefined => text[(at = skipSpace(text, at, true))];
  for (let c = next(); c !== undefined; c = next()) {
    if (c === "'") {
      // E'…' takes backslash escapes; every other string ends at a quote not doubled.
      const backslashes = /[eE]$/.test(text.slice(Math.max(0, at - 1), at)) && !/[\p{L}\p{N}_$]/u.test(text[at - 2] ?? '');
      for (at++; at < text.length; at++) {
        if (backslashes && text[at] === '\\') at++;
        else if (text[at] === "'" && text[at + 1] === "'") at++;
        else if (text[at] === "'") break;
      }
      at++;
      escapes = false;
    } else if (c === '$' && /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/u.test(text.slice(at, at + 64))) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/u.exec(text.slice(at, at + 64))![0];
      const end = text.indexOf(tag, at + tag.length);
      at = end < 0 ? text.length : end + tag.length;
    } else if (c === '"') {
      let name = '';
      for (at++; at < text.length; at++) {
        if (text[at] === '"' && text[at + 1] === '"') at++;
        else if (text[at] === '"') break;
        name += text[at];
      }
      at++;
      if (escapes) name = name.replace(/\\(?:\+([0-9a-fA-F]{6})|([0-9a-fA-F]{4})|(\\))/g, (_, long?: string, short?: string) => (long ?? short ? String.fromCodePoint(parseInt((long ?? short)!, 16)) : '\\'));
      escapes = false;
      found.push({ name, call: next() === '(', uescape: false });
    } else {
      const word = /^[\p{L}\p{N}_$]+/u.exec(text.slice(at, at + 200))?.[0];
      if (!word) {
        at++;
        continue;
      }
      at += word.length;
      escapes = /^u$/i.test(word) && text[at] === '&';
      if (escapes) {
        at++;
        continue;
      }
      found.push({ name: word, call: next() === '(', uescape: /^uescape$/i.test(word) });
    }
  }
  return found;
}

/** Functions whose effects a read-only transaction and its rollback do not stop, or that run SQL given as text (which the console cannot read). */
const POSTGRES_EFFECTS =
  /^(?:pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_create_restore_point|pg_promote|pg_wal_replay_pause|pg_wal_replay_resume|pg_log_backend_memory_contexts|pg_stat_reset\w*|pg_stat_statements_reset|pg_(?:create_physical|create_logical|drop|copy_physical|copy_logical)_replication_slot|pg_replication_slot_advance|pg_replication_origin_(?:create|drop|advance|session_setup|session_reset|xact_setup|xact_reset)|pg_logical_emit_message|lo_export|pg_file_(?:write|rename|unlink|sync))$/i;
const POSTGRES_SQL_TEXT = /^(?:query_to_xml\w*|cursor_to_xml\w*|ts_stat|crosstab\d*|dblink\w*)$/i;

/** Why Postgres refuses the statement, in words, or undefined. */
export function refusedOnPostgres(text: string): string | undefined {
  switch (keyword(statementStart(text, true))) {
    case 'COPY':
      return 'COPY is not run from the console: inside a read-only transaction COPY … TO still writes server files or runs a program. Use SELECT.';
    case 'DO':
      return 'DO is not run from the console: its code can run statements the read-only transaction does not cover (COPY, dblink). Use SELECT.';
    case 'REINDEX':
    case 'CLUSTER':
    case 'VACUUM':
    case 'ANALYZE':
    case 'ANALYSE':
      // Postgres counts these as read-only (they change no data), yet they lock the app's tables while they rewrite or scan them.
      return `${keyword(statementStart(text, true))} is not run from the console: a read-only transaction lets it run, and it locks the app's tables while it works. Run it from psql.`;
    case 'LOAD':
      return 'LOAD is not run from the console: it loads a library into the server process. Run it from psql.';
  }
  for (const { name, call, uescape } of postgresNames(text)) {
    if (uescape) return 'UESCAPE is not run from the console: a name spelled with escapes of its own cannot be checked. Write the name out.';
    if (!call) continue;
    if (POSTGRES_EFFECTS.test(name)) {
      return `${name}() is not run from the console: it acts outside the read-only transaction (on other sessions, the server or its files), and the rollback does not undo it.`;
    }
    if (POSTGRES_SQL_TEXT.test(name)) return `${name}() is not run from the console: it runs SQL given as text, which the console cannot check.`;
  }
  return undefined;
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
  sha3_query: 'it compiles SQL text of its own, and a pragma in it changes the connection while compiled',
  load_extension: 'it loads native code into the process',
  sqlite3mc_config: "it changes the connection's encryption settings",
  fts3_tokenizer: 'it registers native code with the connection',
};

/** Why SQLite (libSQL) refuses the statement, in words, or undefined. */
export function refusedOnSqlite(text: string): string | undefined {
  const tokens = sqliteTokens(text);
  const call = tokens.findIndex((token, i) => (token.kind === 'word' || token.kind === 'name') && Object.hasOwn(SQLITE_EFFECTS, token.text.toLowerCase()) && tokens[i + 1]?.text === '(');
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
