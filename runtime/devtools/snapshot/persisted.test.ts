import { afterEach, describe, expect, it } from 'vitest';
import { FakeStorage, installWindow, type FakeWindow } from '../../../test/helpers/webstorage-fakes.js';
import { Store } from '../../store/index.js';
import { webstorage } from '../../webstorage/index.js';
import { exportSnapshot, importSnapshot, parseSnapshot } from './index.js';

let fake: FakeWindow | undefined;
afterEach(() => fake?.uninstall());

describe('importing a snapshot on a page with persisted states (review of webstorage and persistence)', () => {
  it("keeps the stored copy of a persisted state the file does not mention, as it keeps the state; replaces a mentioned one's", async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const store = new Store({ name: 'app' });
    const theme = store.createState('light', { key: 'theme', scope: 'app', persist: 'local' });
    await theme.ready;
    theme.set('dark');
    const copies = webstorage('local', { namespace: 'stratum-state' });
    const targets = { stores: [store], webstorages: [copies], databases: [] };
    const file = parseSnapshot(JSON.stringify(await exportSnapshot(targets)));
    // After the snapshot: the theme changes, and the app persists a state the file does not know.
    theme.set('blue');
    const cart = store.createState<string[]>([], { key: 'cart', scope: 'app', persist: 'local' });
    await cart.ready;
    cart.set(['socks']);
    const summary = await importSnapshot(file, { targets });
    expect(summary.applied).toBe(true);
    expect(theme.get()).toBe('dark');
    expect(copies.get(theme.id)).toBe('dark');
    expect(cart.get()).toEqual(['socks']);
    expect(copies.get(cart.id)).toEqual(['socks']);
    // A reload restores what the page shows.
    const reloaded = new Store({ name: 'reloaded' }).createState<string[]>([], { key: 'cart', scope: 'app', persist: 'local' });
    await reloaded.ready;
    expect(reloaded.get()).toEqual(['socks']);
  });
});
