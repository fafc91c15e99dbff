/**
 * A deep copy of plain data (objects, arrays, Maps, Sets; class instances kept as they are). A
 * library that adopts what it is given (Vue's reactive, valtio's proxy) must get a value the
 * mirror does not hold, or it would mutate the state's value in place behind the store's back —
 * and a frozen part (a valtio snapshot) would refuse its own library's later writes.
 */
export function copyData(value: unknown, unwrap: (value: object) => unknown = (same) => same): unknown {
  const raw: unknown = typeof value === 'object' && value !== null ? unwrap(value) : value;
  if (typeof raw !== 'object' || raw === null) return raw;
  if (Array.isArray(raw)) return raw.map((item) => copyData(item, unwrap));
  if (raw instanceof Map) return new Map([...raw].map(([k, v]) => [copyData(k, unwrap), copyData(v, unwrap)]));
  if (raw instanceof Set) return new Set([...raw].map((item) => copyData(item, unwrap)));
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return raw;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(raw)) copy[key] = copyData(item, unwrap);
  return copy;
}
