import { afterEach, describe, expect, it } from 'vitest';
import { info } from '../../../test/helpers/agent-kit.js';
import { PanelBridge } from '../../protocol/bridge.js';
import { memoryWalls } from '../../protocol/memory-wall.js';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, type RuntimeEvents } from '../../protocol/messages.js';
import { Store } from '../../store/store.js';
import { startAgent, type Agent } from './index.js';

// The agent with its real schedule (no test clock): a lone change leaves as soon as the task that
// made it ends, and a burst of sets in one task still leaves as one delta (issue 18).
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets queued microtasks run, and no timer. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

let agent: Agent | undefined;
afterEach(() => {
  agent?.shutdown();
  agent = undefined;
});

async function connected() {
  const [pageWall, panelWall] = memoryWalls();
  agent = startAgent({ wall: pageWall, info });
  const panel = new PanelBridge({ wall: panelWall, client: 'panel-idle', schedule: (flush) => (queueMicrotask(flush), () => {}) });
  panel.target = info.id;
  const deltas: RuntimeEvents['stateChanged'][] = [];
  panel.on(Event.stateChanged, (delta) => deltas.push(delta));
  await panel.request(Command.hello, { protocol: PROTOCOL_VERSION, client: 'panel-idle' }, ANY_SESSION);
  await wait(40);
  return { deltas };
}

describe('flushing deltas when the channel is idle', () => {
  it('sends a lone change at the end of its task, before any timer or frame', async () => {
    const { deltas } = await connected();
    const state = new Store({ name: 'idle-lone' }).createState(0, { key: 'count', scope: 'test' });
    await wait(40);
    state.set(1);
    await microtasks();
    expect(deltas.filter((delta) => delta.state === state.id)).toMatchObject([{ changes: 1, versions: { to: state.version } }]);
  });

  it('still sends a burst of 10,000 sets in one task as one delta', async () => {
    const { deltas } = await connected();
    const state = new Store({ name: 'idle-burst' }).createState(0, { key: 'count', scope: 'test' });
    await wait(40);
    for (let i = 1; i <= 10_000; i++) state.set(i);
    await wait(40);
    expect(deltas.filter((delta) => delta.state === state.id)).toMatchObject([{ changes: 10_000, value: 10_000 }]);
  });

  it('coalesces a burst that follows a send into one more delta', async () => {
    const { deltas } = await connected();
    const state = new Store({ name: 'idle-busy' }).createState(0, { key: 'count', scope: 'test' });
    await wait(40);
    state.set(-1);
    await microtasks();
    // The next task, right after the send: this burst waits for the frame, and leaves whole.
    await wait(0);
    for (let i = 1; i <= 10_000; i++) state.set(i);
    await wait(40);
    expect(deltas.filter((delta) => delta.state === state.id).map((delta) => delta.changes)).toEqual([1, 10_000]);
  });
});
