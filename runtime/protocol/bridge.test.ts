import { afterEach, describe, expect, it, vi } from 'vitest';
import { PanelBridge, RuntimeBridge, type Wall } from './bridge.js';
import { CommandError } from './errors.js';
import { memoryWalls } from './memory-wall.js';
import { Command, Event, LIMITS, PROTOCOL_VERSION, SOURCE_CONTENT, type CommandRequest, type RuntimeEnvelope } from './messages.js';
import type { Schedule } from './outbox.js';

/** A schedule the test runs by hand: `frame()` is the next animation frame. */
function manualFrames() {
  let pending: (() => void) | undefined;
  const schedule: Schedule = (flush) => {
    pending = flush;
    return () => (pending = undefined);
  };
  return {
    schedule,
    frame() {
      const run = pending;
      pending = undefined;
      run?.();
    },
  };
}

/** A wall that records what is sent through it. */
function recording(wall: Wall): { wall: Wall; sent: RuntimeEnvelope[] } {
  const sent: RuntimeEnvelope[] = [];
  return {
    sent,
    wall: {
      send: (envelope) => {
        sent.push(structuredClone(envelope) as RuntimeEnvelope);
        wall.send(envelope);
      },
      listen: (listener) => wall.listen(listener),
    },
  };
}

const changed = (state: string, version: number, label?: string) => ({
  store: 1,
  state,
  value: version,
  versions: { from: version, to: version },
  changes: 1,
  at: version,
  redacted: [],
  ...(label && { label }),
});

function pair(handle: ConstructorParameters<typeof RuntimeBridge>[0]['handle']) {
  const [pageWall, panelWall] = memoryWalls();
  const frames = manualFrames();
  const page = recording(pageWall);
  const runtime = new RuntimeBridge({ wall: page.wall, session: 'rt-1', handle, schedule: frames.schedule });
  const panel = new PanelBridge({ wall: panelWall, client: 'p', schedule: (flush) => (queueMicrotask(flush), () => {}) });
  panel.target = 'rt-1';
  return { runtime, panel, frames, sent: page.sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RuntimeBridge batching (coalescing is the agent\'s: agent.test.ts, history.test.ts)', () => {
  it('splits a long queue into envelopes of at most LIMITS.batch messages, numbered in order', () => {
    const { runtime, frames, sent } = pair(() => undefined);
    for (let i = 0; i < LIMITS.batch + 5; i++) runtime.send(Event.stateChanged, changed(`s${i}`, 1));
    frames.frame();
    expect(sent.map((e) => [e.seq, e.batch.length])).toEqual([
      [1, LIMITS.batch],
      [2, 5],
    ]);
    expect(sent.every((e) => e.v === PROTOCOL_VERSION && e.session === 'rt-1')).toBe(true);
  });

  it('flushes what is queued on shutdown, and sends nothing after', () => {
    const { runtime, sent } = pair(() => undefined);
    runtime.send(Event.stateChanged, changed('a', 1));
    runtime.shutdown();
    expect(sent).toHaveLength(1);
    runtime.send(Event.stateChanged, changed('a', 2));
    runtime.flush();
    expect(sent).toHaveLength(1);
  });

  it('flushes after 16 ms when no frame comes (a hidden tab)', async () => {
    vi.useFakeTimers();
    const [pageWall] = memoryWalls();
    const { wall, sent } = recording(pageWall);
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      const runtime = new RuntimeBridge({ wall, session: 'rt-1', handle: () => undefined });
      // An idle channel sends at the end of the task (issue 18); what follows a send waits.
      runtime.send(Event.stateChanged, changed('a', 1));
      await Promise.resolve();
      expect(sent).toHaveLength(1);
      runtime.send(Event.stateChanged, changed('a', 2));
      vi.advanceTimersByTime(15);
      expect(sent).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sent).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('commands', () => {
  it('answers each command exactly once, typed end to end', async () => {
    let calls = 0;
    const { panel, frames } = pair((message) => {
      calls++;
      if (message.command === Command.stateSet) return Promise.resolve({ version: message.payload.baseVersion + 1 });
      return Promise.reject(new CommandError('not-found', 'no such thing'));
    });
    const answer = panel.request(Command.stateSet, { store: 1, state: 's', value: 5, baseVersion: 2 });
    await Promise.resolve();
    await Promise.resolve();
    frames.frame();
    const result: { version: number } = await answer;
    expect(result).toEqual({ version: 3 });
    expect(calls).toBe(1);

    const refused = panel.request(Command.dbClear, { database: 1, table: 't' });
    await Promise.resolve();
    await Promise.resolve();
    frames.frame();
    await expect(refused).rejects.toMatchObject({ name: 'CommandError', code: 'not-found', message: 'no such thing' });

    // @ts-expect-error a payload of the wrong shape does not compile
    void panel.request(Command.stateSet, { store: 1 }).catch(() => {});
    // @ts-expect-error neither does a name that is not a command
    void panel.request('eval', {}).catch(() => {});
    panel.shutdown();
  });

  it('sends an answer when the task that made it ends, with the deltas queued before it, without waiting for a frame', async () => {
    const { runtime, panel, sent } = pair((message) => (message.command === Command.stateSet ? Promise.resolve({ version: 3 }) : undefined));
    runtime.send(Event.stateChanged, changed('a', 1));
    const answer = panel.request(Command.stateSet, { store: 1, state: 's', value: 5, baseVersion: 2 });
    // The manual frame never runs here: only the answer's end-of-task flush can send anything.
    await expect(answer).resolves.toEqual({ version: 3 });
    expect(sent.flatMap((envelope) => envelope.batch.map((message) => message.event))).toEqual([Event.stateChanged, Event.response]);
    // A delta alone still waits for the frame (coalescing).
    runtime.send(Event.stateChanged, changed('a', 2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toHaveLength(1);
  });

  it('sends the panel\'s commands when the task that made them ends, all of them in one envelope', async () => {
    const [pageWall, panelWall] = memoryWalls();
    const received: unknown[] = [];
    pageWall.listen((data) => received.push(data));
    vi.stubGlobal('requestAnimationFrame', () => 1);
    vi.stubGlobal('cancelAnimationFrame', () => {});
    try {
      // No schedule given: the default. No frame ever comes here, and no timer is advanced.
      const panel = new PanelBridge({ wall: panelWall, client: 'p', timeout: 60_000 });
      void panel.request(Command.pageFacts, {}).catch(() => {});
      void panel.request(Command.snapshot, {}).catch(() => {});
      expect(received).toHaveLength(0);
      await Promise.resolve();
      expect(received).toHaveLength(1);
      expect((received[0] as { batch: { command: string }[] }).batch.map((message) => message.command)).toEqual([Command.pageFacts, Command.snapshot]);
      panel.shutdown();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('reports an unexpected throw as `failed`, with the error in words', async () => {
    const { panel } = pair(() => Promise.reject(new TypeError('boom')));
    // The answer leaves at the end of the task that made it: no frame needed.
    await expect(panel.request(Command.pageFacts, {})).rejects.toMatchObject({ code: 'failed', message: 'TypeError: boom' });
  });

  it('times out a command nobody answers', async () => {
    vi.useFakeTimers();
    const [panelWall] = memoryWalls();
    const panel = new PanelBridge({ wall: panelWall, client: 'p', timeout: 1000 });
    const answer = panel.request(Command.snapshot, {});
    vi.advanceTimersByTime(1000);
    await expect(answer).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses a malformed command at once, in words, and sends nothing', async () => {
    const [pageWall, panelWall] = memoryWalls();
    const received: unknown[] = [];
    pageWall.listen((data) => received.push(data));
    const panel = new PanelBridge({ wall: panelWall, client: 'p', schedule: (flush) => (queueMicrotask(flush), () => {}) });
    const wrong = { store: 1, state: 'x', value: 1, baseVersion: '3' } as unknown as CommandRequest<'stateSet'>;
    await expect(panel.request(Command.stateSet, wrong)).rejects.toMatchObject({
      code: 'invalid',
      message: 'stateSet was not sent: command.payload.baseVersion: expected an integer ≥ 0, got string',
    });
    const missing = { store: 1, value: 1, baseVersion: 0 } as unknown as CommandRequest<'stateSet'>;
    await expect(panel.request(Command.stateSet, missing)).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/payload\.state/) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(received).toEqual([]);
  });

  it('rejects what is pending with `disconnected` on shutdown', async () => {
    const { panel } = pair(() => new Promise(() => {}));
    const answer = panel.request(Command.snapshot, {});
    panel.shutdown();
    await expect(answer).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('answers only envelopes addressed to it, and drops a duplicate id while the first is running', () => {
    const seen: string[] = [];
    const [pageWall, panelWall] = memoryWalls();
    const runtime = new RuntimeBridge({
      wall: pageWall,
      session: 'rt-1',
      handle: (message) => (seen.push(message.id), new Promise(() => {})),
    });
    const envelope = (session: string, id: string) => ({
      source: SOURCE_CONTENT,
      v: PROTOCOL_VERSION,
      session,
      seq: 1,
      batch: [{ command: Command.snapshot, id, payload: {} }],
    });
    panelWall.send(envelope('rt-2', 'x:1'));
    panelWall.send(envelope('rt-1', 'x:2'));
    panelWall.send(envelope('rt-1', 'x:2'));
    panelWall.send({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session: 'rt-1', seq: 2, batch: [{ command: 'nope' }] });
    expect(seen).toEqual(['x:2']);
    expect(runtime.dropped).toBe(2);
  });

  it('drops a command the handler declines (silence), unanswered and counted', () => {
    const { runtime, panel } = pair(() => undefined);
    void panel.request(Command.snapshot, {}).catch(() => {});
    panel.flush();
    expect(runtime.dropped).toBe(1);
    panel.shutdown();
  });
});
