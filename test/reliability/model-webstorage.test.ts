/**
 * Model-based test (fast-check commands) of webstorage against a small reference model: sets,
 * removes and clears by this page, writes by another tab and by another library straight into
 * the storage, the storage breaking and coming back (recheck). After every command the page
 * reads what the model says, and no other library's key ever differs from what it wrote.
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { serialize } from '../../runtime/codec/index.js';
import { webstorage, type WebStorage } from '../../runtime/webstorage/index.js';
import { FakeStorage, installWindow, type FakeWindow } from '../helpers/webstorage-fakes.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-webstorage');
afterAll(() => ledger.save());
const RUNS = SOAK ? 50_000 : 1_000;
const KEYS = ['k1', 'k2', 'k3'] as const;
const NAMESPACES = ['a', 'b'] as const;
type Ns = (typeof NAMESPACES)[number];

interface Outage {
  /** What each namespace reads from memory: carried values and this page's own changes. */
  view: Map<string, number>;
  /** Per key this page changed in memory: what the storage held before that change. */
  before: Map<string, number | undefined>;
}

interface Model {
  /** The storage as the model has it: Stratum keys hold numbers, other libraries' keys text. */
  disk: Map<string, number | string>;
  /** Writes throw (set/remove), reads still work. */
  broken: boolean;
  outage: Outage | undefined;
}

interface Real {
  fake: FakeWindow;
  local: FakeStorage;
  stores: Record<Ns, WebStorage>;
}

const rawSet = (storage: FakeStorage, key: string, text: string) => FakeStorage.prototype.setItem.call(storage, key, text);
const rawRemove = (storage: FakeStorage, key: string) => FakeStorage.prototype.removeItem.call(storage, key);

/** Switches to memory as the page does on its first failing write: what the storage reads is carried. */
function enterOutage(model: Model): Outage {
  if (!model.outage) {
    const view = new Map<string, number>();
    for (const [full, value] of model.disk) if (typeof value === 'number') view.set(full, value);
    model.outage = { view, before: new Map() };
  }
  return model.outage;
}

function pageChange(model: Model, full: string, value: number | undefined): void {
  if (model.broken || model.outage) {
    const outage = enterOutage(model);
    if (!outage.before.has(full)) outage.before.set(full, outage.view.get(full));
    if (value === undefined) outage.view.delete(full);
    else outage.view.set(full, value);
    return;
  }
  if (value === undefined) model.disk.delete(full);
  else model.disk.set(full, value);
}

function check(model: Model, real: Real): void {
  for (const ns of NAMESPACES) {
    for (const key of KEYS) {
      const full = `${ns}:${key}`;
      const expected = model.outage ? model.outage.view.get(full) : (model.disk.get(full) as number | undefined);
      expect(real.stores[ns].get(key), `${full} reads`).toBe(expected);
    }
  }
  for (const [full, value] of model.disk) {
    if (typeof value === 'string') expect(real.local.getItem(full), `other library's ${full}`).toBe(value);
  }
}

class Set_ implements fc.Command<Model, Real> {
  constructor(readonly ns: Ns, readonly key: string, readonly value: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.stores[this.ns].set(this.key, this.value);
    pageChange(model, `${this.ns}:${this.key}`, this.value);
    check(model, real);
  }
  toString = () => `${this.ns}.set(${this.key}, ${this.value})`;
}

class Remove implements fc.Command<Model, Real> {
  constructor(readonly ns: Ns, readonly key: string) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const full = `${this.ns}:${this.key}`;
    const exists = model.outage ? model.outage.view.has(full) : model.disk.has(full);
    real.stores[this.ns].remove(this.key);
    // remove() of a missing key writes nothing, so it cannot discover a broken storage either.
    if (exists) pageChange(model, full, undefined);
    check(model, real);
  }
  toString = () => `${this.ns}.remove(${this.key})`;
}

class Clear implements fc.Command<Model, Real> {
  constructor(readonly ns: Ns) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const present = [...(model.outage ? model.outage.view.keys() : model.disk.keys())].filter((full) => full.startsWith(`${this.ns}:`));
    real.stores[this.ns].clear();
    for (const full of present) pageChange(model, full, undefined);
    check(model, real);
  }
  toString = () => `${this.ns}.clear()`;
}

/** Another tab (or another library, for `otherlib:`) writes straight into the storage. */
class Elsewhere implements fc.Command<Model, Real> {
  constructor(readonly full: string, readonly value: number | undefined) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const other = this.full.startsWith('otherlib:');
    if (this.value === undefined) {
      rawRemove(real.local, this.full);
      model.disk.delete(this.full);
    } else {
      const text = other ? `token-${this.value}` : serialize(this.value);
      rawSet(real.local, this.full, text);
      model.disk.set(this.full, other ? text : this.value);
    }
    check(model, real);
  }
  toString = () => `elsewhere(${this.full} = ${this.value})`;
}

class Break implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => !model.broken;
  run(model: Model, real: Real): void {
    const error = new DOMException('The operation is insecure.', 'SecurityError');
    for (const method of ['setItem', 'removeItem'] as const) {
      Object.defineProperty(real.local, method, {
        configurable: true,
        value: () => {
          throw error;
        },
      });
    }
    model.broken = true;
    check(model, real);
  }
  toString = () => 'break writes';
}

class Mend implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => model.broken;
  run(model: Model, real: Real): void {
    delete (real.local as { setItem?: unknown }).setItem;
    delete (real.local as { removeItem?: unknown }).removeItem;
    model.broken = false;
    check(model, real);
  }
  toString = () => 'mend writes';
}

class Recheck implements fc.Command<Model, Real> {
  constructor(readonly ns: Ns) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const back = real.stores[this.ns].recheck();
    if (model.broken) {
      // The probe fails: every instance reads memory, with what the storage still reads carried.
      enterOutage(model);
      expect(back).toBe(false);
    } else {
      if (model.outage) {
        for (const [full, before] of model.outage.before) {
          if (model.disk.get(full) !== before) continue; // another tab changed it meanwhile: it wins
          const mine = model.outage.view.get(full);
          if (mine === undefined) model.disk.delete(full);
          else model.disk.set(full, mine);
        }
        model.outage = undefined;
      }
      expect(back).toBe(true);
    }
    check(model, real);
  }
  toString = () => `${this.ns}.recheck()`;
}

const ns = fc.constantFrom(...NAMESPACES);
const key = fc.constantFrom(...KEYS);
const value = fc.integer({ min: 0, max: 3 });
const commands = fc.commands(
  [
    fc.tuple(ns, key, value).map(([n, k, v]) => new Set_(n, k, v)),
    fc.tuple(ns, key).map(([n, k]) => new Remove(n, k)),
    ns.map((n) => new Clear(n)),
    fc.tuple(fc.constantFrom('a:k1', 'a:k2', 'b:k1', 'otherlib:token', 'otherlib:x'), fc.option(value, { nil: undefined })).map(([f, v]) => new Elsewhere(f, v)),
    fc.constant(new Break()),
    fc.constant(new Mend()),
    ns.map((n) => new Recheck(n)),
  ],
  { maxCommands: SOAK ? 40 : 14 },
);

let current: FakeWindow | undefined;
afterEach(() => current?.uninstall());

describe('webstorage against its model', () => {
  it('reads what the model says after every command, and never touches another library’s keys', () => {
    const row = ledger.open(
      'Data integrity',
      'webstorage model (fast-check commands): sets, removes, clears, another tab and another library writing, the storage breaking and coming back (recheck), against a reference model',
    );
    let runs = 0;
    let steps = 0;
    fc.assert(
      fc.property(commands, (cmds) => {
        runs++;
        current?.uninstall();
        const local = new FakeStorage();
        local.setItem('otherlib:token', 'token-start');
        current = installWindow({ local });
        const real: Real = { fake: current, local, stores: { a: webstorage('local', { namespace: 'a' }), b: webstorage('local', { namespace: 'b' }) } };
        const model: Model = { disk: new Map([['otherlib:token', 'token-start']]), broken: false, outage: undefined };
        steps += [...cmds].length;
        fc.modelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: RUNS },
    );
    row.done({ times: runs, lost: [], figures: `${steps.toLocaleString('en-US')} commands` });
  }, SOAK ? 3_600_000 : 60_000);
});
