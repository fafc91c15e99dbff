/**
 * A panel connected to a page-side agent over in-memory walls, for unit tests: no browser, no
 * timers. `frame()` is the next animation frame of the page; `call()` sends one command and runs
 * frames until it is answered.
 */
import { PanelBridge } from '../../runtime/protocol/bridge.js';
import { memoryWalls } from '../../runtime/protocol/memory-wall.js';
import {
  ANY_SESSION,
  Command,
  Event,
  PROTOCOL_VERSION,
  SOURCE_CONTENT,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type EventMessage,
  type EventName,
  type RuntimeEnvelope,
  type RuntimeEvents,
  type RuntimeInfo,
} from '../../runtime/protocol/messages.js';
import type { Schedule } from '../../runtime/protocol/outbox.js';
import { startAgent } from '../../runtime/devtools/agent/index.js';

export const info: RuntimeInfo = {
  id: 'rt-test',
  name: 'test page',
  frame: { url: 'http://127.0.0.1/', top: true, title: 'test' },
  protocol: PROTOCOL_VERSION,
  version: 'dev',
};

export function kit(options: { timeout?: number } = {}) {
  const [pageWall, panelWall] = memoryWalls();
  let pending: (() => void) | undefined;
  const schedule: Schedule = (flush) => {
    pending = flush;
    return () => (pending = undefined);
  };
  const agent = startAgent({ wall: pageWall, info, schedule });
  const envelopes: RuntimeEnvelope[] = [];
  panelWall.listen((data) => envelopes.push(data as RuntimeEnvelope));
  // The panel's own queue flushes at once: the page's frame is what the tests control.
  const panel = new PanelBridge({
    wall: panelWall,
    client: 'panel-1',
    schedule: (flush) => (queueMicrotask(flush), () => {}),
    ...(options.timeout !== undefined && { timeout: options.timeout }),
  });
  panel.target = info.id;

  const frame = () => {
    const run = pending;
    pending = undefined;
    run?.();
  };

  /** Every event received so far (optionally one kind), oldest first. */
  function events(): EventMessage[];
  function events<K extends EventName>(name: K): RuntimeEvents[K][];
  function events(name?: EventName): unknown[] {
    const all = envelopes.flatMap((envelope) => envelope.batch);
    return name === undefined ? all : all.filter((message) => message.event === name).map((message) => message.payload);
  }

  /** Lets microtasks and page frames run until `promise` settles. */
  async function settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => (done = true));
    watched.catch(() => {});
    for (let i = 0; i < 200 && !done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      frame();
    }
    return watched;
  }

  function call<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    return settle(panel.request(name, payload));
  }

  async function hello(options: { protocol?: number; trace?: boolean; client?: string } = {}) {
    const answer = settle(
      panel.request(
        Command.hello,
        { protocol: options.protocol ?? PROTOCOL_VERSION, client: options.client ?? 'panel-1', ...(options.trace !== undefined && { trace: options.trace }) },
        ANY_SESSION,
      ),
    );
    const ready = await answer;
    await settle(new Promise((resolve) => setTimeout(resolve, 5)));
    return ready;
  }

  /** Posts raw data to the agent as if the content script had (for spoofing tests). */
  const post = (data: unknown) => panelWall.send(data);
  const envelope = (batch: unknown[], extra: Record<string, unknown> = {}) => ({
    source: SOURCE_CONTENT,
    v: PROTOCOL_VERSION,
    session: info.id,
    seq: 1,
    batch,
    ...extra,
  });

  return { agent, panel, frame, events, call, settle, hello, post, envelope, envelopes, snapshotEvent: Event.snapshot };
}
