/**
 * stratumjs/devtools under the `production` export condition: configuration still works (and
 * costs nothing), the agent is not in the bundle.
 */
export { configureDevtools } from '../registry/registry.js';
export type { DevtoolsOptions } from '../registry/registry.js';
export type { Agent, AgentOptions } from './agent/index.js';
export type { Wall } from '../protocol/bridge.js';
export type { ConnectDevtoolsOptions, DevtoolsConnection } from '../transport/ws/connect.js';
export type { RelayWorkerOptions } from './relay.js';

/** Left out of production builds: a worker is not relayed, and the page keeps running. */
export function relayWorker(): () => void {
  return () => undefined;
}

export function startAgent(): never {
  throw new Error(
    'stratumjs/devtools: this build resolved the "production" export condition, which leaves the devtools agent out. Build without it to connect the panel.',
  );
}

/**
 * Left out of production builds: a server that still calls it keeps running (a warning, a closed
 * connection) rather than crash over a debugging aid.
 */
export function connectDevtools(): { readonly connected: false; close(): void } {
  console.warn('stratumjs/devtools: connectDevtools() does nothing in a build with the "production" export condition.');
  return { connected: false, close: () => undefined };
}
