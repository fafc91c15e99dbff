// stratumjs/store under the `production` export condition (build.mjs), and what the development
// entry (index.ts) re-exports after wiring devtools. The production build folds that wiring to
// nothing, but importing it would still bring the panel listener's chunks along; for the same
// reason this entry takes the Store from store-core.ts, not store.ts (the registry's wiring).
// The store to its persistence adapters (see persistence/hook.ts).
import '../persistence/hook.js';
export { Scopes } from './scopes.js';
export type { SpecialScope } from './scopes.js';
export { Store } from './store-core.js';
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
import type { DevtoolsOptions } from '../registry/core.js';
export type { DevtoolsOptions } from '../registry/core.js';

/**
 * A production build has no devtools to configure: no panel listener, no agent, and nothing
 * else reads the options (only the agent reads the registry's configuration). The development
 * entry (index.ts) exports the registry's own. Written here, not imported from
 * registry/core.ts, whose chunk every production store would otherwise import for it alone.
 */
export function configureDevtools(_options: DevtoolsOptions): void {
  // Nothing to configure in a production build (see above).
}
