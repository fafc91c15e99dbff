import { describe, expect, it } from 'vitest';
import { Store } from '../store/index.js';
import { claim } from './component-state.js';

function storeListeners(store: Store): number {
  return (store as unknown as { _core: { _listeners: Set<unknown> } })._core._listeners.size;
}

const never = () => false;

describe('claim tells a mounted user that the app deleted its state', () => {
  it('tells the users of the deleted state only, after the batch, through one store listener kept while any is mounted', () => {
    const store = new Store();
    const a = store.createState(1, { key: 'a', scope: 'app' });
    const b = store.createState(2, { key: 'b', scope: 'app' });
    const told: string[] = [];
    const claims = [
      claim(store, a, { key: 'a', scope: 'app' }, never, () => told.push('a1')),
      claim(store, a, { key: 'a', scope: 'app' }, never, () => told.push('a2')),
      claim(store, b, { key: 'b', scope: 'app' }, never, () => told.push('b')),
    ];
    expect(storeListeners(store)).toBe(1);
    store.batch(() => {
      a.set(5);
      store.deleteState({ key: 'a', scope: 'app' });
      expect(told).toEqual([]);
    });
    expect(told).toEqual(['a1', 'a2']);
    for (const { release } of claims) release();
    expect(storeListeners(store)).toBe(0);
    store.deleteState({ key: 'b', scope: 'app' });
    expect(told).toEqual(['a1', 'a2']);
  });

  it('tells a user of a forClient view when the store it shares its states with deletes the state', () => {
    const store = new Store();
    const view = store.forClient('c1');
    const draft = view.createState('', { key: 'draft', scope: '$client' });
    let told = 0;
    const { release } = claim(view, draft, { key: 'draft', scope: '$client' }, never, () => told++);
    store.deleteState({ key: 'draft', scope: '$client:c1' });
    expect(told).toBe(1);
    release();
    expect(storeListeners(store)).toBe(0);
  });

  it('tells every user when one of them throws (a Vue watcher with flush: sync), and deleteState still throws that error', () => {
    const store = new Store();
    const cart = store.createState(1, { key: 'cart', scope: 'app' });
    const told: string[] = [];
    const failure = new Error('a sync watcher threw');
    const claims = [
      claim(store, cart, { key: 'cart', scope: 'app' }, never, () => {
        told.push('first');
        throw failure;
      }),
      claim(store, cart, { key: 'cart', scope: 'app' }, never, () => told.push('second')),
    ];
    expect(() => store.deleteState({ key: 'cart', scope: 'app' })).toThrow(failure);
    expect(told).toEqual(['first', 'second']);
    expect(store.hasState({ key: 'cart', scope: 'app' })).toBe(false);
    for (const { release } of claims) release();
  });
});
