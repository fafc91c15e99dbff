export { configureDevtools } from './registry.js';
export type { DevtoolsOptions } from './registry.js';
export { startAgent } from './agent/index.js';
export type { Agent, AgentOptions } from './agent/index.js';
export type { Wall } from '../protocol/bridge.js';
export { connectDevtools } from '../transport/ws/connect-browser.js';
export type { ConnectDevtoolsOptions, DevtoolsConnection } from '../transport/ws/connect.js';
