// @vitest-environment happy-dom
/**
 * Hostile input to the content script's relay (extension/content.ts), with a fake runtime.Port:
 * whatever a page posts, only validated runtime envelopes from this very window reach the
 * background; whatever arrives on the port, only validated panel envelopes addressed to a
 * runtime of this window (or a hello to every runtime) reach the page. Nothing throws, no
 * prototype changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ANY_SESSION, Command, Event, PROTOCOL_VERSION, SOURCE_CONTENT, SOURCE_RUNTIME } from '../../runtime/protocol/messages.js';
import { validateContentEnvelope, validateRuntimeEnvelope } from '../../runtime/protocol/validate.js';
import { hostileValue, mutate, prototypeFingerprint } from './support/hostile.js';
import { Ledger, SOAK } from './support/ledger.js';

const fake = vi.hoisted(() => {
  const state = { toBackground: [] as unknown[], listeners: [] as ((message: unknown) => void)[], connects: 0 };
  const port = {
    name: 'stratum-content',
    postMessage: (message: unknown) => state.toBackground.push(message),
    disconnect: () => undefined,
    onMessage: { addListener: (listener: (message: unknown) => void) => state.listeners.push(listener) },
    onDisconnect: { addListener: () => undefined },
  };
  return { state, port };
});

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      connect: () => {
        fake.state.connects++;
        return fake.port;
      },
      // The page-storage inspector's orders (issue 21) arrive here; the fuzz sends none.
      onMessage: { addListener: () => undefined },
    },
  },
}));

const ledger = new Ledger('content-fuzz');
const RUNS = Number(process.env.STRATUM_FUZZ_RUNS ?? (SOAK ? 3000 : 300));
const TIMEOUT = SOAK ? 900_000 : 120_000;
const PAGE_SESSION = 'rt-page';
const toPage: unknown[] = [];
const errors: unknown[] = [];

beforeAll(async () => {
  vi.spyOn(window, 'postMessage').mockImplementation((message: unknown) => void toPage.push(message));
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  window.addEventListener('error', (event) => errors.push(event.error ?? event.message));
  await import('../../extension/content.js');
});

afterAll(() => ledger.save());

/**
 * Runtimes that spoke from this window, as the content script learns them: every valid runtime
 * envelope its own window posts (the fuzz of the first test makes up some), not just PAGE_SESSION.
 */
const spoken = new Set<string>();

/** A message event on this window, from this window or from another one (a frame, an opener). */
function post(data: unknown, source: unknown = window): void {
  const before = fake.state.toBackground.length;
  window.dispatchEvent(new MessageEvent('message', { data, source: source as Window }));
  const checked = validateRuntimeEnvelope(data);
  if (source === window && checked.ok && fake.state.toBackground.length > before) spoken.add(checked.value.session);
}

const ready = (id: string, top: boolean) => ({
  runtime: { id, name: 'page', frame: { url: location.href, top, title: '' }, protocol: PROTOCOL_VERSION, version: '0.1.0' },
  protocol: { runtime: PROTOCOL_VERSION, panel: PROTOCOL_VERSION },
  compatible: true,
  dropped: 0,
});
const runtimeEnvelope = (batch: unknown[], session = PAGE_SESSION) => ({ source: SOURCE_RUNTIME, v: PROTOCOL_VERSION, session, seq: 1, batch });
const contentEnvelope = (batch: unknown[], session = PAGE_SESSION) => ({ source: SOURCE_CONTENT, v: PROTOCOL_VERSION, session, seq: 1, batch });
const validRuntime = [
  runtimeEnvelope([{ event: Event.announce, payload: {} }]),
  runtimeEnvelope([{ event: Event.response, payload: { id: 'p:1', command: Command.hello, ok: true, result: ready(PAGE_SESSION, true) } }]),
  runtimeEnvelope([{ event: Event.stateRemoved, payload: { store: 1, state: 's', version: 2 } }]),
];
const validContent = [
  contentEnvelope([{ command: Command.hello, id: 'p:1', payload: { protocol: PROTOCOL_VERSION, client: 'p' } }], ANY_SESSION),
  contentEnvelope([{ command: Command.stateSet, id: 'p:2', payload: { store: 1, state: 's', value: 1, baseVersion: 0 } }]),
  contentEnvelope([{ command: Command.snapshot, id: 'p:3', payload: {} }], 'rt-other-frame'),
];

describe('the content script under hostile input', () => {
  it('relays to the background only validated runtime envelopes posted by its own window', () => {
    const row = ledger.open('Hostile input', "Random and mutated window messages to the content script's relay, from its own window and from another window (fast-check)");
    const problems: string[] = [];
    const fingerprint = prototypeFingerprint();
    let runs = 0;
    const message = fc.oneof(
      hostileValue,
      fc.tuple(fc.constantFrom(...validRuntime), fc.array(mutate, { minLength: 1, maxLength: 3 })).map(([valid, mutations]) =>
        mutations.reduce<unknown>((value, change) => change(value), structuredClone(valid)),
      ),
    );
    fc.assert(
      fc.property(message, fc.boolean(), (data, ownWindow) => {
        runs++;
        const before = fake.state.toBackground.length;
        post(data, ownWindow ? window : {});
        const sent = fake.state.toBackground.slice(before);
        if (!ownWindow && sent.length > 0) problems.push('relayed a message from another window');
        for (const out of sent) {
          const { kind, data: inner } = out as { kind: string; data: unknown };
          if (kind !== 'envelope' || !validateRuntimeEnvelope(inner).ok) problems.push(`relayed an invalid message: ${JSON.stringify(out).slice(0, 200)}`);
        }
        return problems.length === 0;
      }),
      { numRuns: RUNS },
    );
    if (errors.length > 0) problems.push(`${errors.length} errors thrown in the listener: ${String(errors[0])}`);
    if (prototypeFingerprint() !== fingerprint) problems.push('a built-in prototype changed');
    expect(row.done({ times: runs, lost: problems })).toEqual([]);
  }, TIMEOUT);

  it('drops a runtime that lies about its frame or answers in the name of another runtime', () => {
    const before = fake.state.toBackground.length;
    post(runtimeEnvelope([{ event: Event.response, payload: { id: 'p:1', command: Command.hello, ok: true, result: ready(PAGE_SESSION, false) } }]));
    post(runtimeEnvelope([{ event: Event.response, payload: { id: 'p:1', command: Command.hello, ok: true, result: ready('rt-someone-else', true) } }]));
    expect(fake.state.toBackground.slice(before)).toEqual([]);
    post(validRuntime[1]);
    expect(fake.state.toBackground.slice(before)).toHaveLength(1);
  });

  it('passes to the page only validated panel envelopes for a runtime of this window', () => {
    const row = ledger.open('Hostile input', 'Random and mutated port messages (background → content script), addressed to this frame, to every runtime, and to a runtime of another frame (fast-check)');
    post(validRuntime[0]); // a runtime of this window spoke: PAGE_SESSION
    expect(fake.state.listeners.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const fingerprint = prototypeFingerprint();
    let runs = 0;
    let passed = 0;
    const envelope = fc.tuple(fc.constantFrom(...validContent), fc.array(mutate, { maxLength: 3 })).map(([valid, mutations]) =>
      mutations.reduce<unknown>((value, change) => change(value), structuredClone(valid)),
    );
    const message = fc.oneof(
      hostileValue,
      envelope.map((data) => ({ kind: 'envelope', data })),
      fc.oneof(fc.string(), hostileValue).map((client) => ({ kind: 'client-gone', client })),
    );
    fc.assert(
      fc.property(message, (data) => {
        runs++;
        const before = toPage.length;
        for (const listener of fake.state.listeners) {
          try {
            listener(data);
          } catch (error) {
            problems.push(`the port listener threw ${String(error)}`);
          }
        }
        for (const out of toPage.slice(before)) {
          passed++;
          const checked = validateContentEnvelope(out);
          if (!checked.ok) problems.push(`posted an invalid envelope to the page: ${checked.reason}`);
          else if (checked.value.session !== ANY_SESSION && !spoken.has(checked.value.session)) {
            problems.push(`posted an envelope for ${checked.value.session}, a runtime of another frame`);
          }
        }
        return problems.length === 0;
      }),
      { numRuns: RUNS },
    );
    if (prototypeFingerprint() !== fingerprint) problems.push('a built-in prototype changed');
    expect(row.done({ times: runs, lost: problems, figures: `${passed} passed on to the page, every one valid and addressed here` })).toEqual([]);
  }, TIMEOUT);
});
