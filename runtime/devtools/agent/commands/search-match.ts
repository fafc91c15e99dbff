/**
 * What a search finds inside one value: every key and every scalar the query matches, with its
 * codec path (the steps `resolvePath` and the panel's value view use) and a short excerpt.
 * Pure and synchronous; the caller slices its work between values.
 */
import { formatPath, type Path } from '../../../codec/index.js';
import { CommandError } from '../../../protocol/errors.js';
import type { SearchMode } from '../../../protocol/power.js';
import { catastrophic } from './search-regex.js';
import { farIndexes } from '../far.js';

/** Nodes visited per value at most: one enormous value cannot hold the page for long. */
export const MAX_NODES = 50_000;
const MAX_DEPTH = 32;
const CONTEXT = 24;

export interface Hit {
  path: Path;
  on: 'key' | 'value';
  excerpt: [string, string, string];
}

/** Finds the first match in a text: [start, end), or undefined. */
export type Matcher = (text: string) => [number, number] | undefined;

/** A number as JSON and the panel write it (signs, a fraction, an exponent): not hex, not octal. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** The query as a matcher; an invalid regular expression or number is a CommandError in words. */
export function matcher(query: string, mode: SearchMode, caseSensitive = false): Matcher {
  if (query === '') throw new CommandError('invalid', 'type something to search for');
  if (mode === 'regex') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(query, caseSensitive ? 'u' : 'iu');
    } catch (error) {
      throw new CommandError('invalid', `"${query}" is not a regular expression: ${(error as Error).message}`);
    }
    const refused = catastrophic(query);
    if (refused) throw new CommandError('invalid', `"${query}" is not searched: ${refused}`);
    return (text) => {
      const found = pattern.exec(text);
      // An empty match (`a*`) finds nothing worth showing.
      return found && found[0].length > 0 ? [found.index, found.index + found[0].length] : undefined;
    };
  }
  if (mode === 'number') {
    const wanted = Number(query.trim());
    if (query.trim() === '' || !Number.isFinite(wanted)) throw new CommandError('invalid', `"${query}" is not a number`);
    // A number matches numbers equal to it, whatever their spelling (1e3 finds 1000), and a
    // string only when it holds one in decimal, as numbers are shown: Number() also reads
    // "0x2A" as 42.
    return (text) => (DECIMAL.test(text) && Number(text) === wanted ? [0, text.length] : undefined);
  }
  const needle = caseSensitive ? query : query.toLowerCase();
  return (text) => {
    const lower = caseSensitive ? text : text.toLowerCase();
    const at = lower.indexOf(needle);
    if (at < 0) return undefined;
    return lower.length === text.length ? [at, at + needle.length] : inOriginal(text, at, at + needle.length);
  };
}

/** [start, end) in the lower-cased text as indexes in `text` ('İ' lower-cases to two units). */
function inOriginal(text: string, start: number, end: number): [number, number] {
  let from = 0;
  let lowered = 0;
  let i = 0;
  while (i < text.length) {
    if (lowered <= start) from = i;
    if (lowered >= end) break;
    const char = String.fromCodePoint(text.codePointAt(i)!);
    lowered += char.toLowerCase().length;
    i += char.length;
  }
  return [from, i];
}

export function excerpt(text: string, [start, end]: [number, number]): [string, string, string] {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  const match = end - start > 120 ? `${text.slice(start, start + 120)}…` : text.slice(start, end);
  return [(from > 0 ? '…' : '') + text.slice(from, start), match, text.slice(end, to) + (to < text.length ? '…' : '')];
}

/** How a scalar reads when searched: strings as they are, numbers and dates as JSON shows them. */
function scalarText(value: unknown, mode: SearchMode): string | undefined {
  switch (typeof value) {
    case 'string':
      return mode === 'number' ? value.trim() : value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
    case 'undefined':
      return mode === 'number' ? undefined : String(value);
    default:
      // As the panel shows it.
      if (value === null) return mode === 'number' ? undefined : 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : mode === 'number' ? String(value.getTime()) : value.toISOString();
      return undefined;
  }
}

/** `todos[3].title`: the codec's path notation after the name it starts from. */
export function readablePath(name: string, path: Path): string {
  const rest = formatPath(path).slice(1);
  return path.length === 0 ? name : `${name}${rest}`;
}

/**
 * Every match in `value` (keys of objects and Maps, scalars), at most `limit`, skipping what
 * `hidden` says is redacted. Containers beyond MAX_DEPTH or past MAX_NODES are not searched.
 */
export function searchValue(value: unknown, match: Matcher, mode: SearchMode, limit: number, hidden: (path: Path) => boolean = () => false): Hit[] {
  const hits: Hit[] = [];
  let nodes = 0;
  const seen = new Set<object>();
  const check = (text: string | undefined, path: Path, on: Hit['on']) => {
    if (text === undefined || hits.length >= limit) return;
    const found = match(text);
    if (found && !hidden(path)) hits.push({ path, on, excerpt: excerpt(text, found) });
  };
  const walk = (node: unknown, path: Path, depth: number): void => {
    if (hits.length >= limit || ++nodes > MAX_NODES || hidden(path)) return;
    if (typeof node !== 'object' || node === null || node instanceof Date) return check(scalarText(node, mode), path, 'value');
    if (depth >= MAX_DEPTH || seen.has(node) || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) return;
    if (typeof Blob !== 'undefined' && node instanceof Blob) return;
    seen.add(node);
    if (node instanceof Map) {
      let i = 0;
      for (const [key, entry] of node) {
        check(scalarText(key, mode), [...path, i, 0], 'key');
        walk(entry, [...path, i, 1], depth + 1);
        i++;
      }
    } else if (node instanceof Set) {
      let i = 0;
      for (const entry of node) walk(entry, [...path, i++], depth + 1);
    } else if (Array.isArray(node)) {
      // A far sparse array by its items (far.ts): four billion holes took the page ~10 s per row.
      for (const i of farIndexes(node) ?? node.keys()) walk(node[i], [...path, i], depth + 1);
    } else {
      for (const key of Object.keys(node)) {
        if (mode !== 'number') check(key, [...path, key], 'key');
        walk((node as Record<string, unknown>)[key], [...path, key], depth + 1);
      }
    }
    seen.delete(node);
  };
  walk(value, [], 0);
  return hits;
}
