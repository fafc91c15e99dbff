/**
 * The tagged nodes of the encoded form (format version 1). A node is tagged when it is an
 * object with an own `$t` key; every other JSON value means itself. Plain objects that have
 * a `$t` key of their own are wrapped in an `object` node whose `v` is read literally, so
 * data that looks like a tag stays data. Changing what a tag means needs a new CODEC_VERSION;
 * adding a tag does not (an older reader fails on it with a CodecError, never a wrong value).
 *
 *   { $t: 'undefined' }                   { $t: 'hole' }            (a missing array element)
 *   { $t: 'number', v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
 *   { $t: 'bigint', v: '-123' }           { $t: 'symbol', description: string | null }
 *   { $t: 'date', v: ISO string | null }  { $t: 'regexp', source, flags }
 *   { $t: 'object', v: {…}, null?: true } { $t: 'array', v: […] }    (escaped / identified containers)
 *   { $t: 'map', v: [[k, v], …] }         { $t: 'set', v: […] }
 *   { $t: 'instance', class: 'Point', v: {…} }
 *   { $t: 'error', name, message, stack?, cause?, errors?, fields?: {…} }
 *   { $t: 'arraybuffer', v: base64 }      { $t: 'typed', type: 'Uint8Array', buffer, offset?, length? }
 *   { $t: 'blob', type, size, ref, name?, lastModified? }
 *   { $t: 'function', name, description }
 *   { $t: 'truncated', type, size, path, v?, class? }
 *   { $t: 'ref', id }                     (the node whose `id` is id: shared and circular references)
 *   { $t: 'boxed', type: 'Number' | 'String' | 'Boolean' | 'BigInt', v }   (v as the primitive's node; a BigInt's digits)
 *   { $t: 'url', v: href }                { $t: 'urlsearchparams', v: 'a=1&b=2' }
 *
 * Any node that stands for an object (containers, date, regexp, error, typed, arraybuffer,
 * blob, function) carries `id` when the object is referenced again. Ids are given in
 * document order, so a `ref` always follows the node it names.
 */
export const TAG = '$t';

export const UNDEFINED = Object.freeze({ $t: 'undefined' });
export const HOLE = Object.freeze({ $t: 'hole' });

/** Views the codec rebuilds: decode looks the constructor up here, never by an arbitrary global name. */
export const VIEW_TYPES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Float16Array',
  'DataView',
] as const;

/** Errors decode to these constructors by name; any other name is an Error with that name. */
export const ERROR_TYPES = [
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'AggregateError',
] as const;

export function isFinalJson(value: unknown, maxString: number): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= maxString;
    case 'number':
      // -0 and non-finite numbers do not survive JSON; they get a `number` node.
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'boolean':
      return true;
    default:
      return value === null;
  }
}
