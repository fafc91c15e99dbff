import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../test/helpers/agent-kit.js';
import { encode, type Encoded } from '../../codec/index.js';
import { openDatabase } from '../../db/database.js';
import { memory } from '../../db/providers/memory.js';
import { Command, Event } from '../../protocol/messages.js';
import { config, configureDevtools, registryId } from '../../registry/registry.js';
import { Store } from '../../store/store.js';
import { applyRedaction, REDACTED } from './redact.js';

const DEPTH = 20_000;

/** `{ next: { next: … { pin, name } } }`, DEPTH levels of `next`. */
function deep(): unknown {
  let value: unknown = { pin: '1234', name: 'ann' };
  for (let i = 0; i < DEPTH; i++) value = { next: value };
  return value;
}

function bottom(encoded: Encoded): Encoded {
  let node = encoded;
  for (let i = 0; i < DEPTH; i++) node = (node as { next: Encoded }).next;
  return node;
}

describe('applyRedaction', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it(`hides a part ${DEPTH} levels down, with its whole path, without overflowing the stack`, () => {
    const value = deep();
    const asked: number[] = [];
    const { value: cut, redacted } = applyRedaction(encode(value), value, (path) => (asked.push(path.length), path.at(-1) === 'pin'), ['state', 'app', 'doc']);
    expect(bottom(cut)).toEqual({ pin: REDACTED, name: 'ann' });
    expect(redacted).toEqual([[...Array<string>(DEPTH).fill('next'), 'pin']]);
    // Every node offered once, in document order, each with its own full path.
    expect(asked).toHaveLength(DEPTH + 3);
    expect(asked.slice(0, 3)).toEqual([3, 4, 5]);
    expect(asked.slice(-2)).toEqual([DEPTH + 4, DEPTH + 4]);
  });

  it('offers Map entries, then their key and value, and hides a ref to a hidden part, in document order', () => {
    const shared = { secret: 1 };
    const value = { m: new Map([['k', shared]]), again: shared };
    const asked: string[] = [];
    const { value: cut, redacted } = applyRedaction(encode(value), value, (path) => (asked.push(JSON.stringify(path)), path.at(-1) === 1 && path.at(-3) === 'm'), []);
    expect(asked).toEqual(['[]', '["m"]', '["m",0]', '["m",0,0]', '["m",0,1]']);
    expect(redacted).toEqual([['m', 0, 1], ['again']]);
    expect(cut).toEqual({ m: { $t: 'map', v: [['k', REDACTED]] }, again: REDACTED });
  });

  it(`a state ${DEPTH} levels deep with a redacted part is shown to the panel (expand), the part hidden`, async () => {
    configureDevtools({ redact: (path) => path.at(-1) === 'pin' });
    const store = new Store({ name: 'deep-redact' });
    const state = store.createState<unknown>({ pin: '0000', next: deep() }, { key: 'doc', scope: 'app' });
    const t = kit();
    await t.hello();
    const target = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    const shown = await t.call(Command.expand, { target, path: [] });
    expect(shown.value).toMatchObject({ pin: REDACTED, next: { next: {} } });
    expect(shown.redacted).toEqual([['pin']]);
  });
});

describe('a database described while redact is set', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('says so (the content script keeps the page storage inspector off it), and says nothing new without redact', async () => {
    await openDatabase('redact-flag', { version: 1, tables: { users: { key: 'email' } }, provider: memory() });
    // No redact function at all, as in a page that never called configureDevtools({ redact }).
    config.redact = undefined;
    const t = kit();
    await t.hello();
    const plain = t.events(Event.snapshot).at(-1)!.databases.find((db) => db.name === 'redact-flag');
    expect(plain).toBeDefined();
    expect(plain).not.toHaveProperty('redact');
    configureDevtools({ redact: (path) => path.at(-1) === 'email' });
    const snapshot = await t.call(Command.snapshot, {});
    expect(snapshot.databases.find((db) => db.name === 'redact-flag')?.redact).toBe(true);
  });
});
