/**
 * Every localStorage and sessionStorage key of the origin, editable. A value that is JSON text is
 * shown and edited as the value it spells; any other text is a string. A write keeps the key's
 * form: a JSON key is written back as JSON, a plain string as the string itself — a string is
 * never turned into JSON text or back unless the user changed the value's type in the editor.
 * Keys Stratum owns (values behind its `stratum:` marker) are left to the runtime's Storage view.
 */
import type { Encoded, Path } from '#codec/index.js';
import { CommandError } from '#protocol/errors.js';
import type { Hash, WebstorageInfo, WebstorageKeyInfo } from '#protocol/messages.js';
import { applyEdit, decodeEdit, type EditOp } from '#runtime/devtools/agent/edit.js';
import type { InlineBlobs } from '#runtime/devtools/agent/show.js';
import { Blobs, conflict, hashOf, reason, show } from './show.js';

/** Stratum writes every value behind this marker (runtime/codec/serialize.ts): the runtime shows those. */
const MARKER = 'stratum:';
/** Stratum's per-tab client id (runtime/store/client-id.ts). */
const STRATUM_KEYS = new Set(['stratum.client-id']);

export type Area = 'local' | 'session';
export const AREA_IDS: Record<Area, number> = { local: 1, session: 2 };

/**
 * What a stored text reads as: JSON's value, or the text itself. JSON whose numbers JavaScript
 * cannot hold exactly (`lossy`: the first such number) is text too: read as a value and written
 * back, 1234567890123456789 would become 1234567890123456800 by an edit of another field.
 */
export function parseStored(text: string): { json: boolean; value: unknown; lossy?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { json: false, value: text };
  }
  const lossy = inexactNumber(text);
  return lossy === undefined ? { json: true, value } : { json: false, value: text, lossy };
}

/** A number literal of valid JSON `text` that JSON.stringify would not write back as the same number. */
function inexactNumber(text: string): string | undefined {
  // Strings are matched whole so that digits inside them are skipped.
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (token.startsWith('"')) continue;
    if (decimal(token) !== decimal(JSON.stringify(Number(token)))) return token;
  }
  return undefined;
}

/** A JSON number literal as sign, significant digits and exponent (1.50 and 15e-1 read the same). */
function decimal(literal: string): string | undefined {
  const parts = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  // JSON.stringify writes null for a number too large to hold (1e400 read as Infinity).
  if (!parts) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = parts;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let power = Number(exponent) - fraction.length;
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    power++;
  }
  // -0 is kept apart from 0: JSON.stringify writes it as 0.
  return digits === '' ? `${sign}0` : `${sign}${digits}e${power}`;
}

/** Whether `value` survives JSON text unchanged (what localStorage can hold as JSON). */
function isJson(value: unknown, depth = 0): boolean {
  if (depth > 1000) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isJson(item, depth + 1));
}

/**
 * The text to store for `value`, given what the key held (`wasJson`; undefined for a new key). A
 * string written over a string stays a string; anything else is JSON, and a value JSON cannot hold
 * (a Date, a Map, undefined) is refused in words rather than silently changed.
 */
export function textFor(value: unknown, wasJson: boolean | undefined): string {
  if (typeof value === 'string' && wasJson !== true) return value;
  if (!isJson(value)) {
    throw new CommandError('invalid', 'webstorage holds text: this value has parts JSON cannot hold (a Date, Map, Set, undefined, a class instance…); use strings, numbers, booleans, null, arrays and plain objects');
  }
  return JSON.stringify(value);
}

export class PageKeys {
  constructor(
    private readonly _window: { localStorage: Storage; sessionStorage: Storage },
    readonly blobs: Blobs = new Blobs(),
  ) {}

  storage(area: Area): Storage {
    try {
      // Reading the property itself throws a SecurityError when storage is blocked.
      return area === 'local' ? this._window.localStorage : this._window.sessionStorage;
    } catch (error) {
      throw new CommandError('unavailable', `${area}Storage is not readable here: ${reason(error)}`);
    }
  }

  areaOf(id: number): Area {
    if (id === AREA_IDS.local) return 'local';
    if (id === AREA_IDS.session) return 'session';
    throw new CommandError('not-found', `no storage ${id} (refresh the panel)`);
  }

  /** Whether Stratum's own webstorage holds this key (shown by the runtime, not here). */
  static stratums(key: string, text: string): boolean {
    return text.startsWith(MARKER) || STRATUM_KEYS.has(key);
  }

  info(key: string, text: string): WebstorageKeyInfo {
    const { value } = parseStored(text);
    return { key, value: show(value, this.blobs), hash: hashOf(text), size: (key.length + text.length) * 2, redacted: [] };
  }

  list(area: Area): WebstorageInfo {
    const backend = area === 'local' ? 'localStorage' : 'sessionStorage';
    const base = { id: AREA_IDS[area], kind: area, backend, namespace: '' } as const;
    let storage: Storage;
    try {
      storage = this.storage(area);
    } catch (error) {
      return { ...base, available: false, reason: reason(error), keys: [], bytes: 0 };
    }
    const keys: WebstorageKeyInfo[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key === null) continue;
      const text = storage.getItem(key) ?? '';
      if (PageKeys.stratums(key, text)) continue;
      keys.push(this.info(key, text));
    }
    return { ...base, available: true, keys, bytes: keys.reduce((sum, entry) => sum + entry.size, 0) };
  }

  private _current(area: Area, key: string): string | null {
    const text = this.storage(area).getItem(key);
    // Named outright (an "add key" over it, the kit): Stratum's keys stay the runtime's, as in list(),
    // or a conflict's answer would show what the runtime's redact hides.
    if (text !== null && PageKeys.stratums(key, text)) {
      throw new CommandError('not-editable', `key "${key}" of ${area}Storage is Stratum's: the Stratum runtime shows and edits it`);
    }
    return text;
  }

  private _check(area: Area, key: string, current: string | null, baseVersion: Hash | number | null | undefined): void {
    if (baseVersion === undefined) return;
    const hash = current === null ? null : hashOf(current);
    if (hash !== baseVersion) throw conflict(`key "${key}" of ${area}Storage`, current === null ? undefined : parseStored(current).value, hash, this.blobs);
  }

  private _write(area: Area, key: string, text: string): Hash {
    try {
      this.storage(area).setItem(key, text);
    } catch (error) {
      const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
      throw new CommandError(quota ? 'quota' : 'failed', `${area}Storage refused the write: ${reason(error)}`);
    }
    return hashOf(text);
  }

  set(id: number, key: string, encoded: Encoded, baseVersion: Hash | null): { hash: Hash; text: string } {
    const area = this.areaOf(id);
    const value = decodeEdit(encoded, this.blobs as unknown as InlineBlobs);
    const current = this._current(area, key);
    this._check(area, key, current, baseVersion);
    const text = textFor(value, current === null ? undefined : parseStored(current).json);
    return { hash: this._write(area, key, text), text };
  }

  remove(id: number, key: string, baseVersion: Hash): boolean {
    const area = this.areaOf(id);
    const current = this._current(area, key);
    if (current === null) return false;
    this._check(area, key, current, baseVersion);
    this.storage(area).removeItem(key);
    return true;
  }

  /** Removes every key this view shows (never Stratum's own). */
  clear(id: number): number {
    const area = this.areaOf(id);
    const storage = this.storage(area);
    const doomed: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null && !PageKeys.stratums(key, storage.getItem(key) ?? '')) doomed.push(key);
    }
    for (const key of doomed) storage.removeItem(key);
    return doomed.length;
  }

  edit(id: number, key: string, edit: { path: Path; op: EditOp; value?: Encoded; to?: string; baseVersion?: Hash | number }): { hash: Hash; text: string } {
    const area = this.areaOf(id);
    const current = this._current(area, key);
    if (current === null) throw new CommandError('not-found', `${area}Storage has no key "${key}"`);
    this._check(area, key, current, edit.baseVersion);
    const part = edit.value === undefined ? undefined : decodeEdit(edit.value, this.blobs as unknown as InlineBlobs);
    const stored = parseStored(current);
    if (stored.lossy !== undefined && edit.path.length > 0) {
      throw new CommandError(
        'not-editable',
        `key "${key}" holds JSON with a number JavaScript cannot hold exactly (${stored.lossy.length > 40 ? `${stored.lossy.slice(0, 40)}…` : stored.lossy}), so it is shown as text: edit the text as a whole, or in the app`,
      );
    }
    const next = applyEdit(stored.value, edit.path, edit.op, part, edit.to);
    const text = textFor(next, stored.json);
    return { hash: this._write(area, key, text), text };
  }

  value(id: number, key: string): unknown {
    const area = this.areaOf(id);
    const current = this._current(area, key);
    if (current === null) throw new CommandError('not-found', `${area}Storage has no key "${key}"`);
    return parseStored(current).value;
  }
}
