// A consumer of every browser entry, as an app written against the README would be.
import { Scopes, Store, createRef, webstorage as fromIndex } from 'stratumjs';
import { Store as StoreOnly, type StateOptions } from 'stratumjs/store';
import { webstorage, type WebStorage } from 'stratumjs/webstorage';
import { openDatabase } from 'stratumjs/db';
import { configureDevtools } from 'stratumjs/devtools';
import { StratumProvider, useStratum, useStratumState } from 'stratumjs/react';
import { useStratumState as usePreactState } from 'stratumjs/preact';
import { toSignal } from 'stratumjs/preact/signals';
import { createStratum, useStratumState as useVueState } from 'stratumjs/vue';
import { toSvelteStore } from 'stratumjs/svelte';

const store: Store = new Store({ name: 'consumer' });
const options: StateOptions<number> = { key: 'count', scope: 'app' };
const count = store.createState(0, options);
const n: number = count.get();
const local: WebStorage = webstorage('local', { namespace: 'consumer' });
const adopted: string[] | undefined = local.adopt<string[]>('legacy', { as: 'list' });
// @ts-expect-error a state of numbers takes no string
count.set('x');

export function Counter(): number {
  const [value, set, state] = useStratumState(0, { key: 'count', keep: true });
  set((prev) => prev + 1);
  // @ts-expect-error the setter of a number state takes no string
  set('one');
  const label: string = useStratum(state, (n) => `#${n}`);
  return value + label.length;
}

export const used = [Scopes, createRef, fromIndex, StoreOnly, openDatabase, configureDevtools, StratumProvider, useStratum, useStratumState, usePreactState, toSignal, createStratum, useVueState, toSvelteStore(count), n, adopted];

// Issue 21: the adapters take the libraries' own stores (each an optional peer).
import { stratumZustand } from 'stratumjs/adapters/zustand';
import { stratumRedux, withStratumEdits } from 'stratumjs/adapters/redux';
import { stratumNanostores } from 'stratumjs/adapters/nanostores';
import { stratumJotai } from 'stratumjs/adapters/jotai';
import { stratumValtio } from 'stratumjs/adapters/valtio';
import { stratumMobx } from 'stratumjs/adapters/mobx';
import { stratumPinia } from 'stratumjs/adapters/pinia';

const zustandLike = { getState: () => ({ n: 1 }), setState: (_: { n: number }, _replace: true) => {}, subscribe: () => () => {} };
const cartStore: Store = stratumZustand(zustandLike, { name: 'cart' }).store;
const reducer = withStratumEdits((state: { n: number } | undefined, action: { type: 'inc' }) => (action.type === 'inc' ? { n: (state?.n ?? 0) + 1 } : (state ?? { n: 0 })));
stratumRedux({ getState: () => ({ n: 0 }), dispatch: (action: Parameters<typeof reducer>[1]) => action, subscribe: () => () => {} }, { name: 'r' });
stratumNanostores({ count: { get: () => 1, listen: () => () => {}, set: (_: number) => {} } }, { name: 'nano' });
stratumJotai({ get: () => undefined as never, set: () => undefined, sub: () => () => {} }, { name: 'j', atoms: {} });
stratumValtio({ a: 1 }, { name: 'v' });
stratumMobx({ a: 1 }, { name: 'm' }).stop();
// @ts-expect-error an adapter needs the name its store is shown under
stratumValtio({ a: 1 });
// Pinia's own StoreGeneric types the argument (pinia's declarations are checked too).
export type PiniaAdapter = ReturnType<typeof stratumPinia>;
