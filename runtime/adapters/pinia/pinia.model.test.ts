import { createPinia, defineStore, setActivePinia } from 'pinia';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumPinia } from './index.js';

const useData = defineStore('model', {
  state: (): Data => ({ a: 10, b: 10, list: [] }),
  actions: {
    push(value: number) {
      this.list.push(value);
    },
  },
});

describe('stratumPinia against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: store and state agree', async () => {
    await runAdapterModel(() => {
      setActivePinia(createPinia());
      const store = useData();
      return {
        read: () => structuredClone({ a: store.a, b: store.b, list: [...store.list] }),
        set: (field, value) => {
          store[field] = value;
        },
        push: (value) => store.push(value),
        listen: (changed) => store.$subscribe(changed, { flush: 'sync', detached: true }),
        adapter: (name) => stratumPinia(store, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
