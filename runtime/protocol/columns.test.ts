/** The panel refuses malformed columns as it refuses any malformed snapshot: in words, whole. */
import { describe, expect, it } from 'vitest';
import { columnsClient, readsColumns, type StateColumns } from './columns.js';
import { Event, PROTOCOL_VERSION, SOURCE_RUNTIME } from './messages.js';
import { validateRuntimeEnvelope } from './validate.js';

const cut = { $t: 'truncated', type: 'object', size: 2, path: [] };
const good = (): StateColumns => ({
  ids: ['a', 'b', 'c'],
  keys: ['a', 'b', 'c'],
  versions: [0, 3, 1],
  values: [cut, 7, cut],
  redactedAt: [2],
  redacted: [[['password']]],
  persistedAt: [0],
  persistence: ['local'],
});

function check(columns: unknown) {
  const payload = { at: 1, stores: [{ id: 1, name: 'app', scopes: [{ name: 'app', states: [], columns }] }], webstorages: [], databases: [], reports: [], trace: false };
  return validateRuntimeEnvelope({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session: 'rt-1', seq: 1, batch: [{ event: Event.snapshot, payload }] });
}

describe('state columns', () => {
  it('pass whole, shared preview nodes included', () => {
    const result = check(good());
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.batch[0]!.event !== Event.snapshot) return;
    expect(result.value.batch[0]!.payload.stores[0]!.scopes[0]!.columns).toEqual(good());
  });

  it.each([
    ['a column shorter than ids', { keys: ['a', 'b'] }, /different lengths/],
    ['a key that is not a string', { keys: ['a', 2, 'c'] }, /keys\[1\]/],
    ['a hole', { ids: ['a', , 'c'] }, /ids\[1\]/],
    ['a negative version', { versions: [0, -1, 1] }, /versions\[1\]/],
    ['a value JSON cannot be', { values: [cut, Number.NaN, cut] }, /finite number/],
    ['indexes out of order', { redactedAt: [2, 1], redacted: [[], []] }, /ascending index/],
    ['an index past the end', { persistedAt: [3] }, /ascending index/],
    ['redactions without their index', { redacted: [[['password']], [['x']]] }, /different lengths/],
    ['an unknown field', { extra: [] }, /unexpected field "extra"/],
  ])('refuse %s', (_, change, reason) => {
    const result = check({ ...good(), ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('are asked for by the client id, which stays a panel id', () => {
    const client = columnsClient();
    expect(client.startsWith('panel-')).toBe(true);
    expect(readsColumns(client)).toBe(true);
    expect(readsColumns('panel-abc')).toBe(false);
  });
});
