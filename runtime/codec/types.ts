/**
 * The codec's public types. The encoded form is plain JSON: it survives JSON.stringify,
 * postMessage and storage unchanged, and the panel can render it without decoding.
 */

/** A JSON value: what `encode` returns and `decode` accepts. */
export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** One step into a value: an own key, an array/Set index, a Map entry index then 0 (key) or 1 (value). */
export type PathSegment = string | number;
export type Path = PathSegment[];

export interface EncodeLimits {
  /** Strings longer than this are cut to this many UTF-16 units (a `truncated` node keeps the prefix). */
  maxString?: number;
  /** Arrays, objects, Maps and Sets with more entries keep only the first this many (a `truncated` node). */
  maxEntries?: number;
  /** Container levels encoded; the root is level 1, a container on level maxDepth + 1 becomes a `truncated` node. */
  maxDepth?: number;
  /**
   * Entries (and containers) the whole value may write: past it, each container is cut like one
   * over maxEntries (a `truncated` node with its size and the entries that still fit), so one huge
   * value cannot outgrow what a receiver accepts (default: no limit).
   */
  maxNodes?: number;
  /** ArrayBuffers and views larger than this many bytes become a `truncated` node (default: no limit). */
  maxBytes?: number;
  /** Prefix of every path in `truncated` nodes: the path of `value` inside the root it was taken from. */
  basePath?: Path;
  /** Called once per distinct Blob/File; its return value is the blob's `ref` (a registry id for the bytes). */
  onBlob?: (blob: Blob) => string;
  /**
   * For storage: refuse (CodecError, with the path) what would read back as something else —
   * symbol-keyed properties, a SharedArrayBuffer, a resizable ArrayBuffer (or a view on one), a boxed Symbol, a Blob when no onBlob keeps its bytes. The panel's display encoding
   * leaves this off and shows such values as best it can.
   */
  strict?: boolean;
}
