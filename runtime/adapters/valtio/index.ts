// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumValtio } from './valtio.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
