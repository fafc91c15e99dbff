// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';

/** A new page: fresh modules, its id read, its duplicate-tab claim (a lazy chunk) made. */
async function freshClientId(): Promise<string | undefined> {
  vi.resetModules();
  const { browserClientId } = await import('./client-id.js');
  const id = browserClientId();
  // Otherwise the next page's modules, reset meanwhile, could share this page's claim module.
  await vi.dynamicImportSettled();
  return id;
}

afterEach(() => {
  vi.restoreAllMocks();
  window.sessionStorage.clear();
});

describe('browser client id', () => {
  it('is kept in sessionStorage, so the same tab gets it back after a reload', async () => {
    const first = await freshClientId();
    expect(first).toMatch(/.{8,}/);
    expect(window.sessionStorage.getItem('stratum.client-id')).toBe(first);
    expect(await freshClientId()).toBe(first);
  });

  it('still gives an id when sessionStorage throws SecurityError on access', async () => {
    vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    });
    const id = await freshClientId();
    expect(id).toMatch(/.{8,}/);
  });

  it('still gives an id when every write throws QuotaExceededError (zero quota)', async () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    expect(await freshClientId()).toMatch(/.{8,}/);
  });
});

describe('a duplicated tab (issue 14.17)', () => {
  it('takes a fresh id when another tab already holds the one copied into its sessionStorage', async () => {
    const original = await freshClientId();
    // "Duplicate tab": a second page with a copy of the first one's sessionStorage.
    vi.resetModules();
    const duplicate = await import('./client-id.js');
    const changed = new Promise<string>((resolve) => duplicate.onClientIdChange(resolve));
    expect(duplicate.browserClientId()).toBe(original);
    const fresh = await changed;
    expect(fresh).not.toBe(original);
    expect(duplicate.browserClientId()).toBe(fresh);
    expect(window.sessionStorage.getItem('stratum.client-id')).toBe(fresh);
  });
});
