/**
 * The part of the protocol that never changes between versions, apart from the version itself:
 * what two ends of different versions need to explain the mismatch. In a file of its own because
 * the registry's listener, in every entry, needs only this (messages.ts re-exports all of it).
 */

/** Bumped on any change to a message other than the frozen ones (announce, hello, hello's answer). */
export const PROTOCOL_VERSION = 1;

/** `source` of an envelope posted by the runtime agent (runtime → content script). */
export const SOURCE_RUNTIME = 'stratum-runtime';
/** `source` of an envelope posted by the content script (content script → runtime agent). */
export const SOURCE_CONTENT = 'stratum-content';
/** The `session` of a content → runtime envelope addressed to every runtime in the frame (only `hello`). */
export const ANY_SESSION = '*';

/** The two frozen message names; messages.ts puts them in `Command` and `Event`. */
export const HELLO = 'hello';
export const ANNOUNCE = 'announce';
