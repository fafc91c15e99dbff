// The entry wires the registry's listener to the agent (see devtools/hook.ts).
import '../../devtools/hook.js';
export { STRATUM_EDIT, stratumRedux, withStratumEdits } from './redux.js';
export type { ReduxStore, StratumEditAction } from './redux.js';
export type { AdapterOptions, StratumAdapter } from '../mirror.js';
