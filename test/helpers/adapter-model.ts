/**
 * A model-based test (fast-check commands) for any adapter: random sequences of the app's own
 * updates through the library's API, panel edits, restores and stale edits through the agent (the
 * path the DevTools panel uses), stop() and a new adapter of the same name, and an app-side
 * subscriber that writes into the library while it is told of a change. After every step the
 * library and the mirrored state both hold what the model says, and the panel's last delta shows
 * it: an app update reaches Stratum, a panel edit reaches the library, nothing is lost, and a
 * write is one change (no echo: the state moves by one version per effective write).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { decode, encode, type Path } from '../../runtime/codec/index.js';
import { Command, Event } from '../../runtime/protocol/messages.js';
import { registryId } from '../../runtime/registry/registry.js';
import type { StratumAdapter } from '../../runtime/adapters/mirror.js';
import type { State } from '../../runtime/store/state.js';
import { SOAK } from '../reliability/support/ledger.js';
import { kit } from './agent-kit.js';

/** The data every driven library holds. */
export interface Data {
  a: number;
  b: number;
  list: number[];
}

/** One library store, driven through its own API. */
export interface Driver {
  /** The library's data now, as plain data. */
  read(): Data;
  set(field: 'a' | 'b', value: number): void;
  push(value: number): void;
  /** An app-side subscription on the library (called on each of its changes). */
  listen(changed: () => void): () => void;
  adapter(name: string): StratumAdapter;
}

/** What the app-side reactor does: when `a` is TRIGGER it makes `b` equal to it. */
const TRIGGER = 13;

interface Model {
  data: Data;
  running: boolean;
  reactor: boolean;
}

interface Real {
  driver: Driver;
  adapter: StratumAdapter;
  running: boolean;
  stopReactor: (() => void) | undefined;
  name: string;
  t: ReturnType<typeof kit>;
  /** What a subscriber of the mirrored state heard, (value, prev) each, since the adapter started. */
  heard: [unknown, unknown][];
  /** The value the state had when that subscriber started. */
  first: unknown;
}

type Cmd = fc.AsyncCommand<Model, Real>;

function react(model: Model): void {
  if (model.reactor && model.data.a === TRIGGER) model.data.b = TRIGGER;
}

function stateOf(real: Real): State<unknown> {
  const state = real.adapter.store.states()[0];
  if (!state) throw new Error('the adapter shows no state');
  return state;
}

function target(real: Real) {
  const state = stateOf(real);
  return { store: registryId(real.adapter.store)!, state: state.id };
}

/** The value of the panel's newest delta for the adapter's state. */
function panelShows(real: Real): unknown {
  real.t.frame();
  const at = target(real);
  const deltas = real.t.events(Event.stateChanged).filter((delta) => delta.store === at.store && delta.state === at.state);
  const last = deltas.at(-1);
  return last ? decode(last.value) : undefined;
}

function check(model: Model, real: Real): void {
  expect(real.driver.read()).toEqual(model.data);
  if (!model.running) {
    expect(real.adapter.store.states()).toEqual([]);
    expect(registryId(real.adapter.store)).toBeUndefined();
    return;
  }
  expect(stateOf(real).value).toEqual(model.data);
  // The state's subscriber heard one chain of changes ending at the value: none lost, none twice.
  let last = real.first;
  for (const [value, prev] of real.heard) {
    expect(prev).toBe(last);
    expect(value).not.toEqual(prev);
    last = value;
  }
  expect(last).toBe(stateOf(real).value);
  const shown = panelShows(real);
  // Before its first change the panel has the value from its listing, not from a delta.
  if (shown !== undefined) expect(shown).toEqual(model.data);
}

/** Runs `step` and checks the state moved by at most `writes` versions (one per effective write). */
async function counted(real: Real, writes: number, step: () => unknown): Promise<void> {
  const before = stateOf(real).version;
  await step();
  expect(stateOf(real).version - before).toBeLessThanOrEqual(writes);
}

class AppSet implements Cmd {
  constructor(readonly field: 'a' | 'b', readonly value: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const changed = model.data[this.field] !== this.value;
    model.data[this.field] = this.value;
    react(model);
    const step = () => real.driver.set(this.field, this.value);
    // One version for the change, one more for the reactor's own write.
    if (model.running) await counted(real, changed ? 2 : 0, step);
    else step();
    check(model, real);
  }
  toString = () => `app: ${this.field} = ${this.value}`;
}

class AppPush implements Cmd {
  constructor(readonly value: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    model.data.list.push(this.value);
    react(model);
    const step = () => real.driver.push(this.value);
    if (model.running) await counted(real, 2, step);
    else step();
    check(model, real);
  }
  toString = () => `app: list.push(${this.value})`;
}

class PanelEdit implements Cmd {
  constructor(readonly where: 'a' | 'b' | 'list', readonly index: number, readonly value: number) {}
  check = (model: Readonly<Model>) => model.running;
  async run(model: Model, real: Real) {
    let path: Path = [this.where];
    if (this.where === 'list') {
      if (model.data.list.length === 0) path = ['a'];
      else path = ['list', this.index % model.data.list.length];
    }
    const before = structuredClone(model.data);
    if (path[0] === 'list') model.data.list[path[1] as number] = this.value;
    else model.data[path[0] as 'a' | 'b'] = this.value;
    // The edit itself changes the state, even when the reactor then puts the library back.
    const changed = JSON.stringify(before) !== JSON.stringify(model.data);
    react(model);
    const state = stateOf(real);
    // The panel's edit, then (when the reactor answered) the library's word on it.
    await counted(real, changed ? 2 : 0, () =>
      real.t.call(Command.edit, { target: { kind: 'state', ...target(real) }, baseVersion: state.version, path, op: 'set', value: encode(this.value) }),
    );
    check(model, real);
  }
  toString = () => `panel: edit ${this.where}[${this.index}] = ${this.value}`;
}

class PanelRestore implements Cmd {
  constructor(readonly value: Data) {}
  check = (model: Readonly<Model>) => model.running;
  async run(model: Model, real: Real) {
    model.data = structuredClone(this.value);
    react(model);
    const state = stateOf(real);
    await counted(real, 2, () => real.t.call(Command.stateSet, { ...target(real), value: encode(this.value), baseVersion: state.version, label: 'devtools: restore' }));
    check(model, real);
  }
  toString = () => `panel: restore ${JSON.stringify(this.value)}`;
}

class StaleEdit implements Cmd {
  constructor(readonly value: number) {}
  check = (model: Readonly<Model>) => model.running;
  async run(model: Model, real: Real) {
    const state = stateOf(real);
    const seen = state.version === 0 ? 1 : state.version - 1;
    await expect(
      real.t.call(Command.edit, { target: { kind: 'state', ...target(real) }, baseVersion: seen, path: ['a'], op: 'set', value: encode(this.value) }),
    ).rejects.toMatchObject({ code: 'conflict' });
    check(model, real);
  }
  toString = () => `panel: stale edit a = ${this.value}`;
}

class Stop implements Cmd {
  check = (model: Readonly<Model>) => model.running;
  async run(model: Model, real: Real) {
    const state = stateOf(real);
    real.adapter.stop();
    real.running = false;
    model.running = false;
    // A stopped adapter's state hears nothing more of the library.
    const heard = real.heard.length;
    state.subscribe(() => real.heard.push([undefined, undefined]));
    real.driver.set('a', real.driver.read().a);
    expect(real.heard.length).toBe(heard);
    check(model, real);
  }
  toString = () => 'adapter.stop()';
}

class Restart implements Cmd {
  check = (model: Readonly<Model>) => !model.running;
  async run(model: Model, real: Real) {
    start(real, real.driver.adapter(real.name));
    model.running = true;
    check(model, real);
  }
  toString = () => 'a new adapter of the same name';
}

class Reactor implements Cmd {
  check = () => true;
  async run(model: Model, real: Real) {
    if (real.stopReactor) {
      real.stopReactor();
      real.stopReactor = undefined;
    } else {
      const reactor = () => {
        const now = real.driver.read();
        if (now.a === TRIGGER && now.b !== TRIGGER) real.driver.set('b', TRIGGER);
      };
      real.stopReactor = real.driver.listen(reactor);
      // It checks once when it starts: a library that tells no same-value write wakes it no other way.
      reactor();
    }
    model.reactor = !model.reactor;
    react(model);
    check(model, real);
  }
  toString = () => 'app: reactor on/off';
}

const small = fc.integer({ min: 10, max: 14 });
// Plain objects, as a panel's restore of a delta the page sent has: fast-check 4 also makes
// null-prototype records, which the codec keeps apart (a change of prototype is a change).
const data: fc.Arbitrary<Data> = fc.record({ a: small, b: small, list: fc.array(small, { maxLength: 3 }) }, { noNullPrototype: true });

export const adapterCommands = fc.commands(
  [
    fc.tuple(fc.constantFrom('a' as const, 'b' as const), small).map(([field, value]) => new AppSet(field, value)),
    small.map((value) => new AppPush(value)),
    fc.tuple(fc.constantFrom('a' as const, 'b' as const, 'list' as const), fc.nat(5), small).map(([where, index, value]) => new PanelEdit(where, index, value)),
    data.map((value) => new PanelRestore(value)),
    small.map((value) => new StaleEdit(value)),
    fc.constant(new Stop()),
    fc.constant(new Restart()),
    fc.constant(new Reactor()),
  ],
  { maxCommands: 20 },
);

function start(real: Real, adapter: StratumAdapter): void {
  real.adapter = adapter;
  real.running = true;
  const state = stateOf(real);
  real.first = state.value;
  const heard: [unknown, unknown][] = (real.heard = []);
  state.subscribe((value, prev) => heard.push([value, prev]));
}

/** Runs per adapter: about 1.5 s in the unit suite, more under `npm run soak`. */
const RUNS = SOAK ? 3_000 : 200;
/** The test's timeout for RUNS runs. */
export const MODEL_TIMEOUT = 60_000 + RUNS * 40;

/** Runs the model against fresh library stores made by `make`, each starting as `{ a: 10, b: 10, list: [] }`. */
export async function runAdapterModel(make: () => Driver): Promise<void> {
  const t = kit();
  await t.hello();
  let count = 0;
  await fc.assert(
    fc.asyncProperty(adapterCommands, async (cmds) => {
      const driver = make();
      const name = `model-${count++}`;
      const real = { driver, running: false, stopReactor: undefined, name, t } as Real;
      start(real, driver.adapter(name));
      const model: Model = { data: { a: 10, b: 10, list: [] }, running: true, reactor: false };
      try {
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      } finally {
        real.stopReactor?.();
        if (real.running) real.adapter.stop();
      }
    }),
    { numRuns: RUNS },
  );
}
