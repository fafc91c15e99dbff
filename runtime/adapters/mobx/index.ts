// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumMobx } from './mobx.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
