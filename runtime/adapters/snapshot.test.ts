/**
 * Snapshots cover the adapters like native states: a snapshot file taken from the panel and
 * imported later puts each library's store back, through the library's own API.
 */
import { configureStore, createSlice } from '@reduxjs/toolkit';
import { atom } from 'nanostores';
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { kit } from '../../test/helpers/agent-kit.js';
import { exportSnapshot as pull, writeTransfer as push } from '../../test/helpers/snapshot-transfer.js';
import { Command } from '../protocol/messages.js';
import { stratumNanostores } from './nanostores/index.js';
import { stratumRedux, withStratumEdits } from './redux/index.js';
import { stratumZustand } from './zustand/index.js';

const counter = createSlice({ name: 'counter', initialState: { n: 0 }, reducers: { inc: (state) => void (state.n += 1) } });

describe('snapshots of adapted stores', () => {
  it('export, change the libraries, import: each store is back, and keeps working', async () => {
    const cart = createStore<{ items: string[]; add: (item: string) => void }>()((set) => ({
      items: ['milk'],
      add: (item) => set((state) => ({ items: [...state.items, item] })),
    }));
    const redux = configureStore({ reducer: withStratumEdits(counter.reducer) });
    const $theme = atom('dark');
    stratumZustand(cart, { name: 'cart' });
    stratumRedux(redux, { name: 'counter' });
    stratumNanostores({ theme: $theme }, { name: 'prefs' });
    redux.dispatch(counter.actions.inc());
    const t = kit({ timeout: 10_000 });
    await t.hello();

    const text = await pull(t);
    cart.getState().add('tea');
    redux.dispatch(counter.actions.inc());
    $theme.set('light');

    await t.call(Command.snapshotImport, { transfer: await push(t, text) });
    expect(cart.getState().items).toEqual(['milk']);
    expect(redux.getState()).toEqual({ n: 1 });
    expect($theme.get()).toBe('dark');
    cart.getState().add('jam');
    redux.dispatch(counter.actions.inc());
    expect(cart.getState().items).toEqual(['milk', 'jam']);
    expect(redux.getState()).toEqual({ n: 2 });
  });
});
