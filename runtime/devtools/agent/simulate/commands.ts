/**
 * The `simulate`, `storageBudget` and `storagePersist` commands (issue 22), loaded on the first
 * one (or when the page's sessionStorage holds pinned faults). Each fault turned on or off is a
 * `report` in the timeline; pinned ones are kept in the page's sessionStorage under PIN_KEY and
 * come back when the agent starts after a reload (the tab's session, not the extension's).
 */
import type { Database } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import type { ActiveSimulation, ReportInfo, SimulateRequest, SimulateResult, SimulationSpec } from '../../../protocol/messages.js';
import { all, target } from '../targets.js';
import type { Context, Handlers } from '../context.js';
import { databaseBytes, storageBudget } from './budget.js';
import { activeFaults, describe, removeFault, ruleId, setFault, setUsage, whenEnded, type Fault, type Rule } from './faults.js';
import { persisted } from '../commands/page.js';

/** Not a namespaced key (no `:` after a namespace of the app's), so no webstorage lists it as its own. */
export const PIN_KEY = 'stratum-devtools/simulate';

let report: ((info: ReportInfo) => void) | undefined;

function tell(fault: Fault, type: string, message: string): void {
  const { rule } = fault;
  const database = 'database' in rule ? all('database').find(({ object }) => object.name === rule.database) : undefined;
  const storage = rule.fault === 'quota' ? all('webstorage').find(({ object }) => object.kind === rule.kind && object.namespace === rule.namespace) : undefined;
  const info: ReportInfo = database
    ? { kind: 'database', id: database.id, type, message, at: Date.now() }
    : { kind: storage || rule.fault === 'blocked' ? 'webstorage' : 'database', id: storage?.id ?? 0, type, message, at: Date.now() };
  report?.(info);
}

whenEnded((fault, why) => tell(fault, 'simulate-off', `Simulation ended (${why}): ${describe(fault.rule)}`));

/** The wire's spec (registry ids) as a rule (names), or an `invalid` / `not-found` error in words. */
function toRule(spec: SimulationSpec): Rule {
  switch (spec.fault) {
    case 'blocked':
    case 'openFails':
      return spec;
    case 'clock':
      if (!Number.isFinite(spec.offset) || Math.abs(spec.offset) > 10 * 365 * 86_400_000) throw new CommandError('invalid', 'clock offset is a number of ms within ±10 years');
      return spec;
    case 'quota': {
      if (!(spec.bytes >= 0)) throw new CommandError('invalid', 'a quota is a number of bytes ≥ 0');
      if ('storage' in spec) {
        const storage = target('webstorage', spec.storage);
        if (storage.kind === 'memory' || !storage.available) {
          throw new CommandError('invalid', `webstorage "${storage.namespace}" is in memory: a quota applies to localStorage or sessionStorage`);
        }
        return { fault: 'quota', kind: storage.kind, namespace: storage.namespace, bytes: spec.bytes };
      }
      return { fault: 'dbQuota', database: target('database', spec.database).name, bytes: spec.bytes };
    }
    case 'abortNext':
    case 'versionchange':
      return { fault: spec.fault, database: target('database', spec.database).name };
  }
}

/** The rule as the wire names it again (today's registry ids; 0 while its target is not registered). */
function toSpec(rule: Rule): SimulationSpec {
  const databaseId = (name: string) => all('database').find(({ object }) => object.name === name)?.id ?? 0;
  switch (rule.fault) {
    case 'quota': {
      const storage = all('webstorage').find(({ object }) => object.kind === rule.kind && object.namespace === rule.namespace);
      return { fault: 'quota', storage: storage?.id ?? 0, bytes: rule.bytes };
    }
    case 'dbQuota':
      return { fault: 'quota', database: databaseId(rule.database), bytes: rule.bytes };
    case 'abortNext':
    case 'versionchange':
      return { fault: rule.fault, database: databaseId(rule.database) };
    default:
      return rule;
  }
}

function listing(): SimulateResult {
  const active: ActiveSimulation[] = activeFaults().map((fault) => ({
    id: fault.id,
    spec: toSpec(fault.rule),
    pinned: fault.pinned,
    description: describe(fault.rule),
    at: fault.at,
  }));
  return { active };
}

function savePins(): void {
  const pinned = activeFaults().filter((fault) => fault.pinned && fault.rule.fault !== 'versionchange' && fault.rule.fault !== 'abortNext');
  // A server or worker has no tab session: nothing can be pinned there, and nothing was.
  if (pinned.length === 0 && typeof sessionStorage === 'undefined') return;
  try {
    if (pinned.length === 0) sessionStorage.removeItem(PIN_KEY);
    else sessionStorage.setItem(PIN_KEY, JSON.stringify(pinned.map((fault) => fault.rule)));
  } catch (error) {
    throw new CommandError('unavailable', `the simulation could not be pinned: sessionStorage refused it (${String(error)})`);
  }
}

/** Another tab opens the database one version higher; the upgrade is aborted, so the stored version stays. */
function sendVersionchange(db: Database): Promise<void> {
  if (db.provider !== 'indexeddb') {
    return Promise.reject(new CommandError('invalid', `"${db.name}" is a ${db.provider} database: a versionchange from another tab is simulated for IndexedDB only`));
  }
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(db.name, db.version + 1);
    request.onupgradeneeded = () => request.transaction?.abort();
    // The abort makes the open fail (AbortError): expected, the version stays as it was.
    request.onerror = (event) => {
      event.preventDefault();
      resolve();
    };
    request.onsuccess = () => {
      request.result.close();
      reject(new CommandError('failed', `the upgrade of "${db.name}" was not aborted; it is now at version ${db.version + 1}`));
    };
    request.onblocked = () => undefined;
  });
}

async function turnOn(rule: Rule, pinned: boolean): Promise<Fault> {
  if (rule.fault === 'dbQuota') {
    const db = all('database').find(({ object }) => object.name === rule.database)?.object;
    setUsage(rule.database, db ? await databaseBytes(db) : 0);
  }
  if (rule.fault === 'versionchange') {
    const db = all('database').find(({ object }) => object.name === rule.database)?.object;
    if (db) await sendVersionchange(db);
  }
  const fault = setFault(rule, pinned);
  tell(fault, 'simulate', `Simulating${pinned ? ' (pinned)' : ''}: ${describe(rule)}`);
  return fault;
}

function turnOff(fault: Fault): void {
  removeFault(fault.id);
  tell(fault, 'simulate-off', `Simulation off: ${describe(fault.rule)}`);
  // Storage is back: every webstorage of the kind probes again, and what was written meanwhile moves in.
  if (fault.rule.fault === 'blocked') {
    const kind = fault.rule.kind;
    for (const { object } of all('webstorage')) if (object.kind === kind) object.recheck();
  }
}

export async function simulate(request: SimulateRequest): Promise<SimulateResult> {
  if (request.off !== undefined) {
    const off = request.off === 'all' ? activeFaults() : activeFaults().filter((fault) => fault.id === request.off);
    if (off.length === 0 && request.off !== 'all') throw new CommandError('not-found', `no simulation "${request.off}" is on`);
    for (const fault of off) turnOff(fault);
  }
  if (request.on) await turnOn(toRule(request.on), request.pinned === true);
  if (request.on || request.off !== undefined) savePins();
  return listing();
}

/** After a reload: the pinned faults of this tab come back (told to the timeline like any other). */
export async function restorePinned(): Promise<void> {
  let text: string | null;
  try {
    text = sessionStorage.getItem(PIN_KEY);
  } catch (error) {
    console.warn('stratum devtools: pinned simulations could not be read from sessionStorage', error);
    return;
  }
  if (!text) return;
  for (const rule of JSON.parse(text) as Rule[]) {
    if (activeFaults().some((fault) => fault.id === ruleId(rule))) continue;
    await turnOn(rule, true);
  }
}

export const simulateCommands: Handlers<'simulate' | 'storageBudget' | 'storagePersist'> = {
  simulate: (payload) => simulate(payload),
  storageBudget: ({ top }) => storageBudget(top),
  async storagePersist() {
    if (typeof navigator === 'undefined' || typeof navigator.storage?.persist !== 'function') {
      throw new CommandError('unavailable', 'navigator.storage.persist() is missing here (not a secure context?)');
    }
    const granted = await navigator.storage.persist();
    return { granted, persisted: (await persisted()) ?? granted };
  },
};

/** The agent hands over how a report reaches every panel (the timeline's entry). */
export function useReports(context: Pick<Context, 'report'>): void {
  report = context.report;
}
