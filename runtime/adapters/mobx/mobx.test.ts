import { action, makeAutoObservable, observable, reaction, runInAction } from 'mobx';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumMobx } from './index.js';

class Cart {
  items = [{ sku: 'a', qty: 1 }];
  coupon: string | null = null;
  constructor() {
    makeAutoObservable(this);
  }
  add(sku: string) {
    this.items.push({ sku, qty: 1 });
  }
}

describe('stratumMobx', () => {
  it('shows a makeAutoObservable class live, without its actions, labelled with the action name', async () => {
    const cart = new Cart();
    const { state, changes } = await adapterKit(stratumMobx(cart, { name: 'cart' }));
    expect(state.scope).toBe('mobx:cart');
    expect(state.value).toEqual({ items: [{ sku: 'a', qty: 1 }], coupon: null });
    cart.add('b');
    expect(changes().at(-1)).toMatchObject({ label: 'add', value: { items: [{ sku: 'a' }, { sku: 'b' }] } });
    runInAction(() => (cart.coupon = 'TEN'));
    expect(changes().at(-1)).toMatchObject({ value: { coupon: 'TEN' } });
  });

  it('writes a panel edit inside runInAction and restores an earlier value', async () => {
    const todos = observable({ list: [{ text: 'milk', done: false }], filter: 'all' });
    const toggle = action('toggle', (i: number) => {
      const item = todos.list[i];
      if (item) item.done = !item.done;
    });
    const { edit, changes, restore } = await adapterKit(stratumMobx(todos, { name: 'todos' }));
    await edit(['list', 0, 'text'], 'oat milk');
    expect(todos.list[0]).toEqual({ text: 'oat milk', done: false });
    toggle(0);
    expect(changes().at(-1)).toMatchObject({ label: 'toggle', value: { list: [{ text: 'oat milk', done: true }] } });
    const earlier = changes().at(-1)!;
    runInAction(() => todos.list.push({ text: 'tea', done: false }));
    changes();
    await restore(earlier);
    expect(toJSList(todos.list)).toEqual([{ text: 'oat milk', done: true }]);
    toggle(0);
    expect(todos.list[0]!.done).toBe(false);
  });
});

function toJSList(list: { text: string; done: boolean }[]) {
  return list.map((item) => ({ ...item }));
}

class Model {
  text: string;
  done = false;
  constructor(text: string) {
    this.text = text;
    makeAutoObservable(this);
  }
  toggle() {
    this.done = !this.done;
  }
}

class ModelList {
  todos = [new Model('milk'), new Model('tea')];
  filter = 'all';
  constructor() {
    makeAutoObservable(this);
  }
}

describe('stratumMobx: a panel edit of one nested field', () => {
  it('a panel edit of one nested field keeps the model instances (their actions) in place', async () => {
    const list = new ModelList();
    const { edit } = await adapterKit(stratumMobx(list, { name: 'models' }));
    await edit(['todos', 0, 'text'], 'oat milk');
    expect(list.todos[0]!.text).toBe('oat milk');
    expect(list.todos[0]).toBeInstanceOf(Model);
    expect(list.todos[1]).toBeInstanceOf(Model);
    list.todos[1]!.toggle();
    expect(list.todos[1]!.done).toBe(true);
  });

  it('a panel edit of one nested field leaves the other nested observables the app holds attached', async () => {
    const app = observable({ user: { name: 'ann', prefs: { theme: 'light' } }, count: 0 });
    const prefs = app.user.prefs; // held by a component / another store
    const { edit } = await adapterKit(stratumMobx(app, { name: 'held' }));
    await edit(['user', 'name'], 'bob');
    prefs.theme = 'dark';
    expect(app.user.prefs.theme).toBe('dark');
  });
});

describe('stratumMobx: a restore of an earlier value', () => {
  it('puts the earlier fields into the model instances the app holds: same objects, methods and reactions', async () => {
    const list = new ModelList();
    const [milk, tea] = list.todos as [Model, Model];
    const { changes, restore } = await adapterKit(stratumMobx(list, { name: 'restore' }));
    milk.toggle();
    const earlier = changes().at(-1)!;
    tea.toggle();
    runInAction(() => (milk.text = 'oat milk'));
    changes();
    const seen: boolean[] = [];
    const stop = reaction(() => tea.done, (done) => seen.push(done));
    await restore(earlier);
    stop();
    expect(list.todos[0]).toBe(milk);
    expect(list.todos[1]).toBe(tea);
    expect([milk.text, milk.done, tea.done]).toEqual(['milk', true, false]);
    // The app's own reaction on the instance it holds heard the restore.
    expect(seen).toEqual([false]);
    tea.toggle();
    expect(list.todos[1]!.done).toBe(true);
  });
});
