/**
 * What an object made in another realm is, told by its internal slots. A file of its own with no
 * imports: the database floor checks other realms' Blobs, URLs and Dates with it too, and takes
 * no more of the codec than this.
 */

const builtinTag = Object.prototype.toString;
/** A prototype's getter; undefined where the class has none there (happy-dom's URL keeps `href` on the instance). */
const getter = (proto: object | undefined, key: string): ((this: object) => unknown) | undefined => proto && Object.getOwnPropertyDescriptor(proto, key)?.get;
/** Per builtin tag, a method of this realm that throws for an object without the internal slot (null: the tag comes from the slot). */
const BRANDS: Record<string, ((this: object) => unknown) | null | undefined> = {
  Object: null,
  Error: null,
  SharedArrayBuffer: null,
  Date: Date.prototype.getTime,
  RegExp: getter(RegExp.prototype, 'flags'),
  Map: getter(Map.prototype, 'size'),
  Set: getter(Set.prototype, 'size'),
  ArrayBuffer: getter(ArrayBuffer.prototype, 'byteLength'),
  // Boxed primitives: valueOf checks the slot ([[NumberData]], …).
  Number: Number.prototype.valueOf,
  String: String.prototype.valueOf,
  Boolean: Boolean.prototype.valueOf,
  BigInt: BigInt.prototype.valueOf,
  Symbol: Symbol.prototype.valueOf,
  // Web IDL getters check that an object implements the interface, whatever realm made it (an
  // iframe's URL passes this realm's); Node's check their private fields. A class without the
  // getter here (undefined) leaves that kind untold, as before.
  URL: getter(typeof URL === 'function' ? URL.prototype : undefined, 'href'),
  URLSearchParams: typeof URLSearchParams === 'function' ? URLSearchParams.prototype.toString : undefined,
  Blob: getter(typeof Blob === 'function' ? Blob.prototype : undefined, 'size'),
  File: getter(typeof File === 'function' ? File.prototype : undefined, 'name'),
};

/**
 * What an object made in another realm (an iframe, a vm context) is, where instanceof sees none
 * of this realm's classes: 'Object' (plain data), 'Date', 'RegExp', 'Map', 'Set', 'ArrayBuffer',
 * 'SharedArrayBuffer', 'Error', a boxed primitive's 'Number', 'String', 'Boolean', 'BigInt' or
 * 'Symbol', 'URL', 'URLSearchParams', 'Blob', 'File', or undefined. A Symbol.toStringTag that
 * claims a name is checked against the internal slot.
 */
export function foreignKind(value: object): string | undefined {
  const tag = builtinTag.call(value).slice(8, -1);
  const brand = Object.hasOwn(BRANDS, tag) ? BRANDS[tag] : undefined;
  if (brand === undefined) return undefined;
  if (tag === 'Object') {
    // Plain data: its prototype is that realm's Object.prototype, the last before null.
    const proto = Object.getPrototypeOf(value) as object | null;
    return proto !== null && Object.getPrototypeOf(proto) === null ? tag : undefined;
  }
  try {
    brand?.call(value);
    return tag;
  } catch {
    // The getter's brand check threw: a look-alike whose Symbol.toStringTag claims the name.
    return undefined;
  }
}
