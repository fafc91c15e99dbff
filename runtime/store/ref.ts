import { REF_SCOPE } from './scopes.js';
import type { State } from './state.js';
import { Store } from './store-core.js';

let refs: Store | undefined;
let count = 0;

/** A state with a store of its own (defuss Ref semantics): store `refs`, scope `$ref`, key `ref-N`. */
export function createRef<T>(initial: T): State<T> {
  refs ??= new Store({ name: 'refs' });
  const key = `ref-${++count}`;
  return refs._create(REF_SCOPE, key, initial, { key });
}
