/**
 * The inline editors' text ⇄ the encoded value. Every parse says why it failed, in words, and an
 * invalid input produces no value (so nothing is sent). Raw JSON is the codec's tagged form:
 * plain JSON reads as itself, and `{"$t":"date","v":"…"}` keeps a Date a Date.
 */
import { decode } from '#codec/decode.js';
import type { Encoded } from '#codec/types.js';
import { isTagged, type LeafType } from './encoded.js';

export type Parsed = { ok: true; value: Encoded } | { ok: false; reason: string };

const NUMBER_NAMES = new Set(['NaN', 'Infinity', '-Infinity', '-0']);
const BIGINT = /^-?\d+$/;

/** The editor that fits a value, and the text it starts with. */
export function leafText(type: LeafType, value: Encoded): string {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : '';
    case 'number':
      if (typeof value === 'number') return String(value);
      return isTagged(value) && value.$t === 'number' ? String(value.v) : '0';
    case 'boolean':
      return value === false ? 'false' : 'true';
    case 'bigint':
      return isTagged(value) && value.$t === 'bigint' ? String(value.v) : '0';
    case 'date':
      return isTagged(value) && value.$t === 'date' && typeof value.v === 'string' ? value.v : new Date().toISOString();
    case 'null':
    case 'undefined':
      return '';
    case 'json':
      return JSON.stringify(value, null, 2);
  }
}

/** Decimal digits with no fraction (or only zeros after the point): an integer the user spelled out. */
const INTEGER = /^([+-]?\d+)(?:\.0*)?$/;

/**
 * The number as typed, or why it cannot be written as typed: a JavaScript number overflows to
 * Infinity, rounds integers past 2^53 and flushes tiny values to 0, and a bare -0 arrives as 0
 * over JSON (the codec's tagged -0 does not).
 */
function exactNumber(trimmed: string, n: number): Parsed {
  if (!Number.isFinite(n)) {
    return { ok: false, reason: `${trimmed} is too large for a number (it would be written as ${n}): use a bigint for large integers, or type ${n} if you mean it` };
  }
  const integer = INTEGER.exec(trimmed);
  if (integer && BigInt(integer[1]!) !== BigInt(n)) {
    return { ok: false, reason: `${trimmed} is past what a number holds exactly (2^53 = 9007199254740992) and would be written as ${BigInt(n)}: use a bigint for large integers` };
  }
  if (n === 0 && /[1-9]/.test(trimmed.replace(/e.*$/i, ''))) {
    return { ok: false, reason: `${trimmed} is too small for a number (it would be written as 0)` };
  }
  return { ok: true, value: Object.is(n, -0) ? { $t: 'number', v: '-0' } : n };
}

/** Reads the editor's text as the chosen type. */
export function parseLeaf(type: LeafType, text: string): Parsed {
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'number': {
      const trimmed = text.trim();
      if (NUMBER_NAMES.has(trimmed)) return { ok: true, value: { $t: 'number', v: trimmed } };
      const n = Number(trimmed);
      if (trimmed === '' || Number.isNaN(n)) return { ok: false, reason: `"${text}" is not a number` };
      return exactNumber(trimmed, n);
    }
    case 'boolean': {
      const trimmed = text.trim();
      if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
      return { ok: false, reason: 'a boolean is true or false' };
    }
    case 'bigint': {
      const trimmed = text.trim().replace(/n$/, '');
      if (!BIGINT.test(trimmed)) return { ok: false, reason: `"${text}" is not an integer (a BigInt has no fraction or exponent)` };
      return { ok: true, value: { $t: 'bigint', v: BigInt(trimmed).toString() } };
    }
    case 'date': {
      const trimmed = text.trim();
      const time = Date.parse(trimmed);
      if (trimmed === '' || Number.isNaN(time)) return { ok: false, reason: `"${text}" is not a date (try 2024-05-01T12:00:00Z)` };
      return { ok: true, value: { $t: 'date', v: new Date(time).toISOString() } };
    }
    case 'null':
      return { ok: true, value: null };
    case 'undefined':
      return { ok: true, value: { $t: 'undefined' } };
    case 'json':
      return parseJson(text);
  }
}

/**
 * Raw JSON in the codec's tagged form, checked twice: as JSON (the parser's message, with its
 * position), then as an encoded value (a wrong tag names its path). Either failure sends nothing.
 */
export function parseJson(text: string): Parsed {
  if (text.trim() === '') return { ok: false, reason: 'empty: write a JSON value (null, "text", 1, {…}, […])' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  try {
    decode(json);
  } catch (error) {
    return { ok: false, reason: `not a value the page can hold: ${(error as Error).message}` };
  }
  return { ok: true, value: json as Encoded };
}

/**
 * A key typed in a filter or a Map key box: JSON when it parses (`5`, `"5"`, `[1,"a"]`, a tagged
 * date), else the text itself as a string, so `odd` needs no quotes.
 */
export function parseKey(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'empty key' };
  try {
    const json = JSON.parse(trimmed) as unknown;
    decode(json);
    return { ok: true, value: json as Encoded };
  } catch {
    // Not JSON (or not a value): read as the string the user typed; that is what they meant.
    return { ok: true, value: text };
  }
}
