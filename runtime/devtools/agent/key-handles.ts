/**
 * Row keys redact() hides. A row's key is the address of every row command, so a key that is
 * (or holds) a redacted part would carry the secret to the panel with every listing, delta and
 * search hit. Such a key travels as a handle instead, `{ $t: 'redacted', handle: 'k12' }`: the
 * panel shows `[redacted]` and sends the node back wherever it sends a key; the agent maps it
 * back here.
 *
 * A handle is a number in the order keys were first shown, never computed from the key, so
 * nothing about the secret can be read from it, and never given twice in the page's life, so a
 * forgotten handle cannot come to mean another row. Per agent session (cleared when the last
 * panel leaves) and bounded: MAX_HANDLES, the least recently used forgotten first; a handle holds
 * the key and its place as text, ~400 B for a 25-character e-mail key (measured), so ~4 MB at
 * most. A forgotten or unknown handle is refused in words; the panel reads its rows again.
 */
import { decode, encode, type Encoded, type Path } from '../../codec/index.js';
import type { Key } from '../../db/keys.js';
import type { KeyPath } from '../../db/schema.js';
import { CommandError } from '../../protocol/errors.js';
import type { RedactedKey } from '../../protocol/values.js';
import { config } from '../../registry/registry.js';
import { redactedPaths } from './show.js';

export const MAX_HANDLES = 10_000;

/** The `$t` of a handle node; the panel shows it as `[redacted]`. */
export const HANDLE_TAG: RedactedKey['$t'] = 'redacted';

/**
 * Where a row key lives: the table (by registry id and name), where redact() sees its rows, its
 * key path (null: out of line, the key kept apart from the row; redact() is asked about it at the
 * row's own path, as it is asked about the row).
 */
export interface KeyPlace {
  database: number;
  table: string;
  root: Path;
  keyPath: KeyPath | null;
}

interface Held {
  database: number;
  table: string;
  key: Key;
  /** The key's place as `_byKey` holds it. */
  at: string;
}

/** `a` is `b` or lies inside it. */
function within(a: Path, b: Path): boolean {
  return b.length <= a.length && b.every((step, i) => step === a[i]);
}

function steps(part: string): string[] {
  return part === '' ? [] : part.split('.');
}

/** Each part of a key path with the part of `key` found there (a compound key is an array of parts). */
function parts(keyPath: KeyPath | null, key: Key): [string[], unknown][] {
  // Out of line: the key stands where the row does (redact() asked with the key as the value).
  if (keyPath === null) return [[[], key]];
  if (!Array.isArray(keyPath)) return [[steps(keyPath), key]];
  return keyPath.map((part, i) => [steps(part), Array.isArray(key) ? key[i] : undefined]);
}

/**
 * Whether redact() hides `key` where the row holds it: a part of the key or something inside
 * it, asked with its value; the fields above it asked as guardFields asks them (without a row
 * there is no value to offer). `hidden`, a row's redacted paths, adds what its value decided.
 */
export function keyHidden(key: Key, place: Pick<KeyPlace, 'root' | 'keyPath'>, hidden: Path[] = []): boolean {
  const redact = config.redact;
  if (!redact) return false;
  if (keyInHidden(place.keyPath, hidden)) return true;
  for (const [path, value] of parts(place.keyPath, key)) {
    for (let n = 0; n < path.length; n++) if (redact([...place.root, ...path.slice(0, n)], undefined)) return true;
    if (redactedPaths(value, place.root, path).length > 0) return true;
  }
  return false;
}

/**
 * Whether a row's redacted paths (`hidden`) cover or lie inside a part of its key. An out-of-line
 * key (null) is in no part of its row: only a row hidden whole hides it.
 */
export function keyInHidden(keyPath: KeyPath | null, hidden: Path[]): boolean {
  if (keyPath === null) return hidden.some((secret) => secret.length === 0);
  const paths = [keyPath].flat().map(steps);
  return hidden.some((secret) => paths.some((path) => within(path, secret) || within(secret, path)));
}

/**
 * A key as a file (snapshot, recording) holds it: its encoding, or `{ $t: 'redacted' }` where
 * redact() hides it. A file outlives the session's handles, so it names no row; a reader that
 * meets the node leaves the row as the page holds it, and an older reader fails on the unknown
 * tag instead of writing a wrong key.
 */
export function fileKey(key: Key | undefined, place: Pick<KeyPlace, 'root' | 'keyPath'>, hidden?: Path[]): Encoded {
  if (key === undefined) return null;
  return keyHidden(key, place, hidden) ? { $t: HANDLE_TAG } : encode(key);
}

/** A handle node (`handle` set) or a file's hidden key (none). */
export function isHandle(encoded: Encoded | undefined): encoded is Encoded & RedactedKey {
  return typeof encoded === 'object' && encoded !== null && !Array.isArray(encoded) && encoded['$t'] === HANDLE_TAG;
}

export class KeyHandles {
  private readonly _byHandle = new Map<string, Held>();
  private readonly _byKey = new Map<string, string>();
  private static _issued = 0;

  constructor(private readonly _max = MAX_HANDLES) {}

  /** The key as the panel gets it: its encoding, or a handle where redact() hides it. */
  show(key: Key | undefined, place: KeyPlace, hidden?: Path[]): Encoded {
    if (key === undefined) return null;
    const encoded = encode(key);
    if (!config.redact) return encoded;
    const at = JSON.stringify([place.database, place.table, encoded]);
    let handle = this._byKey.get(at);
    if (handle === undefined) {
      if (!keyHidden(key, place, hidden)) return encoded;
      handle = `k${++KeyHandles._issued}`;
    }
    this._remember(handle, { database: place.database, table: place.table, key, at });
    return { $t: HANDLE_TAG, handle };
  }

  /**
   * The key `encoded` names in `place`: a handle mapped back, or a key decoded. A key named
   * outright where redact() hides keys is refused: whether it exists would tell the secret.
   */
  key(encoded: Encoded, what: string, place: KeyPlace): Key {
    if (isHandle(encoded)) return this._resolve(encoded.handle, what, place);
    const key = decodeKey(encoded, what);
    if (keyHidden(key, place)) {
      throw new CommandError('redacted', `${what} of table "${place.table}" is redacted by configureDevtools({ redact }): name its rows by the handles the agent listed, not by a key (the answer would tell whether that key exists)`);
    }
    return key;
  }

  clear(): void {
    this._byHandle.clear();
    this._byKey.clear();
  }

  private _resolve(handle: unknown, what: string, place: KeyPlace): Key {
    const held = typeof handle === 'string' ? this._byHandle.get(handle) : undefined;
    if (!held) {
      throw new CommandError('not-found', `${what} is a redacted key's handle the agent no longer knows (unknown or expired: it keeps the last ${this._max}): read the rows again`);
    }
    if (held.database !== place.database || held.table !== place.table) {
      throw new CommandError('not-found', `${what} is a redacted key's handle of another table than "${place.table}"`);
    }
    this._remember(handle as string, held);
    return held.key;
  }

  private _remember(handle: string, held: Held): void {
    // Deleted and set again: the Map's order is then least recently used first.
    this._byHandle.delete(handle);
    this._byHandle.set(handle, held);
    this._byKey.set(held.at, handle);
    if (this._byHandle.size > this._max) {
      const [oldest, gone] = this._byHandle.entries().next().value!;
      this._byHandle.delete(oldest);
      this._byKey.delete(gone.at);
    }
  }
}

export function decodeKey(encoded: Encoded, what: string): Key {
  if (isHandle(encoded)) throw new CommandError('invalid', `${what} is a redacted row key's handle: it names a row of its table only`);
  try {
    return decode(encoded) as Key;
  } catch (error) {
    throw new CommandError('invalid', `${what} cannot be decoded: ${(error as Error).message}`);
  }
}
