/**
 * The reliability ledger: every test of test/reliability/ opens a row (what it tries), and
 * closes it with how many times it tried and what was lost. Each suite writes its rows to
 * out/reliability/<suite>.json when it ends, and docs/RELIABILITY.md is regenerated from every
 * suite's last rows, so the table always shows the last run of each suite.
 *
 * A row a test opened but never closed (it failed or threw first) is written as "did not
 * finish": a failing run shows in the table instead of vanishing from it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const ROWS_DIR = path.join(REPO_ROOT, 'out/reliability');
const TABLE = path.join(REPO_ROOT, 'docs/RELIABILITY.md');

/** `npm run soak`: the same suites, longer; their rows are kept apart from the CI run's. */
export const SOAK = process.env.STRATUM_SOAK === '1';
/**
 * Whether saving regenerates the tracked docs/RELIABILITY.md: only `npm run reliability` (the
 * suites, then the table) and the soak do. `npm test` and single runs keep their rows in
 * out/reliability/ and leave the checkout clean.
 */
export const TABLE_WRITES = SOAK || process.env.STRATUM_LEDGER_TABLE === '1';

export const AREAS = ['Faults', 'Load', 'Hostile input', 'Least privilege', 'Data integrity'] as const;
export type Area = (typeof AREAS)[number];

export interface Row {
  area: Area;
  /** What was done to the app, the extension or the runtime. */
  tried: string;
  /** How many times it was done (rounds, messages, runs). */
  times: number;
  /** What went missing, changed or leaked; empty means nothing. */
  lost: string[];
  /** Measurements worth keeping (recovery times, frame rates, heap). */
  figures: string;
  finished: boolean;
}

export interface SuiteRecord {
  suite: string;
  finished: string;
  seconds: number;
  environment: string;
  rows: Row[];
}

export interface OpenRow {
  /** Closes the row. Returns `lost`, so a test can write `expect(row.done(...)).toEqual([])`. */
  done(result: { times: number; lost: string[]; figures?: string }): string[];
}

export class Ledger {
  private readonly _rows: Row[] = [];
  private readonly _started = Date.now();
  environment = `Node ${process.version}, ${os.cpus().length} cores`;

  readonly suite: string;
  private readonly _firefox: boolean;

  /** `browser: 'firefox'` (a suite's x.firefox.spec.ts twin): rows kept apart as `<suite>-firefox`, each marked "(Firefox)". */
  constructor(suite: string, browser: 'chromium' | 'firefox' = 'chromium') {
    this._firefox = browser === 'firefox';
    const named = this._firefox ? `${suite}-firefox` : suite;
    this.suite = SOAK ? `${named}-soak` : named;
  }

  open(area: Area, tried: string): OpenRow {
    const marked = `${tried}${this._firefox ? ' (Firefox)' : ''}${SOAK ? ' (soak)' : ''}`;
    const row: Row = { area, tried: marked, times: 0, lost: ['did not finish: the test failed before it could count'], figures: '', finished: false };
    this._rows.push(row);
    return {
      done({ times, lost, figures = '' }) {
        Object.assign(row, { times, lost, figures, finished: true });
        return lost;
      },
    };
  }

  /** Writes this suite's rows; regenerates the table from every suite's last run when asked to (TABLE_WRITES). */
  save(): void {
    mkdirSync(ROWS_DIR, { recursive: true });
    const record: SuiteRecord = {
      suite: this.suite,
      finished: new Date().toISOString(),
      seconds: Math.round((Date.now() - this._started) / 1000),
      environment: this.environment,
      rows: this._rows,
    };
    writeFileSync(path.join(ROWS_DIR, `${this.suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
    if (TABLE_WRITES) writeFileSync(TABLE, renderTable(readRecords()));
  }
}

/** The records behind the table, kept in it as a comment: a suite not run here (the soak in CI) keeps its last rows. */
const EMBEDDED = /<!-- ledger (.*) -->/s;

function readOr<T>(read: () => T, missing: T): T {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return missing;
    throw error;
  }
}

export function embeddedRecords(table: string): SuiteRecord[] {
  return JSON.parse(EMBEDDED.exec(table)?.[1] ?? '[]') as SuiteRecord[];
}

/** Every suite's last run: this checkout's out/reliability/, else what the table recorded. */
export function readRecords(): SuiteRecord[] {
  const files = readOr(() => readdirSync(ROWS_DIR).filter((file) => file.endsWith('.json')), []);
  const fresh = files.map((file) => JSON.parse(readFileSync(path.join(ROWS_DIR, file), 'utf8')) as SuiteRecord);
  const kept = embeddedRecords(readOr(() => readFileSync(TABLE, 'utf8'), ''));
  return [...fresh, ...kept.filter((record) => !fresh.some((candidate) => candidate.suite === record.suite))];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The order suites appear in within an area: the transport first, its Firefox run and the soaks right after the Chromium CI run. */
const ORDER = ['faults-transport', 'panel', 'faults-storage', 'faults-database', 'load', 'hostile', 'agent-fuzz', 'content-fuzz', 'channel-fuzz', 'privilege', 'integrity'];

function rank(suite: string): number {
  const soak = suite.endsWith('-soak');
  const base = suite.replace(/-soak$/, '');
  const firefox = base.endsWith('-firefox');
  const at = ORDER.indexOf(base.replace(/-firefox$/, ''));
  return (at === -1 ? ORDER.length : at) * 4 + (firefox ? 2 : 0) + (soak ? 1 : 0);
}

export function renderTable(unordered: SuiteRecord[]): string {
  const records = [...unordered].sort((a, b) => rank(a.suite) - rank(b.suite) || a.suite.localeCompare(b.suite));
  const rows = AREAS.flatMap((area) => records.flatMap((record) => record.rows.filter((row) => row.area === area).map((row) => ({ row, record }))));
  const lost = rows.filter(({ row }) => row.lost.length > 0);
  const lines = [
    '# Reliability',
    '',
    'Generated by `test/reliability/` (`npm test`; the soak rows by `npm run soak`) from the last run of',
    'each suite: do not edit by hand. Every row says what was done to the app, the extension or the',
    'runtime, how many times, and what was lost: an acknowledged edit or record missing afterwards,',
    "a panel view that differs from the page's own state, data changed by refused input, a message",
    'that got through where it must not. The column must read "nothing" on every row.',
    '',
    `**${rows.length} rows, ${lost.length === 0 ? 'nothing lost' : `${lost.length} with losses`}.**`,
    '',
    '| Area | What was tried | Times | Lost | Figures |',
    '|------|----------------|------:|------|---------|',
    ...rows.map(({ row }) => `| ${row.area} | ${cell(row.tried)} | ${row.times.toLocaleString('en-US')} | ${row.lost.length === 0 ? 'nothing' : `**${cell(row.lost.join('; '))}**`} | ${cell(row.figures)} |`),
    '',
    '## Runs',
    '',
    '| Suite | Finished | Seconds | Environment |',
    '|-------|----------|--------:|-------------|',
    ...records.map((record) => `| ${record.suite} | ${record.finished} | ${record.seconds} | ${cell(record.environment)} |`),
    '',
    // JSON never holds "--" outside a string; inside one, \u002d keeps the comment closed.
    `<!-- ledger ${JSON.stringify(records).replace(/--/g, '-\\u002d')} -->`,
    '',
  ];
  return lines.join('\n');
}
