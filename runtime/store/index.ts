// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../devtools/hook.js';
// And the store to its persistence adapters (see persistence/hook.ts).
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
