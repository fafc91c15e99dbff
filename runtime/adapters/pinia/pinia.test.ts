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
