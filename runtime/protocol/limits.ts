// The protocol's bounds; messages.ts re-exports them beside the message names.
/** Upper bounds both ends enforce; a message over them is dropped (and counted), never half-read. */
export const LIMITS = {
  /** Messages in one envelope. */
  batch: 1000,
  /** Nesting of any payload, encoded values included. */
  depth: 200,
  /** Objects, arrays and primitives in one envelope. */
  nodes: 2_000_000,
  /** Characters in any one string (a base64 blob chunk is the longest). */
  string: 2_000_000,
  /** Length of a path into a value. */
  path: 256,
  /** Characters of a command id, client or session id. */
  id: 128,
} as const;

/** Bytes per blob chunk, either way (base64 on the wire: ×4/3). */
export const MAX_BLOB_CHUNK = 1 << 20;
/** Blobs per blobList page (a request may ask for fewer); each entry's meta is cut to display limits. */
export const BLOB_PAGE = 200;
/** Row keys one dbChanged delta lists; more changes are only counted. */
export const MAX_DELTA_KEYS = 100;
/** Characters of a snapshot file's text per snapshotRead / snapshotWrite piece (well under LIMITS.string). */
export const MAX_SNAPSHOT_CHUNK = 1_000_000;
/** Call-site frames one delta carries while the panel records traces. */
export const MAX_TRACE_FRAMES = 10;
/** Rows in one dbQuery page, entries in one cacheList page. */
export const MAX_PAGE = 1000;
/** How long a command waits for its one response. */
export const COMMAND_TIMEOUT_MS = 15_000;
