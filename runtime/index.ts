// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import './devtools/hook.js';
export * from './store/index.js';
// Browser-safe part of stratumjs/webstorage; runRequest is server-side and lives in stratumjs/webstorage only.
export { webstorage, WebStorageQuotaError } from './webstorage/index.js';
export type { WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry } from './webstorage/index.js';
export * from './db/index.js';
