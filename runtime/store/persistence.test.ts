import { afterEach, describe, expect, it, vi } from 'vitest';
import type { State } from './state.js';
import type { PersistAdapter } from './types.js';

// The real adapters (webstorage, db) have their own suites; this one pins what State promises
// about any adapter: restore, write-through, a set before restore wins, failures keep it working.
const stored = new Map<string, unknown>();
const remote = new Set<(value: unknown) => void>();
let failLoad = false;
/** When set, load() waits for it: lets a test act while a restore is under way. */
let loadGate: Promise<void> | undefined;

/** Any adapter, as the real ones (runtime/persistence/) hand theirs to store/link.ts. */
function adapter(id: string): PersistAdapter<unknown> {
  return {
    describe: 'local',
    async load() {
      await Promise.resolve();
      await loadGate;
      if (failLoad) throw new Error('storage is on fire');
      return stored.has(id) ? { found: true, value: stored.get(id) } : { found: false };
    },
    save(value) {
      stored.set(id, value);
    },
    watch(listener) {
      remote.add(listener);
      return () => remote.delete(listener);
    },
  };
}

vi.mock('./persist.js', async () => {
  const { linkStorage } = await import('./link.js');
  return {
    describePersistence: (option: unknown) => String(option),
    persistState: async (state: State<unknown>) => linkStorage(state, adapter(state.id)),
  };
});

const { Store } = await import('./store.js');
const { recentReports } = await import('../registry/registry.js');

afterEach(() => {
  stored.clear();
  remote.clear();
  failLoad = false;
  loadGate = undefined;
});

describe('persisted states', () => {
  it('restores the stored value when ready, and writes changes through', async () => {
    stored.set(JSON.stringify(['app', 'theme']), 'dark');
    const state = new Store().createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    expect(state.get()).toBe('light');
    expect(state.persistence).toBe('local');
    await state.ready;
    expect(state.get()).toBe('dark');
    state.set('blue');
    expect(stored.get(state.id)).toBe('blue');
  });

  it('lets a set made before restore win, and writes it through', async () => {
    stored.set(JSON.stringify(['app', 'theme']), 'dark');
    const state = new Store().createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    state.set('mine');
    await state.ready;
    expect(state.get()).toBe('mine');
    expect(stored.get(state.id)).toBe('mine');
  });

  it('follows changes from other tabs, and stops after deleteState (the stored copy stays)', async () => {
    const store = new Store();
    const state = store.createState(0, { key: 'n', scope: 'app', persist: 'local' });
    await state.ready;
    for (const listener of remote) listener(7);
    expect(state.get()).toBe(7);
    state.set(6);
    store.deleteState({ key: 'n', scope: 'app' });
    expect(remote.size).toBe(0);
    // The stored copy stays; a set on the deleted state no longer reaches it (it passed only
    // because that set wrote it, before: nothing had been stored until then).
    state.set(8);
    expect(stored.get(state.id)).toBe(6);
  });

  it('keeps working in memory and reports when the storage fails', async () => {
    failLoad = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = new Store({ name: 'broken' }).createState(1, { key: 'n', scope: 'app', persist: 'local' });
    await expect(state.ready).resolves.toBeUndefined();
    state.set(2);
    expect(state.get()).toBe(2);
    expect(recentReports().at(-1)?.message).toMatch(/could not restore .*storage is on fire.*keeps working in memory/);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('persisted states whose listeners throw (issue 14.2)', () => {
  it('saves the new value even when a subscriber throws, so a reload brings it back', async () => {
    stored.set(JSON.stringify(['app', 'theme']), 'dark');
    const state = new Store().createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    await state.ready;
    state.subscribe(() => {
      throw new Error('a view crashed');
    });
    expect(() => state.set('blue')).toThrow('a view crashed');
    expect(state.get()).toBe('blue');
    expect(stored.get(state.id)).toBe('blue');
    const reloaded = new Store().createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    await reloaded.ready;
    expect(reloaded.get()).toBe('blue');
  });

  it('stores the last value when a listener sets the state again while notified', async () => {
    const state = new Store().createState(0, { key: 'n', scope: 'app', persist: 'local' });
    await state.ready;
    state.subscribe((value) => {
      if (value === 1) state.set(2);
    });
    state.set(1);
    expect(state.get()).toBe(2);
    expect(stored.get(state.id)).toBe(2);
  });
});

describe('deleteState during a restore (issue 14.17)', () => {
  it('installs no storage listener once the state is deleted while its stored value loads', async () => {
    let open!: () => void;
    loadGate = new Promise((resolve) => (open = resolve));
    stored.set(JSON.stringify(['app', 'theme']), 'dark');
    const store = new Store();
    const state = store.createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the adapter is up; load() waits
    expect(store.deleteState({ key: 'theme', scope: 'app' })).toBe(true);
    open();
    await state.ready;
    expect(remote.size).toBe(0);
    expect(state.get()).toBe('light');
  });
});

describe('a state the app deleted and a component still holds', () => {
  it('writes nothing to the storage the state made again under its key follows: a late set leaves the newer stored value', async () => {
    const store = new Store();
    const options = { key: 'cart', scope: 'app', persist: 'local' } as const;
    const old = store.createState(0, options);
    await old.ready;
    store.deleteState(options);
    const again = store.createState(0, options);
    await again.ready;
    again.set(10);
    expect(stored.get(again.id)).toBe(10);
    // A stale handler or a late timer still holding the deleted state.
    old.set(5);
    expect(stored.get(again.id)).toBe(10);
    expect(again.get()).toBe(10);
  });
});

describe('a subscriber throwing on a change from another tab (found by the state model test)', () => {
  it('applies the value and reports the error instead of throwing it into the storage event', async () => {
    const state = new Store().createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    await state.ready;
    state.subscribe(() => {
      throw new Error('a view crashed');
    });
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const listener of remote) expect(() => listener('dark')).not.toThrow();
    expect(state.get()).toBe('dark');
    expect(reported.mock.calls[0]?.join(' ')).toMatch(/threw on a change from another tab/);
    reported.mockRestore();
  });
});
