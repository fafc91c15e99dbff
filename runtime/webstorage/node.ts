// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../devtools/hook.js';
// The `node` export condition of stratumjs/webstorage: the same API, with runRequest backed by AsyncLocalStorage.
export { webstorage } from './webstorage.js';
export { WebStorageQuotaError } from './errors.js';
export { runRequest } from './request-node.js';
export type { WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry } from './types.js';
