export { StratumProvider, useStore } from './provider.js';
export { useStratum, useStratumState } from './hooks.js';
export { Scopes } from '../store/scopes.js';
export type { ComponentStateOptions, Setter } from '../bindings/component-state.js';
