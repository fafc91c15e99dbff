// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumJotai } from './jotai.js';
export type { JotaiAtom, JotaiOptions, JotaiStore } from './jotai.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
