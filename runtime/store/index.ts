// The entry wires the registry to its panel listener and the listener to the agent (see
// devtools/hook.ts) before anything else; the exports are the production entry's.
import '../devtools/hook.js';
export * from './production.js';
