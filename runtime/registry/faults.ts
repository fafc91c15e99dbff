/**
 * Failure simulation's hooks (issue 22): the one object the strata read to fail the way a
 * browser does. Empty while nothing is simulated, so a stratum's check costs one property read;
 * the devtools agent (a floor above the strata, which they must not import) sets and clears the
 * functions. Every read sits behind `typeof __STRATUM_NO_AGENT__ === 'undefined'`, so the
 * production build folds it away and this object with it.
 */

export type StorageOp = 'probe' | 'getItem' | 'setItem' | 'removeItem' | 'key';

export interface FaultHooks {
  /**
   * Before each access of localStorage / sessionStorage by a webstorage: throws the DOMException
   * the browser would (SecurityError when blocked, QuotaExceededError past a quota). `storage` is
   * absent for the probe (the `window.localStorage` getter).
   */
  storage?: (kind: 'local' | 'session', op: StorageOp, namespace?: string, storage?: Storage, full?: string, text?: string) => void;
  /** Before IndexedDB's open: throws what a failing open throws. */
  open?: (name: string) => void;
  /** Every provider transaction a database begins passes through: a fault returns a wrapper. */
  transaction?: <T>(database: object, tx: T, mode: 'readonly' | 'readwrite') => T;
  /** Added to the clock of every Cache (TTLs), in ms. */
  clockOffset: number;
}

export const faults: FaultHooks = { clockOffset: 0 };
