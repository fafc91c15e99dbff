/**
 * Row 1's contenders: one value with one subscriber, set n times to a new number. Every variant
 * does the same work (store, notify, the subscriber adds the value to a sum) so that the
 * ratio is the cost of the library, not of a different job.
 */
import { effect, signal } from '@preact/signals-core';
import { atom } from 'nanostores';
import { createStore } from 'zustand/vanilla';
import type { Store } from '../../runtime/store/index.js';
import { sink, type Variant } from '../harness.js';

let seen = 0;
const notice = (value: number): void => {
  seen += value;
};
// Every variant counts up from where it left off, so no set is ever equal to the value it replaces.
let next = 0;

function done(): void {
  sink.value = seen;
}

/** A `state.set` on a global-scope state of the given store. */
export function stratum(store: Store, key = 'count'): Variant {
  const state = store.createState(0, { key, scope: 'bench' });
  state.subscribe(notice);
  return {
    run(n) {
      for (let i = 0; i < n; i++) state.set(++next);
      done();
    },
  };
}

export function nanostores(): Variant {
  const value = atom(0);
  value.listen(notice);
  return {
    run(n) {
      for (let i = 0; i < n; i++) value.set(++next);
      done();
    },
  };
}

export function zustand(): Variant {
  const store = createStore<{ count: number }>(() => ({ count: 0 }));
  store.subscribe((state) => notice(state.count));
  return {
    run(n) {
      for (let i = 0; i < n; i++) store.setState({ count: ++next });
      done();
    },
  };
}

export function signals(): Variant {
  const value = signal(0);
  effect(() => notice(value.value));
  return {
    run(n) {
      for (let i = 0; i < n; i++) value.value = ++next;
      done();
    },
  };
}

/** The limit: a field and a callback, with the equality check every library makes. */
export function bare(): Variant {
  const box = { value: 0, listener: notice };
  const set = (value: number): void => {
    if (Object.is(box.value, value)) return;
    box.value = value;
    box.listener(value);
  };
  return {
    run(n) {
      for (let i = 0; i < n; i++) set(++next);
      done();
    },
  };
}
