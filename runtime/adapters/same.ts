/**
 * Structural equality of plain data, for the mirror's echo guard: a library that hands back a
 * fresh copy of the value it was given (valtio snapshots, pinia, mobx's toJS) is no new change.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameData(item, other[i]));
  }
  if (a instanceof Map || a instanceof Set) {
    const left = [...a];
    const right = [...(b as Map<unknown, unknown> | Set<unknown>)];
    return left.length === right.length && left.every((item, i) => sameData(item, right[i]));
  }
  const proto: unknown = Object.getPrototypeOf(a);
  // Class instances other than the ones above compare by identity only: their state is private.
  if (proto !== Object.prototype && proto !== null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameData(left[key], right[key]));
}
