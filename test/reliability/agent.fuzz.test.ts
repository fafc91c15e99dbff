/**
 * Hostile input to the page-side agent: random values, envelopes of the right shape with random
 * parts, and valid commands mutated (a field replaced, dropped or doubled with `__proto__` /
 * `constructor`, deep nesting, huge strings and arrays), handed to the agent's bridge the way
 * the registry's window listener hands them over. None may throw, change a prototype, or change
 * data unless the agent answered that very write `ok`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../runtime/codec/index.js';
import { memory } from '../../runtime/db/index.js';
import { openDatabase } from '../../runtime/db/database.js';
import type { Database } from '../../runtime/db/types.js';
import { registryId } from '../../runtime/registry/registry.js';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME, type CommandName } from '../../runtime/protocol/messages.js';
import { Store } from '../../runtime/store/store.js';
import { webstorage } from '../../runtime/webstorage/index.js';
import { info, kit } from '../helpers/agent-kit.js';
import { hostileValue, mutate, POLLUTING_KEYS, prototypeFingerprint, prototypesOf } from './support/hostile.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('agent-fuzz');
const RUNS = Number(process.env.STRATUM_FUZZ_RUNS ?? (SOAK ? 3000 : 300));
const TIMEOUT = SOAK ? 900_000 : 120_000;

/** Commands that change data when the agent answers them `ok`. */
const WRITES = new Set<CommandName>([
  'stateSet', 'edit', 'webstorageSet', 'webstorageRemove', 'webstorageClear', 'dbPut', 'dbAdd', 'dbDelete', 'dbClear',
  'dbDeleteDatabase', 'cacheSet', 'cacheDelete', 'cachePrune', 'blobPutEnd', 'blobDelete',
]);

const INITIAL = {
  counter: 1,
  doc: () => ({ title: 'a', nested: { deep: [1, 2, { x: 'y' }] }, when: new Date(0) }),
  list: () => [1, 'two', { three: 3 }],
};

let t: ReturnType<typeof kit>;
let store: Store;
let db: Database;
let ids: { store: number; storage: number; database: number; doc: string; counter: string; list: string };

beforeAll(async () => {
  t = kit();
  store = new Store({ name: 'fuzz', clientId: 'c1' });
  const counter = store.createState(INITIAL.counter, { key: 'counter', scope: 'app' });
  const doc = store.createState(INITIAL.doc(), { key: 'doc', scope: 'app' });
  const list = store.createState(INITIAL.list(), { key: 'list', scope: 'app' });
  const storage = webstorage('memory', { namespace: 'fuzz' });
  db = await openDatabase('fuzz', { version: 1, tables: { rows: { key: 'id' } }, cache: true, blobs: true, provider: memory() });
  await restore();
  ids = {
    store: registryId(store)!,
    storage: registryId(storage)!,
    database: registryId(db)!,
    doc: doc.id,
    counter: counter.id,
    list: list.id,
  };
  await t.hello();
});

afterAll(() => ledger.save());

/** Puts the data back after an acknowledged write, so the next run has the same data to protect. */
async function restore(): Promise<void> {
  const [counter, doc, list] = ['counter', 'doc', 'list'].map((key) => store.getState({ key, scope: 'app' })!);
  counter!.set(INITIAL.counter);
  doc!.set(INITIAL.doc());
  list!.set(INITIAL.list());
  const storage = webstorage('memory', { namespace: 'fuzz' });
  storage.clear();
  storage.set('kept', { a: 1 });
  await db.table('rows').clear();
  await db.table('rows').put({ id: 1, name: 'one' });
  await db.cache.clear();
  await db.cache.set('c', 'cached');
  for (const blob of await db.blobs.list()) await db.blobs.delete(blob.id);
  await settle();
}

/** Everything the agent could change, as one comparable string. */
async function digest(): Promise<string> {
  const states = store.states().map((state) => [state.id, state.version, encode(state.get())]);
  const storage = webstorage('memory', { namespace: 'fuzz' });
  const entries = storage.keys().map((key) => [key, encode(storage.get(key))]);
  const rows = encode(await db.table('rows').query());
  const cache = encode(await db.cache.keys());
  const blobs = (await db.blobs.list()).map((blob) => blob.id);
  return JSON.stringify({ states, entries, rows, cache, blobs, prototypes: prototypesOf(store.states().map((state) => state.get())) });
}

/** Lets async handlers finish and the page's frame flush their answers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    t.frame();
  }
}

/** Valid commands of every kind, addressed to the fixture's real instances. */
function validCommands(): { command: CommandName; payload: Record<string, unknown> }[] {
  const doc = store.states().find((state) => state.id === ids.doc)!;
  const counter = store.states().find((state) => state.id === ids.counter)!;
  return [
    { command: 'stateSet', payload: { store: ids.store, state: ids.counter, value: 5, baseVersion: counter.version } },
    { command: 'edit', payload: { target: { kind: 'state', store: ids.store, state: ids.doc }, baseVersion: doc.version, path: ['title'], op: 'set', value: 'b' } },
    { command: 'edit', payload: { target: { kind: 'state', store: ids.store, state: ids.doc }, baseVersion: doc.version, path: ['title'], op: 'rename', to: 'name' } },
    { command: 'webstorageSet', payload: { storage: ids.storage, key: 'k', value: 1, baseVersion: null } },
    { command: 'dbPut', payload: { database: ids.database, table: 'rows', value: { id: 2, name: 'two' }, baseVersion: null } },
    { command: 'dbQuery', payload: { database: ids.database, table: 'rows', limit: 10 } },
    { command: 'cacheSet', payload: { database: ids.database, key: 'k', value: 'v' } },
    { command: 'expand', payload: { target: { kind: 'state', store: ids.store, state: ids.doc }, path: ['nested'] } },
    { command: 'storeAsGlobal', payload: { target: { kind: 'state', store: ids.store, state: ids.list }, path: [2] } },
    { command: 'blobPutStart', payload: { database: ids.database, size: 3, type: 'text/plain' } },
    { command: 'snapshot', payload: {} },
    { command: 'pageFacts', payload: {} },
  ];
}

const envelope = (batch: unknown[], session: string = info.id) => ({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session, seq: 1, batch });

/**
 * Feeds one input to the agent and checks the invariants: no throw, no prototype changed, and
 * data unchanged unless a write was answered ok.
 */
async function feed(data: unknown, inspect?: (acknowledged: boolean) => string[]): Promise<{ changed: boolean; acknowledged: boolean; problems: string[] }> {
  const problems: string[] = [];
  const fingerprint = prototypeFingerprint();
  const before = await digest();
  const seen = t.envelopes.length;
  try {
    t.agent.bridge.receive(data);
  } catch (error) {
    problems.push(`receive threw ${String(error)}`);
  }
  await settle();
  const responses = t.envelopes.slice(seen).flatMap((sent) => sent.batch).filter((message) => message.event === Event.response);
  const acknowledged = responses.some((message) => message.event === Event.response && message.payload.ok && WRITES.has(message.payload.command));
  const after = await digest();
  const changed = after !== before;
  if (changed && !acknowledged) problems.push(`data changed without an acknowledged write: ${before} → ${after}`);
  if (prototypeFingerprint() !== fingerprint) problems.push('a built-in prototype changed');
  if (inspect) problems.push(...inspect(acknowledged));
  if (changed) await restore();
  if ((({}) as { polluted?: unknown }).polluted !== undefined) problems.push('Object.prototype gained "polluted"');
  return { changed, acknowledged, problems };
}

describe('the agent under hostile input', () => {
  it('survives random values and random envelopes', async () => {
    const row = ledger.open('Hostile input', "Random values and random envelopes (wrong types, `__proto__`/`constructor` keys, deep nesting, huge strings and arrays) fed to the agent's message handler (fast-check)");
    const problems: string[] = [];
    let runs = 0;
    const randomEnvelope = fc.record({
      source: fc.oneof(fc.constant(SOURCE_CONTENT), fc.constant(SOURCE_RUNTIME), hostileValue),
      v: fc.oneof(fc.constant(PROTOCOL_VERSION), hostileValue),
      session: fc.oneof(fc.constant(info.id), fc.constant(ANY_SESSION), hostileValue),
      seq: fc.oneof(fc.nat(), hostileValue),
      batch: fc.oneof(fc.array(fc.record({ command: fc.oneof(fc.constantFrom(...Object.values(Command), ...POLLUTING_KEYS), hostileValue), id: fc.oneof(fc.string(), hostileValue), payload: hostileValue })), hostileValue),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, randomEnvelope), async (data) => {
        runs++;
        const result = await feed(data);
        problems.push(...result.problems);
        return result.problems.length === 0;
      }),
      { numRuns: RUNS },
    );
    expect(row.done({ times: runs, lost: problems, figures: `${t.agent.bridge.dropped} of them dropped by the validator` })).toEqual([]);
  }, TIMEOUT);

  it('answers mutated valid commands with a clear error or applies exactly what it acknowledged', async () => {
    const row = ledger.open('Hostile input', "Valid commands of every kind, mutated (a field replaced, dropped, `__proto__`/`constructor` added, deep nesting, huge strings), fed to the agent (fast-check)");
    const problems: string[] = [];
    let runs = 0;
    let refused = 0;
    let applied = 0;
    const commands = validCommands();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: commands.length - 1 }), fc.array(mutate, { minLength: 1, maxLength: 3 }), fc.string(), async (which, mutations, id) => {
        runs++;
        const { command, payload } = validCommands()[which]!;
        let message: unknown = structuredClone({ command, id: `fuzz:${id}`, payload });
        for (const mutation of mutations) message = mutation(message);
        const seen = t.envelopes.length;
        const result = await feed(envelope([message]));
        const answers = t.envelopes.slice(seen).flatMap((sent) => sent.batch).filter((event) => event.event === Event.response);
        for (const answer of answers) {
          if (answer.event !== Event.response) continue;
          if (answer.payload.ok) applied++;
          else {
            refused++;
            if (!/\w+ \w+/.test(answer.payload.error.message)) problems.push(`a refusal without words: ${JSON.stringify(answer.payload.error)}`);
          }
        }
        problems.push(...result.problems);
        return result.problems.length === 0;
      }),
      { numRuns: RUNS },
    );
    expect(commands.length).toBeGreaterThan(10);
    expect(row.done({ times: runs, lost: problems, figures: `${refused} refused with a reason, ${applied} answered ok, the rest dropped by the validator` })).toEqual([]);
  }, TIMEOUT);

  it('keeps a `__proto__` key an own key in an edit, never a new prototype', async () => {
    const row = ledger.open('Hostile input', 'Edits whose path or new key is `__proto__`, `constructor` or `prototype` (set, insert, rename) on an object state');
    const problems: string[] = [];
    let times = 0;
    for (const key of POLLUTING_KEYS) {
      for (const op of ['set', 'insert', 'rename'] as const) {
        times++;
        const doc = store.states().find((state) => state.id === ids.doc)!;
        const payload =
          op === 'rename'
            ? { target: { kind: 'state', store: ids.store, state: ids.doc }, baseVersion: doc.version, path: [Object.keys(doc.get() as object)[0]!], op, to: key }
            : { target: { kind: 'state', store: ids.store, state: ids.doc }, baseVersion: doc.version, path: [key], op, value: { polluted: true } };
        const result = await feed(envelope([{ command: Command.edit, id: `proto:${times}`, payload }]), (acknowledged) => {
          const value = doc.get() as Record<string, unknown>;
          const wrong: string[] = [];
          if (!acknowledged) wrong.push(`${op} ${key}: refused`);
          if (Object.getPrototypeOf(value) !== Object.prototype) wrong.push(`${op} ${key}: the state's value got another prototype`);
          if (!Object.hasOwn(value, key)) wrong.push(`${op} ${key}: no own key "${key}"`);
          return wrong;
        });
        problems.push(...result.problems);
      }
    }
    expect(row.done({ times, lost: problems })).toEqual([]);
  });
});
