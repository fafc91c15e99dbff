import { describe, expect, it } from 'vitest';
import { embeddedRecords, renderTable, type SuiteRecord } from './support/ledger.js';

const record = (suite: string, lost: string[]): SuiteRecord => ({
  suite,
  finished: '2026-01-01T00:00:00.000Z',
  seconds: 3,
  environment: 'Node',
  rows: [{ area: 'Faults', tried: 'a | b --> c -- d', times: 1234, lost, figures: 'x', finished: true }],
});

describe('the reliability table', () => {
  it('says nothing was lost only when no row lost anything, and shows what was', () => {
    expect(renderTable([record('a', [])])).toContain('**1 rows, nothing lost.**');
    const table = renderTable([record('a', []), record('b', ['edit 3 missing'])]);
    expect(table).toContain('**2 rows, 1 with losses.**');
    expect(table).toContain('| Faults | a \\| b --> c -- d | 1,234 | **edit 3 missing** | x |');
  });

  it('keeps the records in the table, so a suite not run this time keeps its last rows', () => {
    const records = [record('load-soak', []), record('faults', ['x'])];
    const table = renderTable(records);
    expect(table.match(/-->/g)).toHaveLength(3); // the two rows' own text, and the comment's end
    expect(embeddedRecords(table).map((kept) => kept.suite).sort()).toEqual(['faults', 'load-soak']);
    expect(embeddedRecords(table)[0]!.rows[0]!.tried).toBe('a | b --> c -- d');
  });
});

describe('a suite run in Firefox', () => {
  it('keeps its rows apart from the Chromium run, marked, right after it in the table', async () => {
    const { Ledger } = await import('./support/ledger.js');
    const ledger = new Ledger('panel', 'firefox');
    expect(ledger.suite).toBe('panel-firefox');
    const table = renderTable([record('hostile', []), record('panel-firefox', []), record('faults-storage', []), record('panel', [])]);
    const runs = [...table.matchAll(/^\| ([\w-]+) \| 2026/gm)].map((match) => match[1]);
    expect(runs).toEqual(['panel', 'panel-firefox', 'faults-storage', 'hostile']);
  });

  it('marks each of its rows "(Firefox)"', async () => {
    const { Ledger } = await import('./support/ledger.js');
    const ledger = new Ledger('panel', 'firefox');
    ledger.open('Faults', 'the panel reopened').done({ times: 1, lost: [] });
    expect((ledger as unknown as { _rows: { tried: string }[] })._rows[0]!.tried).toBe('the panel reopened (Firefox)');
  });
});

describe('saving a suite’s rows (14.20)', () => {
  it('leaves the tracked docs/RELIABILITY.md alone unless the table is asked for', async () => {
    const { readFileSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const { Ledger, REPO_ROOT, TABLE_WRITES } = await import('./support/ledger.js');
    const table = path.join(REPO_ROOT, 'docs/RELIABILITY.md');
    const before = { text: readFileSync(table, 'utf8'), mtime: statSync(table).mtimeMs };
    const ledger = new Ledger('ledger-selftest');
    ledger.open('Faults', 'nothing, a self-test of the ledger').done({ times: 1, lost: [] });
    ledger.save();
    const { rmSync } = await import('node:fs');
    rmSync(path.join(REPO_ROOT, 'out/reliability/ledger-selftest.json'), { force: true });
    if (TABLE_WRITES) return; // `npm run reliability` or the soak: the table is meant to change
    expect(statSync(table).mtimeMs).toBe(before.mtime);
    expect(readFileSync(table, 'utf8')).toBe(before.text);
  });
});
