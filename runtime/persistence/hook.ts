/**
 * Wires the store to its persistence adapters. The store entry (and `stratumjs`) import this,
 * so store/ never imports webstorage/ or db/: the persister is passed down, and each adapter is
 * still loaded only when a state asks for it (it never counts against the store's bytes).
 */
import { setPersister } from '../store/persist.js';

setPersister((state, option) =>
  option === 'local' || option === 'session'
    ? import('./webstorage.js').then((adapter) => adapter.persistToWebstorage(state, option))
    : import('./db.js').then((adapter) => adapter.persistToDatabase(state, option.db, option.table)),
);
