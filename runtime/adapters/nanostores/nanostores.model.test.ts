import { map } from 'nanostores';
import { describe, it } from 'vitest';
import { MODEL_TIMEOUT, runAdapterModel, type Data } from '../../../test/helpers/adapter-model.js';
import { stratumNanostores } from './index.js';

describe('stratumNanostores against a model', () => {
  it('app updates, panel edits, restores, stale edits, stop and restart, a reacting subscriber: map and state agree', async () => {
    await runAdapterModel(() => {
      const $data = map<Data>({ a: 10, b: 10, list: [] });
      return {
        read: () => structuredClone($data.get()),
        set: (field, value) => $data.setKey(field, value),
        push: (value) => $data.setKey('list', [...$data.get().list, value]),
        listen: (changed) => $data.listen(changed),
        adapter: (name) => stratumNanostores({ data: $data }, { name }),
      };
    });
  }, MODEL_TIMEOUT);
});
