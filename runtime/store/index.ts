// The entry wires the registry to its panel listener and the listener to the agent (see
// devtools/hook.ts) before anything else, then the Store to the registry (store.ts); the
// exports are the production entry's, with the registry's own configureDevtools.
import '../devtools/hook.js';
import './store.js';
export * from './production.js';
export { configureDevtools } from '../registry/core.js';
