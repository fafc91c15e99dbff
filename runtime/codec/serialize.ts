/**
 * Strings for storage: `stratum:<version>:` + the JSON of the encoded form. A string without
 * the marker is someone else's JSON and is read with plain JSON.parse, so values written by
 * other code on the origin still read.
 */
import { decode } from './decode.js';
import { encode } from './encode.js';
import { CodecError } from './error.js';
import { stringifyDeep } from './stringify.js';

/** Bumped when an existing tag changes meaning; deserialize refuses data from a newer version. */
export const CODEC_VERSION = 1;

const MARKER = 'stratum:';
const PREFIX = `${MARKER}${CODEC_VERSION}:`;

export function serialize(value: unknown): string {
  const encoded = encode(value, { strict: true });
  try {
    return PREFIX + JSON.stringify(encoded);
  } catch (error) {
    // JSON.stringify recurses and runs out of stack a few thousand levels down.
    if (error instanceof RangeError) return PREFIX + stringifyDeep(encoded);
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
  let json: unknown;
  try {
    json = JSON.parse(text.slice(end + 1));
  } catch (error) {
    throw new CodecError(`damaged Stratum value: ${(error as Error).message}`);
  }
  return decode(json);
}
