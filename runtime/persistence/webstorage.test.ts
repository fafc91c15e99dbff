import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeStorage, installWindow, type FakeWindow } from '../../test/helpers/webstorage-fakes.js';
import { serialize } from '../codec/index.js';
import { recentReports } from '../registry/registry.js';
import { Store } from '../store/index.js';
import { PERSIST_NAMESPACE } from './webstorage.js';
import { webstorage } from '../webstorage/index.js';

let fake: FakeWindow | undefined;
afterEach(() => {
  fake?.uninstall();
  vi.restoreAllMocks();
});

const THEME_KEY = `${PERSIST_NAMESPACE}:${JSON.stringify(['app', 'theme'])}`;

function create(initial: unknown = 'light') {
  return new Store().createState(initial, { key: 'theme', scope: 'app', persist: 'local' });
}

describe("persist: 'local'", () => {
  it('restores the stored value, then writes every change through', async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    local.setItem(THEME_KEY, serialize({ mode: 'dark', since: new Date(1) }));
    const state = create();
    await state.ready;
    expect(state.get()).toEqual({ mode: 'dark', since: new Date(1) });
    state.set({ mode: 'blue', since: new Date(2) });
    expect(local.getItem(THEME_KEY)).toBe(serialize({ mode: 'blue', since: new Date(2) }));
  });

  it("follows another tab's change", async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const state = create();
    await state.ready;
    fake.storageEvent(local, THEME_KEY, null, serialize('from another tab'));
    expect(state.get()).toBe('from another tab');
    fake.storageEvent(local, THEME_KEY, serialize('x'), null);
    expect(state.get()).toBe('from another tab');
  });

  it('a set to the initial value, or a reset, made before the restore wins over the stored value', async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    local.setItem(THEME_KEY, serialize('dark'));
    // The user picks the value the state already shows (its initial one) before the restore.
    const picked = create('light');
    picked.set('light');
    await picked.ready;
    expect(picked.get()).toBe('light');
    expect(local.getItem(THEME_KEY)).toBe(serialize('light'));
    local.setItem(THEME_KEY, serialize('dark'));
    // "Forget the preference" at start-up: reset() writes the initial value through.
    const forgotten = create('light');
    forgotten.reset();
    await forgotten.ready;
    expect(forgotten.get()).toBe('light');
    expect(local.getItem(THEME_KEY)).toBe(serialize('light'));
  });

  it("an older write of another tab, heard after this tab's newer set, does not replace it", async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const state = create();
    await state.ready;
    // Tab B wrote first; before its storage event reaches this tab, this tab sets its own value
    // (the later write, so the storage holds it). B will hear this tab's write and follow it.
    local.setItem(THEME_KEY, serialize('from-B'));
    state.set('mine');
    fake.storageEvent(local, THEME_KEY, null, serialize('from-B'), { overwritten: true });
    expect(local.getItem(THEME_KEY)).toBe(serialize('mine'));
    expect(state.get()).toBe('mine');
  });

  it("follows this page's other writers of its stored copy: the panel's edit, another store's state of the same key", async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const cartKey = { key: 'cart', scope: 'app', persist: 'local' } as const;
    const shell = new Store({ name: 'shell' }).createState<string[]>([], cartKey);
    const widget = new Store({ name: 'widget' }).createState<string[]>([], cartKey);
    await Promise.all([shell.ready, widget.ready]);
    shell.set((items) => [...items, 'socks']);
    widget.set((items) => [...items, 'shoes']);
    expect(shell.get()).toEqual(['socks', 'shoes']);
    expect(webstorage('local', { namespace: PERSIST_NAMESPACE }).get(shell.id)).toEqual(['socks', 'shoes']);
    // The panel's Storage tab writes the stored copy through a webstorage of its own.
    webstorage('local', { namespace: PERSIST_NAMESPACE }).set(shell.id, ['socks', 'hat']);
    expect(shell.get()).toEqual(['socks', 'hat']);
    shell.set((items) => [...items, 'shoes']);
    expect(webstorage('local', { namespace: PERSIST_NAMESPACE }).get(shell.id)).toEqual(['socks', 'hat', 'shoes']);
  });

  it('keeps working in memory, reported, when the storage is unusable', async () => {
    fake = installWindow({ local: 'SecurityError' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = create();
    await state.ready;
    state.set('still works');
    expect(state.get()).toBe('still works');
    expect(recentReports().at(-1)?.message).toMatch(/could not restore its local copy \(Error: localStorage is unusable \(SecurityError.*keeps working in memory/);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('keeps working, reported, when the storage is full; the stored copy keeps its last value', async () => {
    const local = new FakeStorage(300);
    fake = installWindow({ local });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = create('short');
    await state.ready;
    state.set('fits');
    state.set('x'.repeat(400));
    expect(state.get()).toBe('x'.repeat(400));
    expect(recentReports().at(-1)?.message).toMatch(/could not save its local copy \(WebStorageQuotaError: Storing/);
    expect(local.getItem(THEME_KEY)).toBe(serialize('fits'));
  });

  it('reads an undecodable stored copy as missing and overwrites it on the next change', async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    local.setItem(THEME_KEY, 'stratum:1:{"$t":"nope"}');
    const state = create();
    await state.ready;
    expect(state.get()).toBe('light');
    state.set('dark');
    expect(local.getItem(THEME_KEY)).toBe(serialize('dark'));
  });

  it('persists nothing, silently, on a server', async () => {
    const warn = vi.spyOn(console, 'warn');
    const state = create();
    await state.ready;
    state.set('dark');
    expect(state.get()).toBe('dark');
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("persist: 'local', several states of one stored copy", () => {
  const QTY_KEY = `${PERSIST_NAMESPACE}:${JSON.stringify(['app', 'qty'])}`;
  const qty = { key: 'qty', scope: 'app', persist: 'local' } as const;

  it("follows another writer of its stored copy that writes while this state's own write is being told", async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const shell = new Store({ name: 'shell' }).createState(0, qty);
    const widget = new Store({ name: 'widget' }).createState(0, qty);
    await Promise.all([shell.ready, widget.ready]);
    // The widget clamps what it is given (a listener that sets the state again).
    widget.subscribe((value) => {
      if (value > 10) widget.set(10);
    });
    shell.set(50);
    expect(local.getItem(QTY_KEY)).toBe(serialize(10));
    expect(widget.get()).toBe(10);
    // The stored copy and the other state say 10: the shell, which follows every other writer, too.
    expect(shell.get()).toBe(10);
  });

  it('a third state of the same copy ends with what is stored, not an event the storage no longer holds', async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    const a = new Store({ name: 'a' }).createState(0, qty);
    const b = new Store({ name: 'b' }).createState(0, qty);
    const c = new Store({ name: 'c' }).createState(0, qty);
    await Promise.all([a.ready, b.ready, c.ready]);
    // b clamps what it is given (a listener that sets the state again, so writes while told).
    b.subscribe((value) => {
      if (value > 10) b.set(10);
    });
    a.set(50);
    expect(local.getItem(QTY_KEY)).toBe(serialize(10));
    expect(c.get()).toBe(10);
  });
});

describe("persist: 'local' during a storage outage", () => {
  it('a state created while the storage is out is written once recheck() brings the storage back, as one created before is', async () => {
    const local = new FakeStorage();
    fake = installWindow({ local });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const before = new Store({ name: 'before' }).createState('a', { key: 'early', scope: 'app', persist: 'local' });
    await before.ready;
    // Writes start failing (after the probe passed): every instance of the kind moves to memory.
    const setItem = local.setItem;
    Object.defineProperty(local, 'setItem', { configurable: true, value: () => { throw new DOMException('The operation is insecure.', 'SecurityError'); } });
    before.set('b');
    const during = new Store({ name: 'during' }).createState('x', { key: 'late', scope: 'app', persist: 'local' });
    await during.ready;
    during.set('y');
    Object.defineProperty(local, 'setItem', { configurable: true, value: setItem });
    expect(webstorage('local', { namespace: PERSIST_NAMESPACE }).recheck()).toBe(true);
    expect(local.getItem(`${PERSIST_NAMESPACE}:${JSON.stringify(['app', 'early'])}`)).toBe(serialize('b'));
    // The state created during the outage: what it set meanwhile moved too, and its next set goes straight there.
    expect(local.getItem(`${PERSIST_NAMESPACE}:${JSON.stringify(['app', 'late'])}`)).toBe(serialize('y'));
    during.set('z');
    expect(local.getItem(`${PERSIST_NAMESPACE}:${JSON.stringify(['app', 'late'])}`)).toBe(serialize('z'));
  });

  it('a state created while the storage is blocked at start-up is written once the user allows it, and reported once', async () => {
    fake = installWindow({ local: 'SecurityError' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = create();
    await state.ready;
    state.set('dark');
    // Cookie consent given: the storage can be reached from now on.
    const local = new FakeStorage();
    Object.defineProperty(fake.window, 'localStorage', { get: () => local, configurable: true });
    expect(webstorage('local', { namespace: PERSIST_NAMESPACE }).recheck()).toBe(true);
    expect(local.getItem(THEME_KEY)).toBe(serialize('dark'));
    state.set('blue');
    expect(local.getItem(THEME_KEY)).toBe(serialize('blue'));
    expect(warn).toHaveBeenCalledOnce();
  });

  it('a state created while the storage is blocked, and not set, shows what the storage holds once the user allows it', async () => {
    fake = installWindow({ local: 'SecurityError' });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const state = create();
    await state.ready;
    expect(state.get()).toBe('light');
    // Consent given: the storage holds the theme from an earlier visit, which the page could not read.
    const local = new FakeStorage();
    local.setItem(THEME_KEY, serialize('dark'));
    Object.defineProperty(fake.window, 'localStorage', { get: () => local, configurable: true });
    expect(webstorage('local', { namespace: PERSIST_NAMESPACE }).recheck()).toBe(true);
    expect(state.get()).toBe('dark');
    expect(local.getItem(THEME_KEY)).toBe(serialize('dark'));
  });
});
