/** A value did not fit into the storage's quota. The previous value under the key is intact. */
export class WebStorageQuotaError extends Error {
  override readonly name = 'WebStorageQuotaError';

  constructor(
    readonly key: string,
    /** UTF-16 bytes the entry would take (key and stored text). */
    readonly size: number,
    readonly backend: string,
    options?: { cause?: unknown },
  ) {
    super(`Storing "${key}" (${size.toLocaleString('en-US')} bytes) exceeds the ${backend} quota; the previous value is kept.`, options);
  }
}

/**
 * Browsers name the quota error differently: QuotaExceededError (code 22) almost everywhere,
 * NS_ERROR_DOM_QUOTA_REACHED (code 1014) in older Firefox.
 */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

/** `Name: message`, the form every `reason` takes. */
export function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const { name, message } = error as { name: unknown; message?: unknown };
    return message ? `${String(name)}: ${String(message)}` : String(name);
  }
  return String(error);
}
