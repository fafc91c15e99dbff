/**
 * Issue 14.11: a runtime of another frame (a cross-origin iframe the page embeds) must not settle,
 * forge or read the panel's commands to the target runtime. A response settles a command only
 * when it comes from the runtime the command went to, for the same command and id; ids cannot be
 * guessed from earlier ones; and a runtime's envelopes must keep coming from the frame it first
 * spoke from.
 */
import { describe, expect, it } from 'vitest';
import { PanelBridge, type Wall } from './bridge.js';
import { Command, Event, PROTOCOL_VERSION, SOURCE_RUNTIME, type ContentEnvelope } from './messages.js';

/** A wall whose sent envelopes are kept and whose received ones carry the frame they came from. */
function framedWall() {
  const sent: ContentEnvelope[] = [];
  const listeners = new Set<(data: unknown, frameId?: number) => void>();
  const wall: Wall = {
    send: (envelope) => void sent.push(structuredClone(envelope) as ContentEnvelope),
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const from = (frameId: number, data: unknown) => {
    for (const listener of [...listeners]) listener(structuredClone(data), frameId);
  };
  return { wall, sent, from };
}

const answer = (session: string, id: string, command: string, result: unknown, seq = 1) => ({
  source: SOURCE_RUNTIME,
  v: PROTOCOL_VERSION,
  session,
  seq,
  batch: [{ event: Event.response, payload: { id, command, ok: true, result } }],
});

function setup() {
  const { wall, sent, from } = framedWall();
  const panel = new PanelBridge({ wall, client: 'panel', schedule: (flush) => (queueMicrotask(flush), () => {}), timeout: 60_000 });
  panel.target = 'rt-top';
  return { panel, sent, from };
}

async function settledState(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return state;
}

describe('responses are matched by session, command and id (14.11)', () => {
  it('ignores a response with the right id from another runtime', async () => {
    const { panel, sent, from } = setup();
    const set = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    await Promise.resolve();
    const id = sent[0]!.batch[0]!.id;
    from(3, answer('rt-evil', id, Command.stateSet, { version: 99 }));
    expect(await settledState(set)).toBe('pending');
    from(0, answer('rt-top', id, Command.stateSet, { version: 1 }));
    await expect(set).resolves.toEqual({ version: 1 });
    panel.shutdown();
  });

  it('ignores a response with the right id and runtime for another command', async () => {
    const { panel, sent, from } = setup();
    const set = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    await Promise.resolve();
    const id = sent[0]!.batch[0]!.id;
    from(0, answer('rt-top', id, Command.trace, { enabled: true }));
    expect(await settledState(set)).toBe('pending');
    panel.shutdown();
  });

  it('drops envelopes of a runtime that arrive from another frame than the one it spoke from', async () => {
    const { panel, sent, from } = setup();
    const changes: unknown[] = [];
    panel.on(Event.stateRemoved, (payload) => changes.push(payload));
    from(0, { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: 'rt-top', seq: 1, batch: [{ event: Event.stateRemoved, payload: { store: 1, state: 'a', version: 1 } }] });
    const set = panel.request(Command.stateSet, { store: 1, state: 's', value: 1, baseVersion: 0 });
    await Promise.resolve();
    const id = sent[0]!.batch[0]!.id;
    from(5, answer('rt-top', id, Command.stateSet, { version: 99 }));
    from(5, { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: 'rt-top', seq: 2, batch: [{ event: Event.stateRemoved, payload: { store: 1, state: 'forged', version: 1 } }] });
    expect(await settledState(set)).toBe('pending');
    expect(changes).toEqual([{ store: 1, state: 'a', version: 1 }]);
    expect(panel.dropped).toBe(2);
    panel.shutdown();
  });

  it('makes command ids that cannot be guessed from the ones seen before', async () => {
    const { panel, sent } = setup();
    for (let i = 0; i < 50; i++) void panel.request(Command.snapshot, {}).catch(() => {});
    await Promise.resolve();
    const ids = sent.flatMap((envelope) => envelope.batch.map((message) => message.id));
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) {
      // The client prefix stays (hello answers are told apart by it); the rest is ≥ 96 random bits.
      expect(id).toMatch(/^panel:[0-9a-f]{24,}$/);
    }
    // Not a counter in disguise: consecutive ids share no long common prefix after the client.
    const rest = ids.map((id) => id.slice('panel:'.length));
    const shared = rest.slice(1).filter((id, i) => id.slice(0, 8) === rest[i]!.slice(0, 8)).length;
    expect(shared).toBeLessThan(3);
    panel.shutdown();
  });
});
