import { observable, reaction, runInAction, toJS } from 'mobx';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumMobx } from './index.js';

describe('stratumMobx against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: observable and state agree', async () => {
    await runAdapterModel(() => {
      const state = observable<Data>({ a: 10, b: 10, list: [] });
      return {
        read: () => toJS(state),
        set: (field, value) => runInAction(() => (state[field] = value)),
        push: (value) => runInAction(() => state.list.push(value)),
        listen: (changed) => reaction(() => toJS(state), changed),
        adapter: (name) => stratumMobx(state, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
