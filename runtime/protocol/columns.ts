/**
 * A scope's states as columns (issue 18, third pass): what the snapshot pushed after a panel's
 * hello carries instead of one `StateInfo` object per state. 10,000 objects of seven fields cost
 * the page's structured clone, the panel's validation (which copies every object) and the GC;
 * five arrays of 10,000 cost a fraction of that. Only panels that say they read columns get
 * them: `hello` is frozen, so the capability rides in the client id, as the panel role already
 * does (`panel-…`). An older panel (plain `panel-…`) keeps getting `StateInfo` previews, and an
 * older runtime answers a columns panel with them too: the panel reads both forms.
 */
import type { Encoded, Path } from '../codec/types.js';
import { isPlainObject, json, ShapeError, type Budget, type Check } from './shape.js';

/** Index i of every array is one state of the scope. */
export interface StateColumns {
  ids: string[];
  keys: string[];
  versions: number[];
  /**
   * Each state's preview (PREVIEW): a primitive or short string as it is, a container as a
   * `truncated` node, which means the panel pulls the value whole on select. Equal nodes are one
   * object, which structured clone sends once and the check below reads once.
   */
  values: Encoded[];
  /** States with redacted paths (few): their indexes, ascending, and the paths of each. */
  redactedAt: number[];
  redacted: Path[][];
  /** States that persist (`local`, `db:…`): their indexes, ascending, and where. */
  persistedAt: number[];
  persistence: string[];
}

/** The client id prefix of a panel that reads columns (the extension's and the standalone panel). */
export const COLUMNS_CLIENT = 'panel-cols-';

/** A panel's client id that asks for columns. */
export function columnsClient(): string {
  return `${COLUMNS_CLIENT}${Math.random().toString(36).slice(2, 10)}`;
}

export function readsColumns(client: string): boolean {
  return client.startsWith(COLUMNS_CLIENT);
}

const COLUMNS = ['ids', 'keys', 'versions', 'values', 'redactedAt', 'redacted', 'persistedAt', 'persistence'] as const;

function spend(budget: Budget, count: number, at: string): void {
  budget.nodes -= count;
  if (budget.nodes < 0) throw new ShapeError(`${at}: message has too many parts`);
}

function list(value: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${at}: expected an array`);
  if (value.length > max) throw new ShapeError(`${at}: more than ${max} items`);
  return value;
}

function strings(value: unknown, at: string, max: number, length: number): string[] {
  const items = list(value, at, max);
  // An index loop: a hole (postMessage keeps them) reads as undefined and is refused.
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (typeof item !== 'string' || item.length > length) throw new ShapeError(`${at}[${index}]: expected a string of at most ${length} characters`);
  }
  return items as string[];
}

function indexes(value: unknown, at: string, count: number): number[] {
  const items = list(value, at, count);
  let last = -1;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (typeof item !== 'number' || !Number.isInteger(item) || item <= last || item >= count) throw new ShapeError(`${at}[${index}]: expected an ascending index below ${count}`);
    last = item;
  }
  return items as number[];
}

/**
 * Checks columns in place: every cell by type and bound, every column as long as `ids`. Unlike
 * `obj`/`arr` it returns the arrays it checked rather than copies (they are a structured clone's
 * fresh plain arrays, read by nobody else), and a preview node shared by many states is walked
 * once. The node budget still counts every cell.
 */
export function stateColumnsCheck(options: { many: number; text: number; path: Check<Path> }): Check<StateColumns> {
  return (value, at, budget, depth) => {
    if (!isPlainObject(value)) throw new ShapeError(`${at}: expected an object`);
    for (const key of Object.keys(value)) {
      if (!(COLUMNS as readonly string[]).includes(key)) throw new ShapeError(`${at}: unexpected field "${key.slice(0, 40)}"`);
    }
    const ids = strings(value['ids'], `${at}.ids`, options.many, options.text);
    const count = ids.length;
    const keys = strings(value['keys'], `${at}.keys`, options.many, options.text);
    const versions = list(value['versions'], `${at}.versions`, options.many);
    const values = list(value['values'], `${at}.values`, options.many);
    if (keys.length !== count || versions.length !== count || values.length !== count) throw new ShapeError(`${at}: columns of different lengths`);
    spend(budget, 4 * count, at);
    for (let index = 0; index < count; index++) {
      const version = versions[index];
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw new ShapeError(`${at}.versions[${index}]: expected an integer ≥ 0`);
    }
    const seen = new Set<object>();
    for (let index = 0; index < count; index++) {
      const cell = values[index];
      if (typeof cell === 'object' && cell !== null) {
        if (seen.has(cell)) continue;
        seen.add(cell);
      }
      json(cell, `${at}.values[${index}]`, budget, depth + 2);
    }
    const redactedAt = indexes(value['redactedAt'], `${at}.redactedAt`, count);
    const redacted = list(value['redacted'], `${at}.redacted`, count).map((paths, index) => {
      const inner = list(paths, `${at}.redacted[${index}]`, options.many);
      return inner.map((path, at2) => options.path(path, `${at}.redacted[${index}][${at2}]`, budget, depth + 3));
    });
    const persistedAt = indexes(value['persistedAt'], `${at}.persistedAt`, count);
    const persistence = strings(value['persistence'], `${at}.persistence`, count, options.text);
    if (redacted.length !== redactedAt.length || persistence.length !== persistedAt.length) throw new ShapeError(`${at}: columns of different lengths`);
    spend(budget, redactedAt.length + persistedAt.length, at);
    return { ids, keys, versions: versions as number[], values: values as Encoded[], redactedAt, redacted, persistedAt, persistence };
  };
}
