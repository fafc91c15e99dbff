import { atom, createStore } from 'jotai/vanilla';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumJotai } from './index.js';

describe('stratumJotai against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: atom and state agree', async () => {
    await runAdapterModel(() => {
      const store = createStore();
      const data = atom<Data>({ a: 10, b: 10, list: [] });
      return {
        read: () => store.get(data),
        set: (field, value) => store.set(data, (prev) => ({ ...prev, [field]: value })),
        push: (value) => store.set(data, (prev) => ({ ...prev, list: [...prev.list, value] })),
        listen: (changed) => store.sub(data, changed),
        adapter: (name) => stratumJotai(store, { name, atoms: { data } }),
      };
    });
  }, MODEL_TIMEOUT);
});
