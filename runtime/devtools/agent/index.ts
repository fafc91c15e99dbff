export { Agent, startAgent } from './agent.js';
export type { AgentOptions } from './agent.js';
export { windowWall } from './window-wall.js';
