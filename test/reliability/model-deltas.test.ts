/**
 * Model-based test (fast-check commands) of what the panel hears of state changes: sets on three
 * states under three labels (none among them), page frames that flush, traces turned on and off,
 * and a state deleted and made again, interleaved at random. The model is every change, in order,
 * as the state reported it. However they interleave, each state's `stateChanged` deltas cover its
 * changes in order with no gap and no overlap: a delta's `changes` is how many sets it stands for,
 * every one of them under its label, its versions are the first and last of them, and its value
 * is the one set last among them. The agent's coalescing (and its fast path for a state set again
 * under the same label, issue 18) is what this holds to account.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Command, Event } from '../../runtime/protocol/messages.js';
import { registryId } from '../../runtime/registry/registry.js';
import type { State } from '../../runtime/store/state.js';
import { Store } from '../../runtime/store/store.js';
import { kit } from '../helpers/agent-kit.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-deltas');
afterAll(() => ledger.save());
const RUNS = SOAK ? 5_000 : 300;
const KEYS = ['a', 'b', 'c'] as const;
const LABELS = [undefined, 'typing', 'sync'] as const;

interface Change {
  state: string;
  version: number;
  label: string | undefined;
  value: number;
}

interface Model {
  changes: Change[];
}

interface Real {
  t: ReturnType<typeof kit>;
  store: Store;
  states: State<number>[];
}

let next = 0;

class SetState implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly index: number,
    readonly label: string | undefined,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const state = real.states[this.index]!;
    // Every value new, so every set is a change.
    const value = ++next;
    state.set(value, this.label === undefined ? undefined : { label: this.label });
    model.changes.push({ state: state.id, version: state.version, label: this.label, value });
  }
  toString = () => `set ${KEYS[this.index]}${this.label === undefined ? '' : ` (${this.label})`}`;
}

class Frame implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.t.frame();
  }
  toString = () => 'frame';
}

class Trace implements fc.AsyncCommand<Model, Real> {
  constructor(readonly enabled: boolean) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    await real.t.call(Command.trace, { enabled: this.enabled });
  }
  toString = () => `trace ${this.enabled ? 'on' : 'off'}`;
}

class Remake implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    const key = KEYS[this.index]!;
    real.store.deleteState({ key, scope: 'app' });
    real.states[this.index] = real.store.createState(0, { key, scope: 'app' });
  }
  toString = () => `delete and make ${KEYS[this.index]} again`;
}

const commands = fc.commands(
  [
    fc.tuple(fc.integer({ min: 0, max: KEYS.length - 1 }), fc.constantFrom(...LABELS)).map(([index, label]) => new SetState(index, label)),
    fc.tuple(fc.integer({ min: 0, max: KEYS.length - 1 }), fc.constantFrom(...LABELS)).map(([index, label]) => new SetState(index, label)),
    fc.constant(new Frame()),
    fc.boolean().map((enabled) => new Trace(enabled)),
    fc.integer({ min: 0, max: KEYS.length - 1 }).map((index) => new Remake(index)),
  ],
  { maxCommands: SOAK ? 80 : 30, size: 'max' },
);

/** The deltas of one state, checked against its changes in the model; returns how many deltas. */
function checkState(store: number, deltas: ReturnType<Real['t']['events']>, changes: Change[], state: string): number {
  const mine = (deltas as { store: number; state: string; changes: number; label?: string; value: unknown; versions: { from: number; to: number } }[]).filter(
    (delta) => delta.store === store && delta.state === state,
  );
  const expected = changes.filter((change) => change.state === state);
  let at = 0;
  for (const delta of mine) {
    const merged = expected.slice(at, at + delta.changes);
    expect(merged, `delta ${JSON.stringify(delta)} stands for more changes than were made`).toHaveLength(delta.changes);
    expect(delta.versions).toEqual({ from: merged[0]!.version, to: merged.at(-1)!.version });
    expect(merged.map((change) => change.label)).toEqual(merged.map(() => delta.label));
    expect(delta.value).toBe(merged.at(-1)!.value);
    at += delta.changes;
  }
  expect(at, `the panel heard of ${at} of ${expected.length} changes of ${state}`).toBe(expected.length);
  return mine.length;
}

describe("the panel's state deltas against a model of every change", () => {
  it('sets under labels, frames, traces on and off, states remade: every change is in exactly one delta, in order', async () => {
    const row = ledger.open(
      'Data integrity',
      "State deltas model (fast-check commands): sets on three states under three labels, page frames, traces on and off, a state deleted and made again; each state's deltas against the list of its changes",
    );
    let runs = 0;
    let steps = 0;
    let deltas = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        runs++;
        steps += [...cmds].length;
        const store = new Store({ name: `deltas-${runs}` });
        const states = KEYS.map((key) => store.createState(0, { key, scope: 'app' }));
        const t = kit();
        await t.hello();
        const real: Real = { t, store, states };
        const model: Model = { changes: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          t.frame();
          const heard = t.events(Event.stateChanged);
          for (const state of new Set(model.changes.map((change) => change.state))) deltas += checkState(registryId(store)!, heard, model.changes, state);
        } finally {
          t.agent.shutdown();
        }
      }),
      { numRuns: RUNS },
    );
    row.done({ times: runs, lost: [], figures: `${steps.toLocaleString('en-US')} commands; ${deltas.toLocaleString('en-US')} deltas checked` });
  }, SOAK ? 3_600_000 : 120_000);
});
