import { describe, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumZustand } from './index.js';

interface Counter extends Data {
  bump: () => void;
}

describe('stratumZustand against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: store and state agree', async () => {
    await runAdapterModel(() => {
      const store = createStore<Counter>()((set) => ({ a: 10, b: 10, list: [], bump: () => set((state) => ({ a: state.a + 1 })) }));
      return {
        read: () => {
          const { bump: _bump, ...data } = store.getState();
          return data;
        },
        set: (field, value) => store.setState({ [field]: value }),
        push: (value) => store.setState((state) => ({ list: [...state.list, value] })),
        listen: (changed) => store.subscribe(changed),
        adapter: (name) => stratumZustand(store, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
