/**
 * Which arrays are far sparse (sparse.ts): more than MAX_HOLES holes, and more holes than items.
 * Apart from sparse.ts so that what edits values (edit.ts, which the extension's inspector also
 * bundles) carries only this.
 */

/** The codec's storage encodes refuse a value with more holes (one node each), so nothing under it changes. */
export const MAX_HOLES = 1_000_000;

/**
 * The indexes `list` holds, in order, when it is far; undefined for any other array. Exact: 64
 * probes only pick how to count, a scan for an array that looks dense (it stops once the items
 * rule it out; past 2^27 slots no engine holds an array densely) or the own keys, which a
 * dictionary-mode array lists by its items.
 */
export function farIndexes(list: unknown[]): number[] | undefined {
  const length = list.length;
  if (length <= MAX_HOLES) return undefined;
  // From this many items it is not far.
  const enough = Math.min(length - MAX_HOLES, Math.ceil(length / 2));
  let found = 0;
  for (let k = 0; k < 64; k++) if (Math.floor((k * (length - 1)) / 63) in list) found++;
  if (found > 32 && length <= 2 ** 27) for (let i = 0, items = 0; i < length; i++) if (i in list && ++items >= enough) return undefined;
  const indexes: number[] = [];
  // Own keys list array indexes first, ascending; a named property ends them.
  for (const key of Object.keys(list)) {
    const index = +key;
    if (!(index < length) || String(index) !== key) break;
    indexes.push(index);
  }
  return indexes.length < enough ? indexes : undefined;
}
