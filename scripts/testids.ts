/**
 * The panel's `data-testid`s, read from its source, as the README lists them for people who drive
 * the panel from puppeteer. scripts/testids.test.ts fails when the README's list is stale and
 * rewrites it when run with STRATUM_UPDATE_README=1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const START = '<!-- testids:start -->';
export const END = '<!-- testids:end -->';

/** The README's name for each folder of extension/panel/components. */
const AREAS: Record<string, string> = {
  '': 'Header and tabs',
  common: 'Shared controls (filters, confirmations, value actions)',
  state: 'State tab',
  value: 'Value tree and editors (State tab, row editor)',
  storage: 'Storage tab',
  database: 'Database tab',
  timeline: 'Timeline tab',
  snapshot: 'Snapshots menu',
  record: 'Record tab (issue 23)',
};

/**
 * The expression inside `{…}` starting at `open` (the brace), braces of template literals counted.
 */
function braced(source: string, open: number): string {
  let depth = 0;
  for (let at = open; at < source.length; at++) {
    if (source[at] === '{') depth++;
    else if (source[at] === '}' && --depth === 0) return source.slice(open + 1, at);
  }
  return '';
}

/** The ids one JSX expression can produce: a template literal's shape (`tab-{tab}`), else its string literals. */
function idsOfExpression(expression: string): string[] {
  const template = /^\s*`([^`]*)`\s*$/.exec(expression);
  if (template) return [template[1]!.replace(/\$\{[^}]*?([A-Za-z]+)\s*\}/g, '{$1}')];
  return [...expression.matchAll(/'([a-z0-9-]+)'|"([a-z0-9-]+)"/g)].map((match) => match[1] ?? match[2]!);
}

/** Every test id one source file sets: `data-testid="x"`, `testid="x"` (passed to a component), `data-testid={…}`. */
export function idsOfSource(source: string): string[] {
  const ids = new Set<string>();
  for (const match of source.matchAll(/\b(?:data-)?testid="([^"$]+)"/g)) ids.add(match[1]!);
  for (const match of source.matchAll(/\b(?:data-)?testid=\{/g)) {
    for (const id of idsOfExpression(braced(source, match.index + match[0].length - 1))) ids.add(id);
  }
  return [...ids].sort();
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sources(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file));
}

/** Test ids by area of the panel, in the README's order. */
export function collectTestIds(root: string): Map<string, string[]> {
  const components = path.join(root, 'extension/panel/components');
  const byArea = new Map<string, Set<string>>(Object.values(AREAS).map((area) => [area, new Set()]));
  for (const file of sources(components)) {
    const folder = path.relative(components, path.dirname(file)).split(path.sep)[0] ?? '';
    const area = AREAS[folder] ?? `Other (${folder})`;
    if (!byArea.has(area)) byArea.set(area, new Set());
    for (const id of idsOfSource(readFileSync(file, 'utf8'))) byArea.get(area)!.add(id);
  }
  return new Map([...byArea].filter(([, ids]) => ids.size > 0).map(([area, ids]) => [area, [...ids].sort()]));
}

/** The README block between the markers (markers included). */
export function renderTestIds(byArea: Map<string, string[]>): string {
  const rows = [...byArea].map(([area, ids]) => `| ${area} | ${ids.map((id) => `\`${id}\``).join(', ')} |`);
  return [START, '| where | `data-testid` |', '|---|---|', ...rows, END].join('\n');
}

/** README text with its list replaced; throws when the markers are missing. */
export function withTestIds(readme: string, block: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block for the panel's test ids.`);
  return readme.slice(0, start) + block + readme.slice(end + END.length);
}
