/**
 * The roll call (a hello to every runtime, answers awaited ROLL_CALL_MS) decides which runtimes the
 * page has. One answer that comes late (a worker busy, a page in a long task) must not make the
 * panel forget the runtime it shows: its states' recent changes and the timeline would go with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/index.js';
import { memoryPanelWall, type MemoryRuntime } from '../testing/memory-wall.js';
import { waitFor } from '../testing/harness.js';
import { ROLL_CALL_MS } from './connection.js';
import { Panel } from './panel.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function watched(
  name: string,
  frameId?: number,
): Promise<{ panel: Panel; runtime: MemoryRuntime; page: ReturnType<typeof memoryPanelWall>; set: (n: number) => void; recent: () => number; edit: () => Promise<boolean> }> {
  const store = new Store({ name });
  const state = store.createState(0, { key: 'n', scope: 'app' });
  const page = memoryPanelWall();
  const runtime = page.addRuntime({ name, ...(frameId !== undefined && { frameId }) });
  const panel = new Panel({ wall: page.wall });
  panel.start();
  cleanups.push(() => (panel.dispose(), runtime.remove()));
  const storeId = (await waitFor(() => panel.states.stores.find((candidate) => candidate.name === name)?.id))!;
  const recent = () => panel.states.entry(storeId, state.id)?.recent.length ?? -1;
  // An edit from the panel (restore writes the value shown back as one): resolves false once refused.
  const edit = () => {
    const entry = panel.states.entry(storeId, state.id)!;
    return panel.states.restore(entry, entry.value.peek());
  };
  return { panel, runtime, page, set: (n) => state.set(n), recent, edit };
}

describe('the roll call', () => {
  it('keeps the history of a runtime whose answer came late once', async () => {
    const { panel, runtime, page, set, recent } = await watched('late-answer-store');
    set(1);
    await waitFor(() => recent() === 1);
    set(2);
    await waitFor(() => recent() === 2);
    const changes = panel.timeline.entries.filter((entry) => entry.event === 'stateChanged').length;
    expect(changes).toBeGreaterThan(0);
    const target = panel.connection.target.peek();

    // A frame of the page says it is ready: hello again; this runtime is busy past the roll call.
    const release = runtime.hold();
    page.pageReady();
    await sleep(ROLL_CALL_MS + 200);
    release();
    await waitFor(() => panel.connection.runtimes.peek().some((entry) => entry.session === target));
    await sleep(50);

    expect(panel.connection.target.peek()).toBe(target);
    expect(recent()).toBe(2);
    expect(panel.timeline.entries.filter((entry) => entry.event === 'stateChanged').length).toBe(changes);
    set(3);
    await waitFor(() => recent() === 3);
  });

  it('drops a runtime that stays silent when asked again, and says the page has none', async () => {
    const { panel, runtime, page } = await watched('gone-store');
    // Held for good: it never answers (the page went, and its port with it).
    runtime.hold();
    page.pageReady();
    await sleep(ROLL_CALL_MS + 200);
    // One missed answer is no proof: it stays listed while it is asked again.
    expect(panel.connection.runtimes.peek()).toHaveLength(1);
    await waitFor(() => panel.connection.status.peek() === 'no-runtime', 3 * ROLL_CALL_MS);
    expect(panel.connection.runtimes.peek()).toEqual([]);
    expect(panel.states.stores).toEqual([]);
  });

  it('drops at once the runtimes of a frame whose page went away, and keeps those of the frames still there', async () => {
    const { panel, runtime, page, set, recent } = await watched('navigated-store', 0);
    const frame = page.addRuntime({ name: 'ad frame', frame: { url: 'http://127.0.0.1/ad', top: false, title: 'ad' }, frameId: 3 });
    cleanups.push(() => frame.remove());
    page.pageReady({ frameId: 3, url: 'http://127.0.0.1/ad' });
    await waitFor(() => panel.connection.runtimes.peek().length === 2 && panel.connection.settled.peek(), 3 * ROLL_CALL_MS);
    set(1);
    await waitFor(() => recent() === 1);
    const target = panel.connection.target.peek();

    // The subframe navigated: its runtime goes from the picker now, the page keeps its history.
    frame.hold();
    page.pageGone(3);
    // At once: no roll call has to go unanswered first.
    expect(panel.connection.runtimes.peek()).toHaveLength(1);
    expect(panel.connection.target.peek()).toBe(target);
    expect(panel.connection.status.peek()).toBe('connected');
    expect(recent()).toBe(1);

    // The page itself navigated to one without Stratum: its document (and its port) went, and the
    // new one's content script is ready. Not "Connected" for two roll calls.
    runtime.hold();
    page.pageGone(0);
    page.pageReady({ frameId: 0, url: 'http://127.0.0.1/elsewhere' });
    expect(panel.connection.status.peek()).toBe('no-runtime');
    expect(panel.connection.runtimes.peek()).toEqual([]);
    expect(panel.states.stores).toEqual([]);
  });

  it('fails at once, in words, an edit the page that went away had not answered', async () => {
    const { panel, runtime, page, edit } = await watched('edit-then-gone-store', 0);
    runtime.hold();
    let done: boolean | undefined;
    void edit().then((result) => (done = result));
    await sleep(0);
    expect(done).toBeUndefined();

    page.pageGone(0);
    // Right after the event, not after the command's 15 s timeout: the edit is refused and says why.
    await sleep(0);
    expect(done).toBe(false);
    expect(panel.ui.toast.peek()?.text).toMatch(/page went away before it answered/);
  });

  it('fails an edit pending on a runtime the roll call dropped when it dropped it', async () => {
    const { panel, runtime, page, edit } = await watched('edit-then-silent-store');
    runtime.hold();
    let done: boolean | undefined;
    void edit().then((result) => (done = result));
    page.pageReady();
    await waitFor(() => panel.connection.status.peek() === 'no-runtime', 3 * ROLL_CALL_MS);
    await sleep(0);
    expect(done).toBe(false);
    expect(panel.ui.toast.peek()?.text).toMatch(/stopped answering/);
  });
});
