import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PersistAdapter } from './types.js';

// The real adapters (webstorage, db) have their own suites; this one pins what State promises
// about any adapter: restore, write-through, a set before restore wins, failures keep it working.
const stored = new Map<string, unknown>();
const remote = new Set<(value: unknown) => void>();
let failLoad = false;

vi.mock('./persist.js', () => ({
  describePersistence: (option: unknown) => String(option),
  loadPersistence: async (_option: unknown, id: string): Promise<PersistAdapter<unknown>> => ({
    describe: 'local',
    async load() {
      await Promise.resolve();
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
  }),
}));

const { Store } = await import('./store.js');
const { recentReports } = await import('../registry/registry.js');

afterEach(() => {
  stored.clear();
  remote.clear();
  failLoad = false;
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
    store.deleteState({ key: 'n', scope: 'app' });
    expect(remote.size).toBe(0);
    state.set(8);
    expect(stored.has(state.id)).toBe(true);
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
