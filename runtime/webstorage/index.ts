export { webstorage } from './webstorage.js';
export { WebStorageQuotaError } from './errors.js';
export { runRequest } from './request.js';
export type { AdoptOptions, WebStorage, WebStorageBackend, WebStorageEvent, WebStorageKind, WebStorageOptions, WebStorageRawEntry } from './types.js';
