import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY_SESSION, Command, Event, LIMITS, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from './messages.js';
import { validateContentEnvelope, validateRuntimeEnvelope } from './validate.js';

const content = (batch: unknown[], extra: Record<string, unknown> = {}) => ({
  source: SOURCE_CONTENT,
  v: PROTOCOL_VERSION,
  session: 'rt-1',
  seq: 1,
  batch,
  ...extra,
});
const runtime = (batch: unknown[], extra: Record<string, unknown> = {}) => ({
  source: SOURCE_RUNTIME,
  v: PROTOCOL_VERSION,
  session: 'rt-1',
  seq: 1,
  batch,
  ...extra,
});
const hello = { command: Command.hello, id: 'p:1', payload: { protocol: PROTOCOL_VERSION, client: 'p' } };
const set = (value: unknown) => ({
  command: Command.stateSet,
  id: 'p:2',
  payload: { store: 1, state: 's', value, baseVersion: 0 },
});
const info = { id: 'rt-1', name: 'app', frame: { url: 'http://x/', top: true, title: '' }, protocol: 1, version: '0.1.0' };

function reason(result: { ok: boolean; reason?: string }): string {
  expect(result.ok).toBe(false);
  return result.reason ?? '';
}

describe('validateContentEnvelope', () => {
  it('accepts a hello to every runtime and a command to one', () => {
    expect(validateContentEnvelope(content([hello], { session: ANY_SESSION })).ok).toBe(true);
    expect(validateContentEnvelope(content([set({ a: [1, 'x', null] })])).ok).toBe(true);
  });

  it('refuses a wrong source tag, a runtime envelope, or a missing field', () => {
    expect(reason(validateContentEnvelope(content([hello], { source: 'evil' })))).toMatch(/source/);
    expect(validateContentEnvelope(runtime([])).ok).toBe(false);
    const { seq: _seq, ...noSeq } = content([hello]);
    expect(reason(validateContentEnvelope(noSeq))).toMatch(/seq/);
  });

  it('refuses unknown commands, unknown fields and wrong types', () => {
    expect(reason(validateContentEnvelope(content([{ ...hello, command: 'eval' }])))).toMatch(/command/);
    expect(reason(validateContentEnvelope(content([{ ...set(1), extra: 1 }])))).toMatch(/unexpected field "extra"/);
    const wrong = { ...set(1), payload: { store: '1', state: 's', value: 1, baseVersion: 0 } };
    expect(reason(validateContentEnvelope(content([wrong])))).toMatch(/store: expected an integer/);
    const negative = { ...set(1), payload: { store: 1, state: 's', value: 1, baseVersion: -1 } };
    expect(validateContentEnvelope(content([negative])).ok).toBe(false);
  });

  it('refuses prototype keys in structural positions but carries them as data', () => {
    const proto = JSON.parse('{"store":1,"state":"s","value":1,"baseVersion":0,"__proto__":{"admin":true}}');
    expect(reason(validateContentEnvelope(content([{ ...set(1), payload: proto }])))).toMatch(/__proto__/);
    const ctor = { ...set(1), payload: { store: 1, state: 's', value: 1, baseVersion: 0, constructor: 'x' } };
    expect(reason(validateContentEnvelope(content([ctor])))).toMatch(/constructor/);
    expect(validateContentEnvelope(content([set(JSON.parse('{"__proto__":1}'))])).ok).toBe(true);
  });

  it('refuses objects that are not plain data', () => {
    expect(validateContentEnvelope(content([set(new Date())])).ok).toBe(false);
    expect(validateContentEnvelope(content([{ ...hello, payload: new Map() }])).ok).toBe(false);
    expect(validateContentEnvelope(content([set(Number.NaN)])).ok).toBe(false);
  });

  it('refuses a sparse batch: a hole is no message', () => {
    expect(reason(validateContentEnvelope(content([, hello], { session: ANY_SESSION })))).toMatch(/batch\[0\]/);
    expect(reason(validateRuntimeEnvelope(runtime([, { event: Event.announce, payload: {} }])))).toMatch(/batch\[0\]/);
  });

  it('refuses deep nesting, huge strings, too many parts and too many messages', () => {
    let deep: unknown = 0;
    for (let i = 0; i < LIMITS.depth + 10; i++) deep = [deep];
    expect(reason(validateContentEnvelope(content([set(deep)])))).toMatch(/deeper/);
    expect(reason(validateContentEnvelope(content([set('x'.repeat(LIMITS.string + 1))])))).toMatch(/longer/);
    expect(reason(validateContentEnvelope(content([set(new Array(LIMITS.nodes).fill(0))])))).toMatch(/parts/);
    expect(reason(validateContentEnvelope(content(new Array(LIMITS.batch + 1).fill(hello))))).toMatch(/items/);
  });

  it('lets only hello cross protocol versions, and only hello go to every runtime', () => {
    expect(validateContentEnvelope(content([hello], { v: PROTOCOL_VERSION + 1 })).ok).toBe(true);
    expect(reason(validateContentEnvelope(content([set(1)], { v: PROTOCOL_VERSION + 1 })))).toMatch(/only hello/);
    expect(reason(validateContentEnvelope(content([set(1)], { session: ANY_SESSION })))).toMatch(/every runtime/);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withDate: true, withTypedArray: true }), (data) => {
        expect(validateContentEnvelope(data).ok).toBe(false);
        expect(validateContentEnvelope(content([data])).ok).toBe(false);
        expect(validateRuntimeEnvelope(runtime([{ event: Event.snapshot, payload: data }])).ok).toBe(false);
      }),
    );
  });
});

describe('validateRuntimeEnvelope', () => {
  const ok = (command: string, result: unknown) => ({ event: Event.response, payload: { id: 'p:1', command, ok: true, result } });

  it('checks a response against the result type of its command', () => {
    expect(validateRuntimeEnvelope(runtime([ok(Command.stateSet, { version: 3 })])).ok).toBe(true);
    expect(validateRuntimeEnvelope(runtime([ok(Command.stateSet, { version: 'x' })])).ok).toBe(false);
    expect(validateRuntimeEnvelope(runtime([ok(Command.stop, { version: 3 })])).ok).toBe(false);
    const failed = { id: 'p:1', command: Command.stateSet, ok: false, error: { code: 'conflict', message: 'm', current: { value: 1, version: 4, redacted: [] } } };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.response, payload: failed }])).ok).toBe(true);
    const badCode = { ...failed, error: { code: 'oops', message: 'm' } };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.response, payload: badCode }])).ok).toBe(false);
  });

  it('checks event payloads field by field', () => {
    const changed = { store: 1, state: 's', value: 2, versions: { from: 1, to: 2 }, changes: 2, at: 1, redacted: [] };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.stateChanged, payload: changed }])).ok).toBe(true);
    const { versions: _v, ...noRange } = changed;
    expect(validateRuntimeEnvelope(runtime([{ event: Event.stateChanged, payload: noRange }])).ok).toBe(false);
    const registered = { kind: 'store', store: { id: 1, name: 'a', scopes: [] } };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.registered, payload: registered }])).ok).toBe(true);
    const mixed = { kind: 'database', store: { id: 1, name: 'a', scopes: [] } };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.registered, payload: mixed }])).ok).toBe(false);
  });

  it('lets announce and the answer to hello cross versions, nothing else', () => {
    const other = { v: PROTOCOL_VERSION + 5 };
    expect(validateRuntimeEnvelope(runtime([{ event: Event.announce, payload: {} }], other)).ok).toBe(true);
    expect(validateRuntimeEnvelope(runtime([{ event: Event.announce, payload: { extra: 1 } }], other)).ok).toBe(false);
    const readyAnswer = ok(Command.hello, { runtime: info, protocol: { runtime: 6, panel: 1 }, compatible: false, message: 'update', dropped: 0 });
    expect(validateRuntimeEnvelope(runtime([readyAnswer], other)).ok).toBe(true);
    expect(validateRuntimeEnvelope(runtime([ok(Command.stateSet, { version: 3 })], other)).ok).toBe(false);
  });
});
