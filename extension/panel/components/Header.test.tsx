// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeBridge } from '#protocol/bridge.js';
import { Command, Event, PROTOCOL_VERSION, SOURCE_RUNTIME, type Ready, type RuntimeInfo } from '#protocol/messages.js';
import { Store } from '#runtime/store/store.js';
import { mount } from '../mount.js';
import { memoryPanelWall } from '../testing/memory-wall.js';
import { click, setup, text, type, waitFor, type Harness } from '../testing/harness.js';

let h: Harness | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  h?.close();
  h = undefined;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

const status = (harness: { container: HTMLElement }) => harness.container.querySelector<HTMLElement>('[data-testid="status"]')!;

function bare() {
  const page = memoryPanelWall();
  const container = document.createElement('div');
  document.body.append(container);
  const mounted = mount({ wall: page.wall, container });
  cleanups.push(() => (mounted.unmount(), container.remove()));
  return { page, container };
}

describe('Header and connection', () => {
  it('says connected, with the runtime name, and offers refresh', async () => {
    h = setup({ name: 'My app' });
    await waitFor(() => status(h!).dataset.status === 'connected');
    expect(text(status(h))).toBe('Connected to My app');
    expect(h.find('target-picker')).toBeNull();
    expect((h.get('refresh') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says hello once at mount, so the page encodes one snapshot', async () => {
    h = setup();
    const hellos = () => (h!.page.sent as { batch: { command: string }[] }[]).flatMap((envelope) => envelope.batch).filter((message) => message.command === Command.hello);
    await waitFor(() => status(h!).dataset.status === 'connected');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hellos()).toHaveLength(1);
    h.page.pageReady();
    await waitFor(() => hellos().length === 2);
  });

  it('says so when no Stratum runtime answers', async () => {
    const { container } = bare();
    expect(status({ container }).dataset.status).toBe('connecting');
    await waitFor(() => status({ container }).dataset.status === 'no-runtime', 3000);
    expect(text(status({ container }))).toBe('No Stratum runtime on this page');
  });

  it('explains a protocol mismatch in the runtime’s words', async () => {
    const { page, container } = bare();
    const { wall } = page.addPage();
    const info: RuntimeInfo = { id: 'rt-old', name: 'old page', frame: { url: 'http://x/', top: true, title: '' }, protocol: PROTOCOL_VERSION + 1, version: '9.9.9' };
    const runtime = new RuntimeBridge({
      wall,
      session: info.id,
      handle: (message) => {
        if (message.command !== Command.hello) return undefined;
        const ready: Ready = { runtime: info, protocol: { runtime: PROTOCOL_VERSION + 1, panel: message.payload.protocol }, compatible: false, message: 'This page runs stratum 9.9.9: update the Stratum DevTools extension.', dropped: 0 };
        return ready;
      },
    });
    cleanups.push(() => runtime.shutdown());
    await waitFor(() => status({ container }).dataset.status === 'mismatch');
    expect(text(status({ container }))).toBe('This page runs stratum 9.9.9: update the Stratum DevTools extension.');
  });

  it('offers a target picker when several runtimes answer, and switches', async () => {
    h = setup({ name: 'first' });
    const second = h.page.addRuntime({ name: 'second', frame: { url: 'http://127.0.0.1/frame', top: false, title: '' } });
    cleanups.push(() => second.remove());
    h.page.pageReady();
    const picker = (await h.wait('target-picker')) as HTMLSelectElement;
    await waitFor(() => picker.options.length === 2);
    expect(text(status(h))).toBe('Connected to first');
    type(picker, second.info.id);
    await waitFor(() => text(status(h!)) === 'Connected to second');
  });

  it('says hello again when a runtime announces itself', async () => {
    h = setup({ name: 'early' });
    await waitFor(() => status(h!).dataset.status === 'connected');
    const late = h.page.addRuntime({ name: 'late' });
    cleanups.push(() => late.remove());
    late.wall.send({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: late.info.id, seq: 1, batch: [{ event: Event.announce, payload: {} }] });
    await h.wait('target-picker');
    expect(late.agent.connected).toBe(true);
  });

  it('keeps selection, filter and open nodes across a reconnect, and shows a fresh snapshot', async () => {
    const store = new Store({ name: 'reconnect-store' });
    const doc = store.createState({ title: 'first', meta: { tags: ['a'] } }, { key: 'doc', scope: 'app' });
    h = setup();
    type(await h.wait('state-filter'), 'reconnect-store');
    click(await h.wait('state-row', { key: 'doc' }));
    click(h.get('value-toggle', {}, await h.wait('value-node', { path: '["meta"]' })));
    await h.wait('value-node', { path: '["meta","tags"]' });

    h.page.setStatus('reconnecting');
    await waitFor(() => status(h!).dataset.status === 'reconnecting');
    doc.set({ title: 'changed while away', meta: { tags: ['a', 'b'] } });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(text(h.get('value-preview', {}, h.get('value-node', { path: '["title"]' })))).toBe('"first"');

    h.page.setStatus('connected');
    await waitFor(() => text(h!.get('value-preview', {}, h!.get('value-node', { path: '["title"]' }))) === '"changed while away"');
    expect(status(h).dataset.status).toBe('connected');
    expect((h.get('state-filter') as HTMLInputElement).value).toBe('reconnect-store');
    expect(h.get('state-detail').dataset.key).toBe('doc');
    expect(h.get('value-node', { path: '["meta","tags"]' })).toBeTruthy();
    expect(text(h.get('state-version'))).toBe('v1');
  });

  it('follows a reload to the new runtime, and empties when the page has none', async () => {
    const store = new Store({ name: 'reload-store' });
    const state = store.createState(1, { key: 'n', scope: 'app' });
    h = setup({ name: 'reloading app' });
    type(await h.wait('state-filter'), 'reload-store');
    click(await h.wait('state-row', { key: 'n' }));
    h.runtime.remove();
    const next = h.page.addRuntime({ name: 'reloading app' });
    cleanups.push(() => next.remove());
    h.page.pageReady();
    await waitFor(() => next.agent.connected);
    state.set(2);
    await waitFor(() => text(h!.get('state-version')) === 'v1');
    expect(text(status(h))).toBe('Connected to reloading app');

    next.remove();
    h.page.pageReady();
    await waitFor(() => status(h!).dataset.status === 'no-runtime', 3000);
    await waitFor(() => h!.find('state-row') === null);
    expect(h.get('state-empty')).toBeTruthy();
  });

  it('tells the runtime stop on unmount and closes the wall', async () => {
    h = setup();
    await waitFor(() => status(h!).dataset.status === 'connected');
    h.mounted.unmount();
    await waitFor(() => !h!.runtime.agent.connected);
    expect(h.page.closed).toBe(true);
    expect(h.container.innerHTML).toBe('');
  });

  it('says hello and stop under the client name the wall announced', async () => {
    const page = memoryPanelWall({ client: 'panel-from-wall' });
    const runtime = page.addRuntime();
    const container = document.createElement('div');
    const mounted = mount({ wall: page.wall, container });
    await waitFor(() => status({ container }).dataset.status === 'connected');
    mounted.unmount();
    const commands = () => (page.sent as { batch: { command: string; payload: { client?: string } }[] }[]).flatMap((envelope) => envelope.batch);
    expect(commands().find((message) => message.command === Command.hello)?.payload.client).toBe('panel-from-wall');
    expect(commands().find((message) => message.command === Command.stop)?.payload.client).toBe('panel-from-wall');
    await waitFor(() => !runtime.agent.connected);
    runtime.remove();
  });

  it('follows the DevTools theme given by the wall', async () => {
    const page = memoryPanelWall({ theme: 'dark' });
    const container = document.createElement('div');
    const mounted = mount({ wall: page.wall, container });
    expect(container.dataset.theme).toBe('dark');
    expect(container.classList.contains('stratum-panel')).toBe(true);
    mounted.unmount();
    expect(container.dataset.theme).toBeUndefined();
  });
});
