// @vitest-environment happy-dom
/**
 * Firefox shows a content script the page's objects through Xray wrappers: their prototypes are
 * not the content script's Object.prototype. Objects made in another realm (node:vm) have the
 * same property, so they stand in for what Firefox delivers; the relay must still pass a valid
 * runtime envelope on to the background, as a plain object of its own world.
 */
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Event, PROTOCOL_VERSION, SOURCE_RUNTIME } from '#protocol/messages.js';

const fake = vi.hoisted(() => {
  const sent: unknown[] = [];
  const port = {
    name: 'stratum-content',
    postMessage: (message: unknown) => sent.push(message),
    disconnect: () => undefined,
    onMessage: { addListener: () => undefined },
    onDisconnect: { addListener: () => undefined },
  };
  return { sent, port };
});

vi.mock('webextension-polyfill', () => ({ default: { runtime: { connect: () => fake.port, onMessage: { addListener: () => undefined } } } }));

beforeAll(async () => {
  vi.spyOn(console, 'debug').mockImplementation(() => undefined);
  await import('./content.js');
});

function post(data: unknown): void {
  window.dispatchEvent(new MessageEvent('message', { data, source: window as unknown as Window }));
}

const envelope = (session: string) => ({
  source: SOURCE_RUNTIME,
  v: PROTOCOL_VERSION,
  session,
  seq: 1,
  batch: [{ event: Event.announce, payload: {} }],
});

describe('the content script with objects of another realm (Firefox Xrays)', () => {
  it('relays a valid runtime envelope whose objects have a foreign prototype', () => {
    const foreign: unknown = runInNewContext(`(${JSON.stringify(envelope('rt-foreign'))})`);
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    post(foreign);
    expect(fake.sent).toHaveLength(1);
    const relayed = (fake.sent[0] as { data: { session: string; batch: object[] } }).data;
    expect(relayed.session).toBe('rt-foreign');
    // What goes on is this world's plain object, not the page's.
    expect(Object.getPrototypeOf(relayed)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(relayed.batch[0])).toBe(Object.prototype);
  });

  it('still drops a foreign object that is not a valid envelope', () => {
    const before = fake.sent.length;
    post(runInNewContext(`({ source: ${JSON.stringify(SOURCE_RUNTIME)}, v: 'x', batch: 7 })`));
    expect(fake.sent).toHaveLength(before);
  });

  it('relays a same-world envelope (Chrome) as before', () => {
    const before = fake.sent.length;
    post(envelope('rt-own'));
    expect(fake.sent).toHaveLength(before + 1);
    expect((fake.sent.at(-1) as { data: unknown }).data).toEqual(envelope('rt-own'));
  });
});
