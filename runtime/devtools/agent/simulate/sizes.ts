/**
 * Sizes the way Stratum stores things: a webstorage entry is its full key and stored text in
 * UTF-16 (2 bytes a code unit, what browsers count against localStorage's quota); a row is the
 * UTF-8 bytes of the codec's `stratum:1:` text (what SQLite's `v` column holds) plus the bytes
 * of the Blobs inside it.
 */
import { encode } from '../../../codec/index.js';

/** UTF-8 bytes of a string, without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function entryBytes(full: string, text: string): number {
  return (full.length + text.length) * 2;
}

const MARKER = 'stratum:1:'.length;

/** A row (or key) as the codec stores it, plus its blobs' bytes. */
export function valueBytes(value: unknown): number {
  let blobs = 0;
  const encoded = encode(value, {
    onBlob: (blob) => {
      blobs += blob.size;
      return '';
    },
  });
  return MARKER + utf8Length(JSON.stringify(encoded)) + blobs;
}

/** Bytes a namespace holds in a Storage (every key with the prefix), leaving out `except`. */
export function namespaceBytes(storage: Storage, prefix: string, except?: string): number {
  let bytes = 0;
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key === null || !key.startsWith(prefix) || key === except) continue;
    bytes += entryBytes(key, storage.getItem(key) ?? '');
  }
  return bytes;
}
