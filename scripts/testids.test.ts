import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectTestIds, END, idsOfSource, renderTestIds, START, withTestIds } from './testids.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const README = path.join(ROOT, 'README.md');

describe("the README's list of the panel's data-testids", () => {
  it('reads literal, passed-on and computed ids from a component', () => {
    const source = [
      '<div data-testid="status" />',
      '<Confirm testid="row-delete" />',
      '<button data-testid={`tab-${tab}`} />',
      '<li data-testid={`${row.kind}-row`} />',
      "<p data-testid={stop ? 'history-preview' : undefined} />",
      '<span data-testid={testid} />',
      'root.querySelector(`[data-testid="${within}"]`)',
    ].join('\n');
    expect(idsOfSource(source)).toEqual(['history-preview', 'row-delete', 'status', 'tab-{tab}', '{kind}-row']);
  });

  it('matches the panel source (STRATUM_UPDATE_README=1 rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    const block = renderTestIds(collectTestIds(ROOT));
    const current = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    if (process.env.STRATUM_UPDATE_README === '1' && current !== block) writeFileSync(README, withTestIds(readme, block));
    else expect(current, 'README.md lists stale data-testids: run STRATUM_UPDATE_README=1 npx vitest run --config vitest.config.ts scripts/testids.test.ts').toBe(block);
  });

  it('lists the ids the e2e suites drive the panel by', () => {
    const all = [...collectTestIds(ROOT).values()].flat();
    for (const id of ['status', 'state-row', 'state-detail', 'json-editor', 'storage-item', 'row', 'row-editor', 'timeline-row', 'snapshot-menu']) expect(all).toContain(id);
  });
});
