/**
 * Small, strict, bounded shape checks for messages from another realm. Hand-written rather than
 * a schema library: the checks run in the page for every message, and must refuse what a
 * hostile page script could post (prototype keys, deep nesting, huge strings) before anything
 * reads it. A check returns the value typed, or throws ShapeError naming where it failed.
 */
import { LIMITS } from './messages.js';
import type { JsonValue } from './values.js';

export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Shared by every check of one message: how many nodes it may still visit. */
export interface Budget {
  nodes: number;
}

export type Check<T> = (value: unknown, at: string, budget: Budget, depth: number) => T;

function fail(at: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new ShapeError(`${at || 'message'}: expected ${expected}, got ${got}`);
}

function visit(at: string, budget: Budget, depth: number): void {
  if (--budget.nodes < 0) throw new ShapeError(`${at}: message has more than ${LIMITS.nodes} parts`);
  if (depth > LIMITS.depth) throw new ShapeError(`${at}: nested deeper than ${LIMITS.depth} levels`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function str(max: number = LIMITS.string): Check<string> {
  return (value, at, budget, depth) => {
    visit(at, budget, depth);
    if (typeof value !== 'string') fail(at, 'a string', value);
    if (value.length > max) throw new ShapeError(`${at}: string longer than ${max} characters`);
    return value;
  };
}

/** A finite number; `integer` also requires a safe integer ≥ 0. */
export function num(integer = false): Check<number> {
  return (value, at, budget, depth) => {
    visit(at, budget, depth);
    const expected = integer ? 'an integer ≥ 0' : 'a finite number';
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(at, expected, value);
    if (integer && (!Number.isSafeInteger(value) || value < 0)) fail(at, expected, value);
    return value;
  };
}

export const int = num(true);
export const finite = num(false);
export const id = str(LIMITS.id);

export const bool: Check<boolean> = (value, at, budget, depth) => {
  visit(at, budget, depth);
  if (typeof value !== 'boolean') fail(at, 'a boolean', value);
  return value;
};

export function literal<const L extends readonly (string | number | boolean)[]>(...values: L): Check<L[number]> {
  return (value, at, budget, depth) => {
    visit(at, budget, depth);
    if (!values.includes(value as L[number])) fail(at, `one of ${values.join(', ')}`, value);
    return value as L[number];
  };
}

export function opt<T>(check: Check<T>): Check<T | undefined> {
  return (value, at, budget, depth) => (value === undefined ? undefined : check(value, at, budget, depth));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, at, budget, depth) => (value === null ? null : check(value, at, budget, depth));
}

export function oneOf<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (value, at, budget, depth) => {
    try {
      return a(value, at, budget, depth);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
    }
    try {
      return b(value, at, budget, depth);
    } catch (error) {
      if (error instanceof ShapeError) fail(at, expected, value);
      throw error;
    }
  };
}

export function arr<T>(check: Check<T>, max: number): Check<T[]> {
  return (value, at, budget, depth) => {
    visit(at, budget, depth);
    if (!Array.isArray(value)) fail(at, 'an array', value);
    if (value.length > max) throw new ShapeError(`${at}: more than ${max} items`);
    // An index loop, not map(): map skips the holes of a sparse array (postMessage keeps them),
    // which would let `[,]` through as a batch whose message is undefined.
    const out: T[] = [];
    for (let index = 0; index < value.length; index++) out.push(check(value[index], `${at}[${index}]`, budget, depth + 1));
    return out;
  };
}

/**
 * An object with exactly these fields: an unknown key (a prototype key above all) is an error,
 * so a check written for a type cannot silently let more through. Every key of T needs a check.
 */
export function obj<T extends object>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  const entries = Object.entries(fields) as [string, Check<unknown>][];
  const known = new Set(entries.map(([key]) => key));
  return (value, at, budget, depth) => {
    visit(at, budget, depth);
    if (!isPlainObject(value)) fail(at, 'an object', value);
    for (const key of Object.keys(value)) {
      if (!known.has(key)) throw new ShapeError(`${at}: unexpected field "${key.slice(0, 40)}"`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of entries) {
      const field = check(Object.hasOwn(value, key) ? value[key] : undefined, at ? `${at}.${key}` : key, budget, depth + 1);
      if (field !== undefined) out[key] = field;
    }
    return out as T;
  };
}

/** A union told apart by one string field. */
export function tagged<T extends object, K extends keyof T & string>(
  tag: K,
  variants: Record<string, Check<T>>,
): Check<T> {
  return (value, at, budget, depth) => {
    const kind = isPlainObject(value) ? value[tag] : undefined;
    const check = typeof kind === 'string' && Object.hasOwn(variants, kind) ? variants[kind] : undefined;
    if (!check) fail(at ? `${at}.${tag}` : tag, `one of ${Object.keys(variants).join(', ')}`, kind);
    return check(value, at, budget, depth);
  };
}

/**
 * Any JSON value within the limits: the codec's tagged form. Its meaning is the codec's to
 * check (decode throws CodecError); here only its size and nesting.
 */
export const json: Check<JsonValue> = (value, at, budget, depth) => {
  visit(at, budget, depth);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(at, 'a finite number (the codec tags the others)', value);
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > LIMITS.string) throw new ShapeError(`${at}: string longer than ${LIMITS.string} characters`);
    return value;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) json(value[index], at, budget, depth + 1);
    return value as JsonValue;
  }
  if (!isPlainObject(value)) fail(at, 'a JSON value', value);
  // Data keys may be anything, `__proto__` included (the codec reads own keys, never assigns
  // them); only structural positions (obj) refuse unknown keys.
  for (const key of Object.keys(value)) json(value[key], at, budget, depth + 1);
  return value as JsonValue;
};
