import { createPinia, defineStore, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumPinia } from './index.js';

const useCart = defineStore('cart', {
  state: () => ({ items: [{ sku: 'a', qty: 1 }], coupon: null as string | null }),
  actions: {
    add(sku: string) {
      this.items.push({ sku, qty: 1 });
    },
  },
});

function cart() {
  setActivePinia(createPinia());
  return useCart();
}

describe('stratumPinia', () => {
  it('shows the store as pinia:<id> with actions and mutation types as labels', async () => {
    const store = cart();
    const { state, changes } = await adapterKit(stratumPinia(store));
    expect(state.scope).toBe('pinia:cart');
    store.add('b');
    expect(changes().at(-1)).toMatchObject({ label: 'add', value: { items: [{ sku: 'a' }, { sku: 'b' }] } });
    store.coupon = 'TEN';
    expect(changes().at(-1)).toMatchObject({ label: 'direct', value: { coupon: 'TEN' } });
    store.$patch({ coupon: null });
    expect(changes().at(-1)).toMatchObject({ label: 'patch object' });
  });

  it('writes a panel edit by path as a $patch, and restores an earlier value', async () => {
    const store = cart();
    const { edit, changes, restore } = await adapterKit(stratumPinia(store, { name: 'shop' }));
    const patches: string[] = [];
    store.$subscribe((mutation) => patches.push(mutation.type), { flush: 'sync' });
    await edit(['items', 0, 'qty'], 3);
    expect(store.items[0]).toEqual({ sku: 'a', qty: 3 });
    expect(patches).toEqual(['patch function']);
    store.add('c');
    const earlier = changes().at(-1)!;
    store.add('d');
    changes();
    await restore(earlier);
    expect(store.items.map((item) => item.sku)).toEqual(['a', 'c']);
    store.add('e');
    expect(store.items).toHaveLength(3);
  });
});

const useAccount = defineStore('account', {
  state: () => ({ user: { name: 'ann', prefs: { theme: 'light' } }, coupon: null as string | null }),
});

describe('stratumPinia: edits into what the app holds', () => {
  it('a panel edit of one field leaves the other fields (and the objects the app holds) as they were', async () => {
    setActivePinia(createPinia());
    const store = useAccount();
    const user = store.user; // held by a composable / component
    const { edit } = await adapterKit(stratumPinia(store, { name: 'held' }));
    await edit(['coupon'], 'TEN');
    expect(store.coupon).toBe('TEN');
    user.name = 'bob';
    expect(store.user.name).toBe('bob');
  });
});

const useFeed = defineStore('feed', {
  state: () => ({ posts: [] as string[], coupon: null as string | null }),
  actions: {
    async load(post: string, wait: Promise<void>) {
      await wait;
      this.posts.push(post);
    },
  },
});

describe('stratumPinia: labels', () => {
  it('labels a later direct mutation "direct" after two async actions overlapped', async () => {
    setActivePinia(createPinia());
    const store = useFeed();
    const { changes } = await adapterKit(stratumPinia(store, { name: 'labels' }));
    let releaseA!: () => void;
    let releaseB!: () => void;
    const a = store.load('a', new Promise<void>((resolve) => (releaseA = resolve)));
    const b = store.load('b', new Promise<void>((resolve) => (releaseB = resolve)));
    releaseA();
    await a;
    releaseB();
    await b;
    store.coupon = 'TEN';
    expect(changes().at(-1)).toMatchObject({ label: 'direct', value: { coupon: 'TEN' } });
  });
});
