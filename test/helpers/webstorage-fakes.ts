/**
 * Fake storages and a fake window for webstorage unit tests in Node: a storage that fills at
 * N bytes (0 = Safari private mode's zero quota), a window whose storage getter throws
 * SecurityError (blocked cookies), and `storage` events as another tab would cause them.
 */

export class FakeStorage implements Storage {
  private readonly entries = new Map<string, string>();
  /** When set, every call throws this (a storage that stops working after the probe). */
  failWith: Error | undefined;

  constructor(public quotaBytes = Infinity) {}

  get length(): number {
    this.check();
    return this.entries.size;
  }

  key(index: number): string | null {
    this.check();
    return [...this.entries.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    this.check();
    return this.entries.get(String(key)) ?? null;
  }

  setItem(key: string, value: string): void {
    this.check();
    const used = this.bytes() - this.sizeOf(key, this.entries.get(key));
    if (used + this.sizeOf(key, String(value)) > this.quotaBytes) {
      throw new DOMException(`The quota has been exceeded.`, 'QuotaExceededError');
    }
    this.entries.set(String(key), String(value));
  }

  removeItem(key: string): void {
    this.check();
    this.entries.delete(String(key));
  }

  clear(): void {
    this.check();
    this.entries.clear();
  }

  /** Another tab's write (or clear, for a null key) to the shared storage: no quota, no failure here. */
  written(key: string | null, value: string | null): void {
    if (key === null) this.entries.clear();
    else if (value === null) this.entries.delete(key);
    else this.entries.set(key, value);
  }

  /** UTF-16 bytes of every key and value, as browsers count the quota. */
  bytes(): number {
    let total = 0;
    for (const [key, value] of this.entries) total += this.sizeOf(key, value);
    return total;
  }

  private sizeOf(key: string, value: string | undefined): number {
    return value === undefined ? 0 : (key.length + value.length) * 2;
  }

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  [name: string]: unknown;
}

export interface FakeWindow {
  window: EventTarget & { localStorage: Storage; sessionStorage: Storage };
  /**
   * What another tab's change looks like here: the shared storage holds `newValue` (written as
   * that tab did, unless the area is not a FakeStorage or `{ overwritten: true }` says a newer
   * write has replaced it since), then the event is dispatched.
   */
  storageEvent(area: Storage, key: string | null, oldValue: string | null, newValue: string | null, options?: { overwritten?: boolean }): void;
  uninstall(): void;
}

type StorageSetup = Storage | 'SecurityError' | null;

export function installWindow(setup: { local?: StorageSetup; session?: StorageSetup } = {}): FakeWindow {
  const target = new EventTarget();
  const getter = (value: StorageSetup | undefined) => () => {
    if (value === 'SecurityError') throw new DOMException('The operation is insecure.', 'SecurityError');
    return value === undefined ? new FakeStorage() : value;
  };
  const local = setup.local === undefined ? new FakeStorage() : setup.local;
  const session = setup.session === undefined ? new FakeStorage() : setup.session;
  Object.defineProperty(target, 'localStorage', { get: getter(local), configurable: true });
  Object.defineProperty(target, 'sessionStorage', { get: getter(session), configurable: true });
  Object.defineProperty(globalThis, 'window', { value: target, configurable: true, writable: true });
  return {
    window: target as FakeWindow['window'],
    storageEvent(area, key, oldValue, newValue, options = {}) {
      if (area instanceof FakeStorage && !options.overwritten) area.written(key, newValue);
      target.dispatchEvent(Object.assign(new Event('storage'), { key, oldValue, newValue, storageArea: area }));
    },
    uninstall() {
      delete (globalThis as { window?: unknown }).window;
    },
  };
}
