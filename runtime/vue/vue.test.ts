// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createApp, createSSRApp, defineComponent, h, nextTick, ref, Suspense, watch } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNCLAIMED_MS } from '../bindings/component-state.js';
import { Store } from '../store/index.js';
import { createStratum, useStratum, useStratumState, type StratumRef } from './index.js';

/** The store's own listeners (the bindings hear deletes through one per store). */
function storeListeners(store: Store): number {
  return (store as unknown as { _core: { _listeners: Set<unknown> } })._core._listeners.size;
}

afterEach(() => localStorage.clear());

const Counter = defineComponent({
  props: { keep: Boolean, component: { type: String, required: false } },
  setup(props) {
    const count = useStratumState(0, { key: 'count', keep: props.keep, component: props.component });
    return () => h('button', { class: 'count', onClick: () => count.value++ }, String(count.value));
  },
});

/** Shows the app-scoped state `cart` (made from 0 if missing), for the deleted-state tests. */
const ShownCart = defineComponent({
  setup() {
    const n = useStratumState(0, { key: 'cart', scope: 'app' });
    return () => h('b', String(n.value));
  },
});

function componentScopes(store: Store): string[] {
  return store.scopes().filter((scope) => scope.startsWith('$component:'));
}

/** Two counters, the second one shown while `show` is true. */
function twoCounters(props: { keep?: boolean; component?: string } = {}) {
  const show = ref(true);
  const Root = defineComponent({
    setup: () => () => h('div', [h(Counter, props), show.value ? h(Counter, props) : null]),
  });
  return { Root, show };
}

describe('vue useStratumState', () => {
  it('gives two instances two states; setting the Ref sets the state; unmount deletes', async () => {
    const store = new Store();
    const { Root, show } = twoCounters();
    const wrapper = mount(Root, { global: { plugins: [createStratum(store)] } });
    expect(componentScopes(store)).toHaveLength(2);
    const [first, second] = wrapper.findAll('button.count');
    await first!.trigger('click');
    await first!.trigger('click');
    expect(first!.text()).toBe('2');
    expect(second!.text()).toBe('0');
    show.value = false;
    await nextTick();
    await Promise.resolve();
    expect(componentScopes(store)).toHaveLength(1);
    expect(store.states()[0]!.get()).toBe(2);
    wrapper.unmount();
    await Promise.resolve();
    expect(store.states()).toEqual([]);
  });

  it('keeps the state with keep, found again by its component key', async () => {
    const store = new Store();
    const { Root, show } = twoCounters({ keep: true, component: 'row-1' });
    const wrapper = mount(Root, { global: { plugins: [createStratum(store)] } });
    await wrapper.findAll('button.count')[1]!.trigger('click');
    // Both share the explicit key: one state, shared.
    expect(wrapper.findAll('button.count')[0]!.text()).toBe('1');
    show.value = false;
    wrapper.unmount();
    await Promise.resolve();
    expect(store.getState({ key: 'count', component: 'row-1' })?.get()).toBe(1);
  });

  it('shares a global scope, and useStratum follows a state from outside', async () => {
    const store = new Store();
    const total = store.createState(0, { key: 'total', scope: 'app' });
    const Shared = defineComponent({
      setup() {
        const n = useStratumState(0, { key: 'total', scope: 'app' });
        const outside = useStratum(total);
        return () => h('span', { class: 'n' }, `${n.value}/${outside.value}`);
      },
    });
    const wrapper = mount(defineComponent({ setup: () => () => h('div', [h(Shared), h(Shared)]) }), {
      global: { plugins: [createStratum(store)] },
    });
    total.set(5);
    await nextTick();
    expect(wrapper.findAll('span.n').map((span) => span.text())).toEqual(['5/5', '5/5']);
    wrapper.unmount();
  });

  it('holds a function set on the Ref as the value, as a Vue ref does (it is not called as an updater)', () => {
    const handler = (): string => 'clicked';
    const state = new Store().createState<(() => string) | null>(null, { key: 'onClick', scope: 'app' });
    const onClick = useStratum(state);
    onClick.value = handler;
    expect(state.get()).toBe(handler);
    expect(onClick.value).toBe(handler);
  });

  it('persists to localStorage and restores in a new store', async () => {
    const Draft = defineComponent({
      setup() {
        const text = useStratumState('', { key: 'draft', component: 'editor', persist: 'local' });
        return () => h('button', { onClick: () => (text.value = 'hello') }, text.value || 'empty');
      },
    });
    const first = new Store();
    const a = mount(Draft, { global: { plugins: [createStratum(first)] } });
    await first.states()[0]!.ready;
    await a.find('button').trigger('click');
    a.unmount();
    const second = new Store();
    const b = mount(Draft, { global: { plugins: [createStratum(second)] } });
    await second.states()[0]!.ready;
    await nextTick();
    expect(b.find('button').text()).toBe('hello');
    b.unmount();
  });

  it('renders on a server with forClient and hydrates without a mismatch, into the same scopes', async () => {
    const Page = defineComponent({ setup: () => () => h('main', [h(Counter), h(Counter)]) });
    const server = new Store({ name: 'server' }).forClient('c1');
    const html = await renderToString(createSSRApp(Page).use(createStratum(server)));
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const browser = new Store({ name: 'browser', clientId: 'c1' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = createSSRApp(Page).use(createStratum(browser));
    app.mount(container);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(componentScopes(browser)).toEqual(componentScopes(server));
    app.unmount();
    container.remove();
  });

  it('gives two apps sharing a store two states (useId restarts in every app)', async () => {
    const store = new Store();
    const one = document.createElement('div');
    const two = document.createElement('div');
    document.body.append(one, two);
    const a = createApp(Counter).use(createStratum(store));
    const b = createApp(Counter).use(createStratum(store));
    a.mount(one);
    b.mount(two);
    one.querySelector('button')!.click();
    await nextTick();
    expect(one.textContent).toBe('1');
    expect(two.textContent).toBe('0');
    a.unmount();
    await Promise.resolve();
    // Unmounting one app deletes its state only.
    expect(componentScopes(store)).toHaveLength(1);
    b.unmount();
    one.remove();
    two.remove();
  });

  it('an async setup that resolves after the sweep shows and writes the state the store holds for it', async () => {
    const store = new Store();
    const Slow = defineComponent({
      async setup() {
        const n = useStratumState(0, { key: 'n', component: 'slow' });
        await new Promise((done) => setTimeout(done, UNCLAIMED_MS + 100));
        return () => h('button', { class: 'n', onClick: () => n.value++ }, String(n.value));
      },
    });
    const wrapper = mount(defineComponent({ setup: () => () => h(Suspense, null, { default: () => h(Slow) }) }), {
      global: { plugins: [createStratum(store)] },
    });
    // The state was swept meanwhile (nothing had claimed it); mounting made it again.
    await new Promise((done) => setTimeout(done, UNCLAIMED_MS + 300));
    await nextTick();
    expect(wrapper.find('button.n').text()).toBe('0');
    // A panel edit of the state the store holds for this component shows…
    store.getState<number>({ key: 'n', component: 'slow' })!.set(5);
    await nextTick();
    expect(wrapper.find('button.n').text()).toBe('5');
    // …and the component's own write reaches it.
    await wrapper.find('button.n').trigger('click');
    expect(store.getState<number>({ key: 'n', component: 'slow' })!.get()).toBe(6);
    expect(wrapper.find('button.n').text()).toBe('6');
    wrapper.unmount();
  });

  it('server renders leave no listener on a shared state, and the client still follows it', async () => {
    const store = new Store({ name: 'server' });
    const total = store.createState(0, { key: 'total', scope: 'app' });
    const listeners = () => (total as unknown as { _listeners: Set<unknown> })._listeners.size;
    const Page = defineComponent({
      setup() {
        const n = useStratumState(0, { key: 'total', scope: 'app' });
        const outside = useStratum(total);
        return () => h('b', `${n.value}/${outside.value}`);
      },
    });
    for (let request = 0; request < 3; request++) {
      await renderToString(createSSRApp(Page).use(createStratum(store.forClient(`c${request}`))));
    }
    expect(listeners()).toBe(0);
    // Nor on the store: a component listens for deletes from its mount on.
    expect(storeListeners(store)).toBe(0);
    const wrapper = mount(Page, { global: { plugins: [createStratum(store)] } });
    expect(listeners()).toBe(2);
    total.set(3);
    await nextTick();
    expect(wrapper.text()).toBe('3/3');
    wrapper.unmount();
    expect(listeners()).toBe(0);
  });

  it('shows a change made between a component\'s render and its mount', async () => {
    const store = new Store();
    const total = store.createState(0, { key: 'total', scope: 'app' });
    // A child's setup runs after its parent rendered and before the parent mounts.
    const Child = defineComponent({ setup: () => (total.set(7), () => null) });
    const Parent = defineComponent({
      setup() {
        const n = useStratum(total);
        return () => h('div', [h('b', String(n.value)), h(Child)]);
      },
    });
    const wrapper = mount(Parent, { global: { plugins: [createStratum(store)] } });
    await nextTick();
    expect(wrapper.find('b').text()).toBe('7');
    wrapper.unmount();
  });

  it('writes a click after the app deleted the state into a state the store holds, from the initial value', async () => {
    const store = new Store();
    const Cart = defineComponent({
      setup() {
        const n = useStratumState(0, { key: 'cart', scope: 'app' });
        return () => h('button', { onClick: () => n.value++ }, String(n.value));
      },
    });
    const wrapper = mount(Cart, { global: { plugins: [createStratum(store)] } });
    await wrapper.find('button').trigger('click');
    await wrapper.find('button').trigger('click');
    // The app empties the cart on logout by deleting its state while the button is mounted.
    store.deleteState({ key: 'cart', scope: 'app' });
    await wrapper.find('button').trigger('click');
    expect(store.getState<number>({ key: 'cart', scope: 'app' })?.get()).toBe(1);
    expect(wrapper.find('button').text()).toBe('1');
    // A panel edit of the state the store now holds shows too.
    store.getState<number>({ key: 'cart', scope: 'app' })!.set(4);
    await nextTick();
    expect(wrapper.find('button').text()).toBe('4');
    wrapper.unmount();
  });

  it('keeps a component state the app deleted and the component wrote again while it is mounted, and deletes it on unmount', async () => {
    const store = new Store();
    const wrapper = mount(Counter, { global: { plugins: [createStratum(store)] } });
    await wrapper.find('button').trigger('click');
    const [scope] = componentScopes(store);
    store.deleteState({ key: 'count', scope: scope! });
    await wrapper.find('button').trigger('click');
    expect(store.getState<number>({ key: 'count', scope: scope! })?.get()).toBe(1);
    // The component holds it: the sweep of unclaimed states leaves it.
    await new Promise((done) => setTimeout(done, UNCLAIMED_MS + 100));
    expect(store.getState<number>({ key: 'count', scope: scope! })?.get()).toBe(1);
    wrapper.unmount();
    await Promise.resolve();
    expect(componentScopes(store)).toEqual([]);
  });

  it('a write that lands after the unmount (a pending timer) makes no state again', async () => {
    const store = new Store();
    let later: { value: number } | undefined;
    const Pending = defineComponent({
      setup() {
        const n = useStratumState(0, { key: 'n' });
        later = n;
        return () => h('i', String(n.value));
      },
    });
    const wrapper = mount(Pending, { global: { plugins: [createStratum(store)] } });
    wrapper.unmount();
    await Promise.resolve();
    expect(componentScopes(store)).toEqual([]);
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    later!.value = 5;
    await nextTick();
    expect(store.states()).toEqual([]);
    expect(events).not.toContain('created');
  });

  it('re-renders at once after the app deleted the state, with the state made again from its initial value, and the Ref follows it', async () => {
    const store = new Store();
    const cart = { key: 'cart', scope: 'app' };
    let held: StratumRef<number> | undefined;
    const Cart = defineComponent({
      setup() {
        const n = (held = useStratumState(0, cart));
        return () => h('button', { onClick: () => n.value++ }, String(n.value));
      },
    });
    const wrapper = mount(Cart, { global: { plugins: [createStratum(store)] } });
    await wrapper.find('button').trigger('click');
    await wrapper.find('button').trigger('click');
    expect(wrapper.find('button').text()).toBe('2');
    store.deleteState(cart);
    await nextTick();
    // What a mount would show now: the state a lookup finds, made again from `initial`.
    expect(wrapper.find('button').text()).toBe('0');
    const made = store.getState<number>(cart)!;
    expect(made.get()).toBe(0);
    // The Ref is on that state now: `.state`, a change from elsewhere, and its own writes.
    expect(held!.state).toBe(made);
    made.set(7);
    await nextTick();
    expect(wrapper.find('button').text()).toBe('7');
    await wrapper.find('button').trigger('click');
    expect(made.get()).toBe(8);
    wrapper.unmount();
    expect(storeListeners(store)).toBe(0);
  });

  it("shows the state made again in every component when one's sync watcher throws on the delete, and deleteState throws that error", async () => {
    const store = new Store();
    const cart = { key: 'cart', scope: 'app' };
    const failure = new Error('the watcher refused 0');
    const Watching = defineComponent({
      setup() {
        const n = useStratumState(0, cart);
        watch(
          n,
          (value) => {
            if (value === 0) throw failure;
          },
          { flush: 'sync' },
        );
        return () => h('i', String(n.value));
      },
    });
    // The watching component is mounted first, so it is told first.
    const Root = defineComponent({ setup: () => () => h('div', [h(Watching), h(ShownCart)]) });
    const wrapper = mount(Root, { global: { plugins: [createStratum(store)], config: { errorHandler: (error) => { throw error; } } } });
    store.getState<number>(cart)!.set(4);
    await nextTick();
    expect(wrapper.find('b').text()).toBe('4');
    expect(() => store.deleteState(cart)).toThrow(failure);
    await nextTick();
    expect(wrapper.find('b').text()).toBe('0');
    expect(wrapper.find('i').text()).toBe('0');
    wrapper.unmount();
  });

  it('a component-scoped state deleted by the app is made again for the component, and deleted on its unmount', async () => {
    const store = new Store();
    const wrapper = mount(Counter, { global: { plugins: [createStratum(store)] } });
    await wrapper.find('button').trigger('click');
    const [scope] = componentScopes(store);
    store.deleteState({ key: 'count', scope: scope! });
    await nextTick();
    expect(wrapper.find('button').text()).toBe('0');
    expect(store.getState<number>({ key: 'count', scope: scope! })?.get()).toBe(0);
    await new Promise((done) => setTimeout(done, UNCLAIMED_MS + 100));
    expect(componentScopes(store)).toEqual([scope]);
    wrapper.unmount();
    await Promise.resolve();
    expect(store.states()).toEqual([]);
  });

  it('is told after a batch that deletes the state, and renders once for it; a batch that makes it again is followed', async () => {
    const store = new Store();
    const cart = { key: 'cart', scope: 'app' };
    const signedIn = store.createState(true, { key: 'signedIn', scope: 'app' });
    let renders = 0;
    const Cart = defineComponent({
      setup() {
        const n = useStratumState(0, cart);
        return () => (renders++, h('i', String(n.value)));
      },
    });
    const wrapper = mount(Cart, { global: { plugins: [createStratum(store)] } });
    store.getState<number>(cart)!.set(2);
    await nextTick();
    const before = renders;
    store.batch(() => {
      signedIn.set(false);
      store.deleteState(cart);
      // Nothing was made again inside the batch: the app may create it itself.
      expect(store.hasState(cart)).toBe(false);
    });
    expect(store.hasState(cart)).toBe(false);
    await nextTick();
    expect(wrapper.text()).toBe('0');
    expect(store.getState<number>(cart)?.get()).toBe(0);
    expect(renders).toBe(before + 1);
    store.batch(() => {
      store.deleteState(cart);
      store.createState(9, cart);
    });
    await nextTick();
    expect(wrapper.text()).toBe('9');
    wrapper.unmount();
  });

  it('follows the state another component or the app makes again right after the delete', async () => {
    const store = new Store();
    const cart = { key: 'cart', scope: 'app' };
    const Emptier = defineComponent({
      setup() {
        const n = useStratumState(0, cart);
        return () => h('button', { onClick: () => (store.deleteState(cart), (n.value = 5)) }, 'again');
      },
    });
    const wrapper = mount(defineComponent({ setup: () => () => h('div', [h(ShownCart), h(Emptier)]) }), {
      global: { plugins: [createStratum(store)] },
    });
    store.getState<number>(cart)!.set(1);
    await nextTick();
    expect(wrapper.find('b').text()).toBe('1');
    await wrapper.find('button').trigger('click');
    expect(store.getState<number>(cart)?.get()).toBe(5);
    expect(wrapper.find('b').text()).toBe('5');
    // The app deletes and creates it at once: the binding made nothing in between to collide with.
    store.deleteState(cart);
    store.createState(40, cart);
    await nextTick();
    expect(wrapper.find('b').text()).toBe('40');
    wrapper.unmount();
  });

  it('listens once per store while mounted, and not at all after the unmount: a later delete makes nothing again', async () => {
    const store = new Store();
    const cart = { key: 'cart', scope: 'app' };
    const wrapper = mount(defineComponent({ setup: () => () => h('div', [h(ShownCart), h(ShownCart), h(Counter)]) }), {
      global: { plugins: [createStratum(store)] },
    });
    expect(storeListeners(store)).toBe(1);
    wrapper.unmount();
    await Promise.resolve();
    expect(storeListeners(store)).toBe(0);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    store.deleteState(cart);
    await nextTick();
    expect(events).toEqual(['deleted']);
    expect(store.hasState(cart)).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('useStratum keeps showing the State object it was given (it has no key to look up)', async () => {
    const store = new Store();
    const state = store.createState(1, { key: 'cart', scope: 'app' });
    const Shown = defineComponent({
      setup() {
        const n = useStratum(state);
        return () => h('i', String(n.value));
      },
    });
    const wrapper = mount(Shown, { global: { plugins: [createStratum(store)] } });
    state.set(2);
    store.deleteState({ key: 'cart', scope: 'app' });
    await nextTick();
    expect(wrapper.text()).toBe('2');
    expect(store.hasState({ key: 'cart', scope: 'app' })).toBe(false);
    wrapper.unmount();
  });

  it("useStratum's Ref still shows what it is given after the app deleted its state, as a ref() would", async () => {
    const store = new Store();
    const state = store.createState(1, { key: 'cart', scope: 'app' });
    let n: ReturnType<typeof useStratum<number>> | undefined;
    const Shown = defineComponent({
      setup() {
        n = useStratum(state);
        return () => h('i', String(n!.value));
      },
    });
    const wrapper = mount(Shown, { global: { plugins: [createStratum(store)] } });
    store.deleteState({ key: 'cart', scope: 'app' });
    n!.value = 7;
    await nextTick();
    expect(wrapper.text()).toBe('7');
    // The deleted state stays out of the store.
    expect(store.hasState({ key: 'cart', scope: 'app' })).toBe(false);
    wrapper.unmount();
  });

  it('says what is missing without the plugin', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(() => mount(Counter)).toThrow(/createStratum/);
    warn.mockRestore();
  });
});
