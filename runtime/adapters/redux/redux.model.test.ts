import { legacy_createStore } from 'redux';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumRedux, withStratumEdits } from './index.js';

type Action = { type: 'set'; field: 'a' | 'b'; value: number } | { type: 'push'; value: number };

function reducer(state: Data = { a: 10, b: 10, list: [] }, action: Action): Data {
  if (action.type === 'set') return { ...state, [action.field]: action.value };
  if (action.type === 'push') return { ...state, list: [...state.list, action.value] };
  return state;
}

describe('stratumRedux against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: store and state agree', async () => {
    await runAdapterModel(() => {
      const store = legacy_createStore(withStratumEdits(reducer));
      return {
        read: () => store.getState(),
        set: (field, value) => store.dispatch({ type: 'set', field, value }),
        push: (value) => store.dispatch({ type: 'push', value }),
        listen: (changed) => store.subscribe(changed),
        adapter: (name) => stratumRedux(store, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
