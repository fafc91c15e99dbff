// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { stratumPinia } from './pinia.js';

export type { StratumAdapter } from '../mirror.js';
