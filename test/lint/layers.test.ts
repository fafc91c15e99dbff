/**
 * Layers only look down: every import of every runtime/ and extension/ source file (tests and
 * their helpers aside — `testing/`, `db/contract/` — they may reach anything) is checked against the floors in floors.ts, and import circles may not
 * span more than one folder. Static imports, `export … from` and `import()` all count; type-only
 * imports too (a type that runs back up a floor is the same knot).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRIES, FLOORS } from './floors.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ALIASES = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).imports as Record<string, string>;
const SPECIFIER = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const file = `${dir}/${name}`;
    if (statSync(path.join(ROOT, file)).isDirectory()) sources(file, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') && !file.includes('/testing/') && !file.includes('/contract/')) out.push(file);
  }
  return out;
}

/** A specifier as a repository file, or undefined for a package. */
function resolve(from: string, specifier: string): string | undefined {
  let target: string;
  if (specifier.startsWith('#')) {
    const alias = Object.keys(ALIASES).find((key) => specifier.startsWith(key.replace('*', '')));
    if (!alias) throw new Error(`${from}: ${specifier} is no alias of package.json "imports"`);
    target = path.posix.normalize(ALIASES[alias]!.replace('*', specifier.slice(alias.length - 1)));
  } else if (specifier.startsWith('.')) {
    target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  } else {
    return undefined;
  }
  const base = target.replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) if (existsSync(path.join(ROOT, candidate))) return candidate;
  throw new Error(`${from}: ${specifier} resolves to no file`);
}

export function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = new Set<string>();
  for (const match of text.matchAll(SPECIFIER)) {
    const target = resolve(file, (match[1] ?? match[2])!);
    if (target) out.add(target);
  }
  return [...out];
}

/** Floor index and folder of a file (the deepest folder of the table that holds it). */
function placeOf(file: string): { floor: number; folder: string } {
  if (ENTRIES.includes(file)) return { floor: FLOORS.length - 1, folder: '(entries)' };
  let best: { floor: number; folder: string } | undefined;
  FLOORS.forEach((floor, i) => {
    for (const folder of floor.folders) {
      if ((file.startsWith(`${folder}/`) || file === folder) && (!best || folder.length > best.folder.length)) best = { floor: i, folder };
    }
  });
  if (!best) throw new Error(`${file} is on no floor: add its folder to test/lint/floors.ts`);
  return best;
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const files = [...sources('runtime'), ...sources('extension')];
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('layers', () => {
  it('every import stays on its floor or goes down, never to a sibling folder', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const here = placeOf(file);
      for (const target of imports) {
        const there = placeOf(target);
        if (there.floor > here.floor) wrong.push(`${file} → ${target}: up from "${FLOORS[here.floor]!.name}" to "${FLOORS[there.floor]!.name}"`);
        else if (there.floor === here.floor && there.folder !== here.folder && here.folder !== '(entries)') {
          wrong.push(`${file} → ${target}: sideways from ${here.folder} to ${there.folder}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no import circle spans more than one folder', () => {
    const wide = circles(graph).filter((component) => new Set(component.map((file) => path.posix.dirname(file))).size > 1);
    expect(wide.map((component) => component.sort().join(' ⇄ '))).toEqual([]);
  });

  it('sees the imports it checks (a parser that finds nothing would pass anything)', () => {
    expect(graph.get('runtime/devtools/hook.ts')).toEqual(['runtime/registry/core.ts', 'runtime/registry/relay-catch.ts', 'runtime/devtools/start.ts']);
    expect(graph.get('extension/panel/models/value.ts')).toContain('runtime/protocol/messages.ts');
    expect([...graph.values()].flat().length).toBeGreaterThan(500);
  });
});
