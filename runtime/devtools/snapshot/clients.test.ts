import { describe, expect, it } from 'vitest';
import { Scopes } from '../../store/scopes.js';
import { Store } from '../../store/store.js';
import { webstorage } from '../../webstorage/index.js';
import { exportSnapshot, importSnapshot, parseSnapshot } from './index.js';

/** A page whose client-scoped draft is persisted, as `persist: 'session'` keeps it: under its state id. */
function page(clientId: string, draft: string) {
  const store = new Store({ name: 'app', clientId });
  store.createState(draft, { key: 'draft', scope: Scopes.Client });
  const session = webstorage('session', { namespace: 'stratum-state' });
  session.set(JSON.stringify([`$client:${clientId}`, 'draft']), draft);
  session.set(JSON.stringify(['settings', 'theme']), 'dark');
  return { store, session, targets: { stores: [store], webstorages: [session], databases: [] } };
}

describe('restoring a snapshot taken in another tab (issue 14.18)', () => {
  it("maps the other tab's client-scoped keys to this tab's client id and removes none of this tab's own", async () => {
    const source = page('tab-1', 'same text');
    const file = parseSnapshot(JSON.stringify(await exportSnapshot(source.targets)));
    const here = page('tab-2', 'same text');
    const summary = await importSnapshot(file, { targets: here.targets });
    expect(summary.applied).toBe(true);
    expect(here.session.keys().sort()).toEqual([JSON.stringify(['$client:tab-2', 'draft']), JSON.stringify(['settings', 'theme'])].sort());
    expect(here.session.get(JSON.stringify(['$client:tab-2', 'draft']))).toBe('same text');
  });

  it("writes the other tab's client value into this tab's key when it differs", async () => {
    const source = page('tab-1', 'from tab 1');
    const file = parseSnapshot(JSON.stringify(await exportSnapshot(source.targets)));
    const here = page('tab-2', 'mine');
    await importSnapshot(file, { targets: here.targets });
    expect(here.session.get(JSON.stringify(['$client:tab-2', 'draft']))).toBe('from tab 1');
    expect(here.session.has(JSON.stringify(['$client:tab-1', 'draft']))).toBe(false);
    expect(here.store.getState({ key: 'draft', scope: Scopes.Client })!.value).toBe('from tab 1');
  });

  it("keeps this tab's client keys the snapshot has no counterpart for", async () => {
    const source = page('tab-1', 'x');
    source.session.remove(JSON.stringify(['$client:tab-1', 'draft']));
    const file = parseSnapshot(JSON.stringify(await exportSnapshot(source.targets)));
    const here = page('tab-2', 'kept');
    here.session.set('plain', 1);
    await importSnapshot(file, { targets: here.targets });
    expect(here.session.get(JSON.stringify(['$client:tab-2', 'draft']))).toBe('kept');
    // A key the snapshot does not have and that is no client's is still replaced as a whole.
    expect(here.session.has('plain')).toBe(false);
  });
});
