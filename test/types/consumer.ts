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
