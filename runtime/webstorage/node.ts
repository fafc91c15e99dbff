// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../devtools/hook.js';
// The `node` export condition of stratumjs/webstorage: the same API, with runRequest backed by AsyncLocalStorage.
export { webstorage } from './webstorage.js';
export { WebStorageQuotaError } from './errors.js';
export { runRequest, type RunRequestOptions } from './request-node.js';
export type { WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry, WebStorageRequest } from './types.js';
