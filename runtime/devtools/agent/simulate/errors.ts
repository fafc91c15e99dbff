/**
 * The DOMExceptions a browser throws for each simulated failure, in its own words (Chromium's,
 * or Firefox's when the page runs there), so the app's error handling sees what it would see.
 */

function firefox(): boolean {
  return typeof navigator !== 'undefined' && /Firefox\//.test(navigator.userAgent);
}

/** Cookies and site data blocked: reading `window.localStorage` throws. */
export function securityError(kind: 'local' | 'session'): DOMException {
  return new DOMException(
    firefox() ? 'The operation is insecure.' : `Failed to read the '${kind}Storage' property from 'Window': Access is denied for this document.`,
    'SecurityError',
  );
}

/** `setItem` past the storage's quota. */
export function storageQuotaError(full: string): DOMException {
  return new DOMException(
    firefox() ? 'The quota has been exceeded.' : `Failed to execute 'setItem' on 'Storage': Setting the value of '${full}' exceeded the quota.`,
    'QuotaExceededError',
  );
}

/** IndexedDB's open failing in a broken profile (Chromium's LevelDB backing store, Firefox's "unknown" failure). */
export function openError(): DOMException {
  return new DOMException(
    firefox()
      ? 'The operation failed for reasons unrelated to the database itself and not covered by any other error code.'
      : 'Internal error opening backing store for indexedDB.open.',
    'UnknownError',
  );
}

/** A transaction aborted under the page: its pending requests fail with these words. */
export function abortError(): DOMException {
  return new DOMException('The transaction was aborted, so the request cannot be fulfilled.', 'AbortError');
}

/**
 * IndexedDB past the origin's quota: Chromium aborts the transaction with a QuotaExceededError
 * without a message (the IndexedDB provider's mapError adds words to exactly that).
 */
export function dbQuotaError(): DOMException {
  return new DOMException('', 'QuotaExceededError');
}
