export { Scopes } from './scopes.js';
export type { SpecialScope } from './scopes.js';
export { Store } from './store.js';
export { State } from './state.js';
export { createRef } from './ref.js';
export type {
  PersistAdapter,
  PersistDatabase,
  PersistOption,
  SetOptions,
  StateLocator,
  StateOptions,
  StoreEvent,
  StoreOptions,
} from './types.js';
export { configureDevtools } from '../devtools/registry.js';
export type { DevtoolsOptions } from '../devtools/registry.js';
