/**
 * Model-based test (fast-check commands) of persisted states (`persist: 'local'`) in two tabs
 * sharing one localStorage: sets in either tab (with a subscriber that throws, and one that sets
 * the state again while notified), reloads of either tab, and the storage events another tab
 * sees. After every command each tab shows what the model says and the stored copy is the last
 * value set: a throwing subscriber never keeps a value from storage, a reload brings it back.
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { deserialize } from '../../runtime/codec/index.js';
import type { State } from '../../runtime/store/state.js';
// The entry, as an app imports it: it wires the store to its persistence adapters.
import { Store } from '../../runtime/store/index.js';
import { FakeStorage, installWindow, type FakeWindow } from '../helpers/webstorage-fakes.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-state');
afterAll(() => ledger.save());
const RUNS = SOAK ? 20_000 : 1_000;
const FULL = `stratum-state:${JSON.stringify(['app', 'theme'])}`;
/** A listener that sets the state again while notified: ECHO becomes ECHO + 1. */
const ECHO = 3;

interface Tab {
  state: State<number>;
  throwing: boolean;
}

interface Model {
  values: [number, number];
  stored: number | undefined;
  throwing: [boolean, boolean];
}

interface Real {
  fake: FakeWindow;
  local: FakeStorage;
  tabs: [Tab, Tab];
}

async function openTab(): Promise<Tab> {
  const tab: Tab = { state: new Store().createState(0, { key: 'theme', scope: 'app', persist: 'local' }), throwing: false };
  tab.state.subscribe(() => {
    if (tab.throwing) throw new Error('a view crashed');
  });
  tab.state.subscribe((value) => {
    if (value === ECHO) tab.state.set(ECHO + 1);
  });
  await tab.state.ready;
  return tab;
}

function check(model: Model, real: Real): void {
  expect(real.tabs.map((tab) => tab.state.get())).toEqual(model.values);
  const text = real.local.getItem(FULL);
  expect(text === null ? undefined : deserialize(text)).toBe(model.stored);
}

class SetIn implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tab: 0 | 1, readonly value: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const before = real.local.getItem(FULL);
    let threw = false;
    try {
      real.tabs[this.tab].state.set(this.value);
    } catch (error) {
      threw = true;
      expect((error as Error).message).toBe('a view crashed');
    }
    const changed = model.values[this.tab] !== this.value;
    expect(threw).toBe(changed && model.throwing[this.tab]);
    if (changed) {
      const final = this.value === ECHO ? ECHO + 1 : this.value;
      model.values[this.tab] = final;
      model.stored = final;
      // The other tab hears of it through a storage event, as browsers send one.
      const other = 1 - this.tab;
      // A subscriber there that throws is reported on the console; the value still applies.
      real.fake.storageEvent(real.local, FULL, before, real.local.getItem(FULL));
      model.values[other] = final;
    }
    check(model, real);
  }
  toString = () => `tab${this.tab}.set(${this.value})`;
}

class Throwing implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tab: 0 | 1) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.tabs[this.tab].throwing = !real.tabs[this.tab].throwing;
    model.throwing[this.tab] = !model.throwing[this.tab];
    check(model, real);
  }
  toString = () => `tab${this.tab} subscriber ${'throws/stops throwing'}`;
}

class Reload implements fc.AsyncCommand<Model, Real> {
  constructor(readonly tab: 0 | 1) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    real.tabs[this.tab] = await openTab();
    model.values[this.tab] = model.stored ?? 0;
    model.throwing[this.tab] = false;
    check(model, real);
  }
  toString = () => `reload tab${this.tab}`;
}

const tab = fc.constantFrom(0 as const, 1 as const);
const commands = fc.commands(
  [
    fc.tuple(tab, fc.integer({ min: 0, max: 5 })).map(([t, v]) => new SetIn(t, v)),
    tab.map((t) => new Throwing(t)),
    tab.map((t) => new Reload(t)),
  ],
  { maxCommands: SOAK ? 40 : 12 },
);

let current: FakeWindow | undefined;
afterEach(() => current?.uninstall());

describe('persisted states against their model', () => {
  it('two tabs, throwing subscribers and reloads: each tab and the stored copy hold what the model says', async () => {
    const row = ledger.open(
      'Data integrity',
      'Persisted states model (fast-check commands): sets in two tabs sharing localStorage, subscribers that throw or set again while notified, reloads, against a reference model',
    );
    let runs = 0;
    let steps = 0;
    // What a subscriber throws on another tab's change is reported on the console: counted, not printed.
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        runs++;
        steps += [...cmds].length;
        current?.uninstall();
        const local = new FakeStorage();
        current = installWindow({ local });
        const real: Real = { fake: current, local, tabs: [await openTab(), await openTab()] };
        const model: Model = { values: [0, 0], stored: undefined, throwing: [false, false] };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: RUNS },
    );
    const thrown = reported.mock.calls.length;
    reported.mockRestore();
    row.done({ times: runs, lost: [], figures: `${steps.toLocaleString('en-US')} commands; ${thrown} throws on another tab's change reported` });
  }, SOAK ? 3_600_000 : 60_000);
});
