import { REF_SCOPE } from './scopes.js';
import type { State } from './state.js';
import { Store } from './store-core.js';

let refs: Store | undefined;
let count = 0;

/** A state with a store of its own (defuss Ref semantics): store `refs`, scope `$ref`, key `ref-N`. */
export function createRef<T>(initial: T): State<T> {
  refs ??= new Store({ name: 'refs' });
  return Store._createIn(refs, REF_SCOPE, `ref-${++count}`, initial);
}
