/**
 * A model of the channel between a panel and the runtimes of one tab (issue 14, "a proof that
 * looks for the next ones"): the real PanelBridge and RuntimeBridge, a wall that says which frame
 * an envelope came from, the top frame's runtime, and a hostile frame that sends random runtime
 * envelopes — in its own name, in the top runtime's name, to ids it guessed, to ids it saw (every
 * hello) and even to ids it could not have seen. Interleaved at random with the panel's commands,
 * the runtime's events and both sides' flushes. The property: every command to the top runtime
 * settles exactly once, with the top runtime's own answer; every event of the top runtime arrives,
 * in order, and nothing the hostile frame sent is taken for the top runtime's.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PanelBridge, RuntimeBridge, type Wall } from '../../runtime/protocol/bridge.js';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_RUNTIME } from '../../runtime/protocol/messages.js';
import type { Schedule } from '../../runtime/protocol/outbox.js';
import { hostileValue } from './support/hostile.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('channel-fuzz');
const RUNS = Number(process.env.STRATUM_FUZZ_RUNS ?? (SOAK ? 20_000 : 1000));
const TIMEOUT = SOAK ? 900_000 : 120_000;
const TOP = 'rt-top';
const TOP_FRAME = 0;
const HOSTILE_FRAME = 3;

afterAll(() => ledger.save());

/** A flush the model runs when it chooses to. */
function manual(): { schedule: Schedule; run(): void } {
  let pending: (() => void) | undefined;
  return {
    schedule: (flush) => ((pending = flush), () => (pending = undefined)),
    run() {
      const flush = pending;
      pending = undefined;
      flush?.();
    },
  };
}

type Action =
  | { kind: 'request'; n: number }
  | { kind: 'hello' }
  | { kind: 'event'; n: number }
  | { kind: 'flush-panel' }
  | { kind: 'flush-runtime' }
  | { kind: 'hostile'; session: number; messages: HostileMessage[] }
  | { kind: 'garbage'; value: unknown };

type HostileMessage =
  | { kind: 'response'; id: number; guess: string; command: string; ok: boolean; result: unknown }
  | { kind: 'event'; state: string };

const COMMANDS = [Command.stateSet, Command.hello, Command.snapshot, Command.trace, 'nope'];
const hostileMessage: fc.Arbitrary<HostileMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('response' as const),
    id: fc.nat(),
    guess: fc.oneof(fc.constant(''), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 }), fc.string()),
    command: fc.constantFrom(...COMMANDS),
    ok: fc.boolean(),
    result: fc.oneof(fc.constant({ version: 666 }), fc.anything({ maxDepth: 2 })),
  }),
  fc.record({ kind: fc.constant('event' as const), state: fc.string({ maxLength: 8 }) }),
);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(1000).map((n) => ({ kind: 'request' as const, n })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hello' as const }) },
  { weight: 3, arbitrary: fc.nat(1000).map((n) => ({ kind: 'event' as const, n })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush-panel' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush-runtime' as const }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('hostile' as const), session: fc.nat(3), messages: fc.array(hostileMessage, { minLength: 1, maxLength: 4 }) }) },
  // Printed by name: fast-check's reporter would recurse through a value nested 4,000 deep.
  { weight: 1, arbitrary: hostileValue.map((value) => ({ kind: 'garbage' as const, value, [fc.toStringMethod]: () => 'garbage' })) },
);

interface Outcome {
  problems: string[];
  settled: number;
  forged: number;
}

async function play(actions: Action[]): Promise<Outcome> {
  const problems: string[] = [];
  const panelFlush = manual();
  const runtimeFlush = manual();
  const panelListeners = new Set<(data: unknown, frameId?: number) => void>();
  /** What the hostile frame could have seen: envelopes to every runtime (hello) reach every frame. */
  const seenByHostile: string[] = [];
  /** Every id the panel sent, including ones the hostile frame could not see (a worst case). */
  const allIds: string[] = [];
  let toRuntime: ((data: unknown) => void) | undefined;
  const panelWall: Wall = {
    send(envelope) {
      const copy = structuredClone(envelope) as { session: string; batch: { id: string }[] };
      for (const message of copy.batch) {
        allIds.push(message.id);
        if (copy.session === ANY_SESSION) seenByHostile.push(message.id);
      }
      toRuntime?.(copy);
    },
    listen(listener) {
      panelListeners.add(listener);
      return () => panelListeners.delete(listener);
    },
  };
  const fromFrame = (frameId: number, data: unknown, clone = true) => {
    for (const listener of [...panelListeners]) listener(clone ? structuredClone(data) : data, frameId);
  };
  const runtimeWall: Wall = {
    send: (envelope) => fromFrame(TOP_FRAME, envelope),
    listen(listener) {
      toRuntime = listener;
      return () => (toRuntime = undefined);
    },
  };
  const runtime = new RuntimeBridge({
    wall: runtimeWall,
    session: TOP,
    schedule: runtimeFlush.schedule,
    handle: (message) => {
      if (message.command === Command.hello) {
        return { runtime: { id: TOP, name: 'top', frame: { url: 'https://app.example/', top: true, title: '' }, protocol: PROTOCOL_VERSION, version: '0' }, protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION }, compatible: true, dropped: 0 };
      }
      if (message.command === Command.stateSet) return { version: (message.payload.value as number) + 1 };
      return undefined;
    },
  });
  const panel = new PanelBridge({ wall: panelWall, client: 'panel', schedule: panelFlush.schedule, timeout: 3_600_000 });
  panel.target = TOP;

  // The top runtime speaks first (the panel picks its target from its hello answer).
  const first = panel.hello();
  panelFlush.run();
  runtimeFlush.run();
  await first;

  const expectedEvents: string[] = [];
  const topEvents: string[] = [];
  panel.on(Event.stateRemoved, (payload, session) => session === TOP && topEvents.push(payload.state));
  const requests: { n: number; outcome: 'pending' | 'ok' | 'wrong' | 'rejected'; detail?: string }[] = [];
  let forged = 0;

  for (const step of actions) {
    switch (step.kind) {
      case 'request': {
        const entry = { n: step.n, outcome: 'pending' as 'pending' | 'ok' | 'wrong' | 'rejected', detail: undefined as string | undefined };
        requests.push(entry);
        panel.request(Command.stateSet, { store: 1, state: `s${step.n}`, value: step.n, baseVersion: 0 }).then(
          (result) => {
            if (entry.outcome !== 'pending') problems.push(`request ${step.n} settled twice`);
            entry.outcome = result.version === step.n + 1 ? 'ok' : 'wrong';
            entry.detail = JSON.stringify(result);
          },
          (error: unknown) => {
            entry.outcome = 'rejected';
            entry.detail = String(error);
          },
        );
        break;
      }
      case 'hello':
        panel.hello().catch(() => undefined);
        break;
      case 'event':
        expectedEvents.push(`e${step.n}`);
        runtime.send(Event.stateRemoved, { store: 1, state: `e${step.n}`, version: step.n });
        break;
      case 'flush-panel':
        panelFlush.run();
        break;
      case 'flush-runtime':
        runtimeFlush.run();
        break;
      case 'hostile': {
        const session = [TOP, 'rt-evil', 'rt-evil-2', ANY_SESSION][step.session]!;
        const batch = step.messages.map((message) => {
          if (message.kind === 'event') return { event: Event.stateRemoved, payload: { store: 1, state: `forged:${message.state}`, version: 1 } };
          const pool = [...seenByHostile, ...allIds, `panel:${message.id}`, `panel:${message.guess}`, message.guess];
          const id = pool[message.id % pool.length]!;
          return {
            event: Event.response,
            payload: message.ok ? { id, command: message.command, ok: true, result: message.result } : { id, command: message.command, ok: false, error: { code: 'conflict', message: 'forged', current: { version: 666, value: 'forged' } } },
          };
        });
        forged += batch.length;
        fromFrame(HOSTILE_FRAME, { source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session, seq: 1, batch });
        break;
      }
      case 'garbage':
        // Not cloned: structuredClone itself overflows the stack on a value nested 4,000 deep.
        fromFrame(HOSTILE_FRAME, step.value, false);
        break;
    }
    await Promise.resolve();
  }
  // Let everything still queued travel.
  for (let i = 0; i < 3; i++) {
    panelFlush.run();
    runtimeFlush.run();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  for (const request of requests) {
    if (request.outcome !== 'ok') problems.push(`request ${request.n}: ${request.outcome} ${request.detail ?? ''}`.trim());
  }
  if (topEvents.join() !== expectedEvents.join()) problems.push(`the top runtime's events arrived as [${topEvents.join()}], sent [${expectedEvents.join()}]`);
  panel.shutdown();
  runtime.shutdown();
  return { problems, settled: requests.length, forged };
}

describe('the channel with a hostile frame in the tab', () => {
  it('never settles, forges or drops the top runtime’s traffic (fast-check model)', async () => {
    const row = ledger.open('Hostile input', "A hostile frame's random runtime envelopes (guessed, seen and leaked command ids; its own and the top runtime's session) interleaved with a panel's commands and the top runtime's events (fast-check model of PanelBridge + RuntimeBridge)");
    const problems: string[] = [];
    let runs = 0;
    let settled = 0;
    let forged = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        runs++;
        const outcome = await play(actions);
        settled += outcome.settled;
        forged += outcome.forged;
        if (outcome.problems.length > 0) problems.push(...outcome.problems.slice(0, 3));
        return outcome.problems.length === 0;
      }),
      { numRuns: RUNS },
    );
    expect(
      row.done({ times: runs, lost: problems, figures: `${settled.toLocaleString('en-US')} commands settled by their runtime; ${forged.toLocaleString('en-US')} forged messages, none taken` }),
    ).toEqual([]);
  }, TIMEOUT);
});
