// stratumjs/store under the `production` export condition (build.mjs), and what the development
// entry (index.ts) re-exports after wiring devtools. The production build folds that wiring to
// nothing, but importing it would still bring the panel listener's chunks along.
// The store to its persistence adapters (see persistence/hook.ts).
import '../persistence/hook.js';
export { Scopes } from './scopes.js';
export type { SpecialScope } from './scopes.js';
export { Store } from './store.js';
export { State } from './state.js';
export { createRef } from './ref.js';
export { onClientIdChange } from './client-id.js';
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
export { configureDevtools } from '../registry/core.js';
export type { DevtoolsOptions } from '../registry/core.js';
