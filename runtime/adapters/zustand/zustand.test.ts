import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { create } from 'zustand';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { encode } from '../../codec/index.js';
import { Command, Event } from '../../protocol/messages.js';
import { stratumZustand } from './index.js';

interface Cart {
  items: { id: number; qty: number }[];
  coupon: string | null;
  add: (id: number) => void;
}

const cart = (set: (fn: (state: Cart) => Partial<Cart>) => void): Cart => ({
  items: [{ id: 1, qty: 1 }],
  coupon: null,
  add: (id) => set((state) => ({ items: [...state.items, { id, qty: 1 }] })),
});

describe('stratumZustand', () => {
  it('shows a vanilla store as scope zustand:<name>, without its actions, with live labelled changes', async () => {
    const store = createStore<Cart>()(cart);
    const adapter = stratumZustand(store, { name: 'cart' });
    const { state, changes } = await adapterKit(adapter);
    expect(state.scope).toBe('zustand:cart');
    expect(state.value).toEqual({ items: [{ id: 1, qty: 1 }], coupon: null });

    store.getState().add(2);
    expect(changes().at(-1)).toMatchObject({ label: 'setState: items', value: { items: [{ id: 1, qty: 1 }, { id: 2, qty: 1 }], coupon: null } });
    store.setState({ coupon: 'TEN' });
    expect(changes().at(-1)).toMatchObject({ label: 'setState: coupon' });
  });

  it('writes a panel edit by path through setState and keeps the actions', async () => {
    const store = createStore<Cart>()(cart);
    const { edit } = await adapterKit(stratumZustand(store, { name: 'cart-edit' }));
    const heard: Cart[] = [];
    store.subscribe((next) => heard.push(next));
    await edit(['items', 0, 'qty'], 5);
    expect(store.getState().items).toEqual([{ id: 1, qty: 5 }]);
    expect(heard).toHaveLength(1);
    store.getState().add(3);
    expect(store.getState().items.map((item) => item.id)).toEqual([1, 3]);
  });

  it('restores an earlier value from the timeline into a React store (create)', async () => {
    const useCart = create<Cart>()(cart);
    const { changes, restore, state } = await adapterKit(stratumZustand(useCart, { name: 'react-cart' }));
    useCart.setState({ coupon: 'A' });
    const earlier = changes().at(-1)!;
    useCart.setState({ coupon: 'B' });
    changes();
    await restore(earlier);
    expect(useCart.getState().coupon).toBe('A');
    expect(typeof useCart.getState().add).toBe('function');
    expect(state.value).toEqual({ items: [{ id: 1, qty: 1 }], coupon: 'A' });
    expect(changes().at(-1)?.label).toBe('devtools: restore');
  });

  it('refuses a panel edit over a change the app made since the panel read it (conflict), touching nothing', async () => {
    const store = createStore<Cart>()(cart);
    const { t, at, state } = await adapterKit(stratumZustand(store, { name: 'cart-conflict' }));
    const seen = state.version;
    store.setState({ coupon: 'FROM-APP' });
    await expect(
      t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: seen, path: ['coupon'], op: 'set', value: encode('FROM-PANEL') }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(store.getState().coupon).toBe('FROM-APP');
  });

  it('stops: the states and the store leave the panel and the store keeps working', async () => {
    const store = createStore<Cart>()(cart);
    const adapter = stratumZustand(store, { name: 'cart-stop' });
    const { t, at } = await adapterKit(adapter);
    adapter.stop();
    expect(adapter.store.states()).toEqual([]);
    t.frame();
    expect(t.events(Event.unregistered)).toContainEqual({ kind: 'store', id: at.store });
    store.getState().add(4);
    expect(store.getState().items).toHaveLength(2);
  });

  it('asks for a name', () => {
    const store = createStore<Cart>()(cart);
    expect(() => stratumZustand(store, {} as { name: string })).toThrow(/needs a non-empty name/);
  });
});

describe('stratumZustand: whole values and restarts', () => {
  it('refuses, in words, a whole-value set that would replace the store (and its actions) with a non-object', async () => {
    const store = createStore<Cart>()(cart);
    const { t, at, state } = await adapterKit(stratumZustand(store, { name: 'whole' }));
    await expect(
      t.call(Command.stateSet, { ...at, value: encode(null), baseVersion: state.version, label: 'devtools' }),
    ).rejects.toThrow(/object/);
    expect(typeof store.getState().add).toBe('function');
  });

  it('follows the library again after stop() and a new adapter of the same name', async () => {
    const store = createStore<Cart>()(cart);
    stratumZustand(store, { name: 'again' }).stop();
    const again = stratumZustand(store, { name: 'again' });
    const { edit, state } = await adapterKit(again);
    store.getState().add(2);
    expect(state.value).toEqual({ items: [{ id: 1, qty: 1 }, { id: 2, qty: 1 }], coupon: null });
    await edit(['coupon'], 'TEN');
    expect(store.getState().coupon).toBe('TEN');
  });
});

describe('stratumZustand: what the panel does not show', () => {
  it('keeps the symbol-keyed fields of the store through a panel edit', async () => {
    const SESSION = Symbol('session');
    const store = createStore<{ count: number; [SESSION]: string }>()(() => ({ count: 0, [SESSION]: 'token-1' }));
    const { edit, state } = await adapterKit(stratumZustand(store, { name: 'symbols' }));
    expect(state.value).toEqual({ count: 0 });
    await edit(['count'], 5);
    expect(store.getState()).toEqual({ count: 5, [SESSION]: 'token-1' });
  });

  it('restores an earlier value of a store that keeps its actions in a field of their own (actions: { inc })', async () => {
    interface Counter {
      count: number;
      actions: { inc: () => void };
    }
    const store = createStore<Counter>()((set) => ({ count: 0, actions: { inc: () => set((state) => ({ count: state.count + 1 })) } }));
    const { changes, restore, state } = await adapterKit(stratumZustand(store, { name: 'namespaced' }));
    expect(state.value).toEqual({ count: 0 });
    store.getState().actions.inc();
    const one = changes().at(-1)!;
    store.getState().actions.inc();
    await restore(one);
    expect(store.getState().count).toBe(1);
    store.getState().actions.inc();
    expect(store.getState().count).toBe(2);
  });

  it('leaves the records an edit did not touch identical, for the selectors that compare them', async () => {
    const store = createStore<{ count: number; user: { name: string }; actions: { inc: () => void } }>()((set) => ({
      count: 0,
      user: { name: 'ann' },
      actions: { inc: () => set((state) => ({ count: state.count + 1 })) },
    }));
    const user = store.getState().user;
    const { edit } = await adapterKit(stratumZustand(store, { name: 'identity' }));
    await edit(['count'], 3);
    expect(store.getState().count).toBe(3);
    expect(store.getState().user).toBe(user);
  });

  it('a listener of the mirrored state that throws neither fails the app\'s setState nor keeps the change from the app\'s own subscribers', async () => {
    const store = createStore<Cart>()(cart);
    const adapter = stratumZustand(store, { name: 'throwing-view' });
    const { state } = await adapterKit(adapter);
    state.subscribe(() => {
      throw new Error('a view crashed');
    });
    const heard: string[] = [];
    store.subscribe((next) => heard.push(String(next.coupon)));
    const later = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation(() => undefined);
    try {
      expect(() => store.setState({ coupon: 'TEN' })).not.toThrow();
      expect(heard).toEqual(['TEN']);
      expect(state.value).toMatchObject({ coupon: 'TEN' });
      // The error is not lost: it is thrown again on its own, after the library's loop.
      const thrown = later.mock.calls.flatMap(([task]) => {
        try {
          task();
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      });
      expect(thrown).toEqual(['a view crashed']);
    } finally {
      later.mockRestore();
    }
  });
});

describe('stratumZustand: a restore over a class instance', () => {
  class Money {
    constructor(
      readonly cents: number,
      readonly currency: string,
    ) {}
    format(): string {
      return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
    }
  }
  interface Wallet {
    count: number;
    balance: Money;
  }

  it('restores an earlier value whose class instance did not change, keeping the store own instance', async () => {
    const store = createStore<Wallet>()(() => ({ count: 0, balance: new Money(500, 'EUR') }));
    const balance = store.getState().balance;
    const { changes, restore, state } = await adapterKit(stratumZustand(store, { name: 'wallet' }));
    store.setState({ count: 1 });
    const earlier = changes().at(-1)!;
    store.setState({ count: 2 });
    changes();
    await restore(earlier);
    expect(store.getState().count).toBe(1);
    expect(store.getState().balance).toBe(balance);
    expect(store.getState().balance.format()).toBe('5.00 EUR');
    expect(state.value).toEqual(store.getState());
  });

  it('still refuses, in words, a restore that would change the class instance', async () => {
    const store = createStore<Wallet>()(() => ({ count: 0, balance: new Money(500, 'EUR') }));
    const { changes, restore } = await adapterKit(stratumZustand(store, { name: 'wallet-changed' }));
    store.setState({ count: 1 });
    const earlier = changes().at(-1)!;
    store.setState({ balance: new Money(700, 'EUR') });
    changes();
    await expect(restore(earlier)).rejects.toThrow(/\["balance"\] is a Money: the panel cannot rebuild a class instance/);
    expect(store.getState()).toMatchObject({ count: 1, balance: { cents: 700 } });
  });
});
