export { createStratum, provideStore, useStore, useStratum, useStratumState } from './vue.js';
export type { StratumRef } from './vue.js';
export { Scopes } from '../store/scopes.js';
export type { ComponentStateOptions } from '../bindings/component-state.js';
