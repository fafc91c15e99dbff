// PLACEHOLDER owned by the webstorage work (issue 3): replace this whole file.
import type { PersistAdapter } from '../store/types.js';

export function webstoragePersistence<T>(kind: 'local' | 'session', id: string): PersistAdapter<T> {
  throw new Error(`persist: '${kind}' is not built yet (state ${id}).`);
}
