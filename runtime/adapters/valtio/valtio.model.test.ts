import { proxy, snapshot, subscribe } from 'valtio/vanilla';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumValtio } from './index.js';

describe('stratumValtio against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: proxy and state agree', async () => {
    await runAdapterModel(() => {
      const state = proxy<Data>({ a: 10, b: 10, list: [] });
      return {
        read: () => structuredClone(snapshot(state)) as Data,
        set: (field, value) => {
          state[field] = value;
        },
        push: (value) => {
          state.list.push(value);
        },
        listen: (changed) => subscribe(state, changed, true),
        adapter: (name) => stratumValtio(state, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
