// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../devtools/hook.js';
export { webstorage } from './webstorage.js';
export { WebStorageQuotaError } from './errors.js';
export { runRequest } from './request.js';
export type { AdoptOptions, WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry } from './types.js';
