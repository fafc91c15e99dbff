/**
 * The Store (store-core.ts), registered with the devtools registry in development builds: the
 * panel lists every store from its creation. Everything that imports the Store imports it from
 * here, except stratumjs/store's production entry (production.ts and ref.ts), which has no
 * registry to tell and so ships neither the registry's chunk nor this wiring.
 */
import { register, report } from '../registry/core.js';
import { storeRegistry } from './store-core.js';

declare const __STRATUM_NO_AGENT__: boolean | undefined;

if (typeof __STRATUM_NO_AGENT__ === 'undefined') {
  storeRegistry._register = (store) => void register('store', store);
  storeRegistry._report = report;
}

export { Store } from './store-core.js';
export type { ChangeHook, StructureHook } from './store-core.js';
