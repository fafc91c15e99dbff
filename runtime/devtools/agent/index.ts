export { Agent, startAgent } from './agent.js';
export type { AgentOptions } from './agent.js';
