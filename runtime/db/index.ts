// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../devtools/hook.js';
export { openDatabase } from './database.js';
export { memory } from './providers/memory.js';
export { indexeddb } from './providers/indexeddb.js';
export {
  ConstraintError,
  DatabaseUnavailableError,
  DataCloneError,
  DataError,
  NotFoundError,
  ReadOnlyError,
  TransactionInactiveError,
  VersionError,
} from './errors.js';
export { compareKeys } from './keys.js';
export type { Key, KeyBound } from './keys.js';
export type { Provider } from './provider.js';
export type { IndexInfo, KeyPath, TableDeclaration, TableInfo } from './schema.js';
export type {
  BlobInfo,
  BlobStore,
  Cache,
  CacheSetOptions,
  CountQuery,
  Database,
  DbEvent,
  DbSchema,
  OpenOptions,
  Query,
  Range,
  Table,
  Transaction,
  TransactionOptions,
} from './types.js';
