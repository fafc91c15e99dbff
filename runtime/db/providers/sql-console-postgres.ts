/** The query console's refusals on Postgres (sql-console.ts says why they exist). */
import { keyword, skipSpace, statementStart } from './sql-console.js';

/**
 * Postgres's names and punctuation, comments, strings (with E'' escapes and dollar quoting) left
 * out: enough to find a function called under a comment, a schema or quotes. `U&"…"` names are
 * read with their `\\XXXX` escapes.
 */
/** A dollar quote's opening tag: `$$` or `$name$`. */
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/u;

function postgresNames(text: string): { name: string; call: boolean; uescape: boolean }[] {
  const found: { name: string; call: boolean; uescape: boolean }[] = [];
  let at = 0;
  let escapes = false;
  let tag: string | undefined;
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
    } else if (c === '$' && (tag = DOLLAR_TAG.exec(text.slice(at, at + 64))?.[0])) {
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
/** Functions that read the server's files or directories (as the superuser or a pg_read_server_files role the app may run as). */
const POSTGRES_FILES = /^(?:pg_read_(?:binary_)?file|pg_ls_\w*dir|pg_stat_file|lo_import|pg_show_all_file_settings|pg_hba_file_rules|pg_ident_file_mappings)$/i;
const POSTGRES_SQL_TEXT = /^(?:query_to_xml\w*|cursor_to_xml\w*|ts_stat|crosstab\d*|dblink\w*)$/i;

/** Why Postgres refuses the statement, in words, or undefined. */
export function refusedOnPostgres(text: string): string | undefined {
  switch (keyword(statementStart(text, true))) {
    case 'COPY':
      return 'COPY is not run from the console: inside a read-only transaction COPY … TO still writes server files, COPY … FROM reads them, and either runs programs. Use SELECT.';
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
    if (POSTGRES_FILES.test(name)) return `${name}() is not run from the console: it reads the database server's files.`;
    if (POSTGRES_SQL_TEXT.test(name)) return `${name}() is not run from the console: it runs SQL given as text, which the console cannot check.`;
  }
  return undefined;
}
