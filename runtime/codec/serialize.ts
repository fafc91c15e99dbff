/**
 * Strings for storage: `stratum:<version>:` + the JSON of the encoded form. A string without
 * the marker is someone else's JSON and is read with plain JSON.parse, so values written by
 * other code on the origin still read.
 *
 * Plain data (see plain.ts) is its own encoded form: it is written by JSON.stringify as is, and
 * a text with no tag in it is read by JSON.parse alone. The format is the same either way.
 */
import { decodeParsed, decodeText } from './decode-parsed.js';
import { encode } from './encode.js';
import { CodecError } from './error.js';
import { isPlainJson } from './plain.js';
import { outOfStack, stringifyEncoded } from './stringify.js';
import type { Encoded } from './types.js';

/** Bumped when an existing tag changes meaning; deserialize refuses data from a newer version. */
export const CODEC_VERSION = 1;

const MARKER = 'stratum:';
const PREFIX = `${MARKER}${CODEC_VERSION}:`;

export function serialize(value: unknown): string {
  try {
    if (isPlainJson(value)) return PREFIX + stringifyEncoded(value as Encoded);
  } catch {
    // A getter or proxy trap that threw (or changed what it gives between the check and
    // JSON.stringify): the encoder reads the value again and tags it, or refuses it in words
    // with the path of what threw.
  }
  const encoded = encode(value, { strict: true });
  try {
    return PREFIX + stringifyEncoded(encoded);
  } catch (error) {
    throw new CodecError(`cannot serialize: ${(error as Error).message}`);
  }
}

export function deserialize(text: string): unknown {
  if (!text.startsWith(MARKER)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new CodecError(`neither JSON nor the Stratum format: ${(error as Error).message}`);
    }
  }
  const end = text.indexOf(':', MARKER.length);
  const version = Number(text.slice(MARKER.length, end));
  if (end < 0 || !Number.isInteger(version) || version < 1) throw new CodecError('a Stratum marker without a version');
  if (version > CODEC_VERSION) {
    throw new CodecError(`written by codec version ${version}; this runtime reads up to version ${CODEC_VERSION}`);
  }
  const body = text.slice(end + 1);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new CodecError(`damaged Stratum value: ${(error as Error).message}`);
  }
  if (!mayHoldTags(body)) return json;
  // The parsed tree is ours: decode it in place. What that pass refuses (see decode-parsed.ts)
  // is decoded from a fresh parse by decode(), which gives the value or the error with its path;
  // so is a value the pass ran out of stack on (it recurses, decode() does not), which a caller
  // already deep in its own stack can meet well before the pass's depth limit.
  try {
    return decodeParsed(json);
  } catch (error) {
    if (!(error instanceof CodecError) && !outOfStack(error)) throw error;
    return decodeText(JSON.parse(body));
  }
}

/**
 * False when the text cannot hold a tagged node: no `$t"` anywhere (a tag's key is the string
 * "$t") and no `\u` escape (which could spell it otherwise). `$` is rare in JSON, so the search
 * skips along the text quickly.
 */
function mayHoldTags(body: string): boolean {
  return body.includes('$t"') || body.includes('\\u');
}
