// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumNanostores } from './nanostores.js';
export type { NanoStore, NanostoresOptions, ReadableNanoStore } from './nanostores.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
