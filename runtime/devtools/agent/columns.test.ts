/**
 * The snapshot's three forms by who said hello (issue 18): a panel that reads columns gets its
 * states as columns, a plain panel as StateInfo previews, anyone else (the kit, a tool) values.
 * Columns say exactly what the StateInfo previews say.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { COLUMNS_CLIENT } from '../../protocol/columns.js';
import { Event, type Snapshot } from '../../protocol/messages.js';
import { configureDevtools, registryId } from '../../registry/registry.js';
import { Store } from '../../store/store.js';
import { InlineBlobs } from './show.js';
import { Previews, scopeColumns, stateInfo } from './snapshot.js';

afterEach(() => configureDevtools({ redact: () => false }));

function storeWith(name: string) {
  const store = new Store({ name, clientId: 'c1' });
  const count = store.createState(1, { key: 'count', scope: 'app' });
  store.createState({ name: 'Ada', password: 'secret' }, { key: 'user', scope: 'app' });
  store.createState('x'.repeat(300), { key: 'long', scope: 'app' });
  store.createState([1, 2, 3], { key: 'list', scope: 'other' });
  return { store, count, id: registryId(store)! };
}

function pushed(snapshot: Snapshot, id: number) {
  return snapshot.stores.find((store) => store.id === id)!;
}

describe('snapshot columns', () => {
  it('say what StateInfo previews say: ids, keys, versions, previews, redactions', () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'password' });
    const { store, count } = storeWith('columns-same');
    count.set(5);
    const states = [...store.getScope('app').values()];
    const infos = states.map((state) => stateInfo(state, new InlineBlobs(), new Previews()));
    const columns = scopeColumns(states, new InlineBlobs(), new Previews());
    expect(columns.ids).toEqual(infos.map((info) => info.id));
    expect(columns.keys).toEqual(infos.map((info) => info.key));
    expect(columns.versions).toEqual(infos.map((info) => info.version));
    expect(columns.values).toEqual(infos.map((info) => info.value));
    const redactedAt = infos.flatMap((info, index) => (info.redacted.length > 0 ? [index] : []));
    expect(columns.redactedAt).toEqual(redactedAt);
    expect(columns.redacted).toEqual(redactedAt.map((index) => infos[index]!.redacted));
    // What the panel derives (a cut root) is what `preview` said.
    expect(columns.values.map((value) => (value as { $t?: string } | null)?.$t === 'truncated')).toEqual(infos.map((info) => info.preview === true));
  });

  it('go only to a panel that reads them; a plain panel gets previews, a tool values', async () => {
    const { id } = storeWith('columns-who');
    const forms: Record<string, Snapshot> = {};
    for (const client of [`${COLUMNS_CLIENT}1`, 'panel-1', 'kit-1']) {
      const t = kit();
      await t.hello({ client });
      forms[client] = t.events(Event.snapshot)[0]!;
    }
    const columns = pushed(forms[`${COLUMNS_CLIENT}1`]!, id);
    expect(columns.scopes.map((scope) => [scope.name, scope.states.length, scope.columns?.keys])).toEqual([
      ['app', 0, ['count', 'user', 'long']],
      ['other', 0, ['list']],
    ]);
    const previews = pushed(forms['panel-1']!, id);
    expect(previews.scopes[0]!.columns).toBeUndefined();
    expect(previews.scopes[0]!.states.map((state) => state.preview)).toEqual([undefined, true, true]);
    const full = pushed(forms['kit-1']!, id);
    expect(full.scopes[0]!.states[1]!.value).toEqual({ name: 'Ada', password: 'secret' });
  });
});
