// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import './hook.js';
export { configureDevtools } from '../registry/registry.js';
export type { DevtoolsOptions } from '../registry/registry.js';
export { startAgent } from './agent/index.js';
export type { Agent, AgentOptions } from './agent/index.js';
export type { Wall } from '../protocol/bridge.js';
export { connectDevtools } from '../transport/ws/connect-browser.js';
export { relayWorker } from './relay.js';
export type { RelayWorkerOptions } from './relay.js';
export type { ConnectDevtoolsOptions, DevtoolsConnection } from '../transport/ws/connect.js';
