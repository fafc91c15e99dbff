/**
 * Wires the store to its persistence adapters. The store entry (and `stratumjs`) import this,
 * so store/ never imports webstorage/ or db/: the loaders are passed down, and each adapter is
 * still loaded only when a state asks for it (it never counts against the store's bytes).
 */
import { setPersistenceLoaders } from '../store/persist.js';

setPersistenceLoaders({ webstorage: () => import('./webstorage.js'), db: () => import('./db.js') });
