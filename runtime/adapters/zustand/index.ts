// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumZustand } from './zustand.js';
export type { ZustandStore } from './zustand.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
