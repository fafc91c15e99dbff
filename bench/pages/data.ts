/**
 * Bench data: deterministic (a seeded generator, so every run and every contender sees the same
 * values) and sized in bytes of its JSON text, as the rows are.
 */

/** mulberry32: tiny, seeded, good enough to make data that does not compress to nothing. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function word(next: () => number): string {
  return WORDS[Math.floor(next() * WORDS.length)]!;
}

/** One row of an app's state: strings, numbers, booleans, a nested object and a short list. */
export function record(id: number, next: () => number) {
  return {
    id,
    name: `${word(next)} ${word(next)}`,
    email: `${word(next)}${id}@example.com`,
    active: next() > 0.3,
    score: Math.round(next() * 1e6) / 100,
    tags: [word(next), word(next), word(next)],
    address: { street: `${Math.floor(next() * 999)} ${word(next)} street`, city: word(next), zip: String(10000 + id) },
  };
}

/** JSON-like state of about `bytes` bytes of JSON: { users: [...], meta }. */
export function plainState(bytes: number) {
  const next = random(1);
  const users = [];
  let size = 0;
  for (let id = 0; size < bytes; id++) {
    const row = record(id, next);
    size += JSON.stringify(row).length + 1;
    users.push(row);
  }
  return { users, meta: { version: 3, title: 'bench state' } };
}

/** The same shape with what JSON cannot carry: Dates, BigInts, Maps and Sets. ~`bytes` of JSON text before the types. */
export function richState(bytes: number) {
  const next = random(2);
  const users = new Map<number, unknown>();
  let size = 0;
  for (let id = 0; size < bytes; id++) {
    const { tags, ...row } = record(id, next);
    size += JSON.stringify(row).length + 60;
    users.set(id, {
      ...row,
      tags: new Set(tags),
      created: new Date(1_700_000_000_000 + id * 1000),
      balance: BigInt(Math.floor(next() * 1e9)) * 1_000_000_007n,
    });
  }
  return { users, meta: { version: 3n, saved: new Date(1_700_000_000_000) } };
}

/** Deep equality over plain data, Maps, Sets, Dates and BigInts: what the codec rows must preserve. */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    return a.size === other.size && [...a].every(([key, value]) => other.has(key) && same(value, other.get(key)));
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    return a.size === other.size && [...a].every((value) => other.has(value));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
