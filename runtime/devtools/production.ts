/**
 * stratumjs/devtools under the `production` export condition: configuration still works (and
 * costs nothing), the agent is not in the bundle.
 */
export { configureDevtools } from '../registry/registry.js';
export type { DevtoolsOptions } from '../registry/registry.js';
export type { Agent, AgentOptions } from './agent/index.js';
export type { Wall } from '../protocol/bridge.js';

export function startAgent(): never {
  throw new Error(
    'stratumjs/devtools: this build resolved the "production" export condition, which leaves the devtools agent out. Build without it to connect the panel.',
  );
}
