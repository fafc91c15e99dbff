/**
 * What decoding yields for values that cannot (or must not) be rebuilt: functions and symbols,
 * Blobs whose bytes stayed behind, and truncated nodes. Each marker re-encodes to the node it
 * came from, so a decoded value can be encoded again without loss.
 */
import type { Path } from './types.js';

/** A function or symbol, shown by description only; never executable, never editable. */
export class Opaque {
  readonly editable = false;
  constructor(
    readonly kind: 'function' | 'symbol',
    /** The function's name or the symbol's description (null: a symbol without one). */
    readonly name: string | null,
    /** How it reads in the panel: `async function load(a, b)`, `Symbol(id)`. */
    readonly description: string,
  ) {}
}

/** A Blob or File whose bytes were not inlined; `ref` names them in the encoder's blob registry. */
export class BlobRef {
  constructor(
    readonly type: string,
    readonly size: number,
    readonly ref: string | null,
    /** Set for a File. */
    readonly name: string | null = null,
    readonly lastModified: number | null = null,
  ) {}
}

/** A node cut by the encoder's limits; expand it with `resolvePath(root, path)` and encode again. */
export class Truncated {
  constructor(
    /** 'string' | 'array' | 'object' | 'map' | 'set' | 'instance' | 'error' | an ArrayBuffer or view's class name | … */
    readonly type: string,
    /** Full size: string length, entry count, or byte length. */
    readonly size: number,
    readonly path: Path,
    /** The first entries (or the string's prefix) when cut by length; undefined when cut by depth. */
    readonly preview: unknown,
    /** The class name of a truncated instance. */
    readonly className: string | null = null,
  ) {}
}
