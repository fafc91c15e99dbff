/**
 * Issue 20: per-request webstorage memory in the panel, read by the real agent over a memory
 * wall. Each live runRequest is listed (bounded) as a webstorage named by the request, edits
 * reach that request alone, and it leaves the panel when the request ends.
 */
import { describe, expect, it } from 'vitest';
import { kit } from '../../test/helpers/agent-kit.js';
import { decode, encode } from '../codec/index.js';
import { Command, Event, type WebstorageInfo } from '../protocol/messages.js';
import { validateRuntimeEnvelope } from '../protocol/validate.js';
import { LISTED } from './requests.js';
import { runRequest, webstorage } from './node.js';

// Module level, as a server app keeps it: each request still gets memory of its own.
const session = webstorage('session', { namespace: 'shop' });

/** A request that sets what it is given, then waits until released; resolves with what it reads at the end. */
function request(label: string, values: Record<string, unknown>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = runRequest(
    async () => {
      for (const [key, value] of Object.entries(values)) session.set(key, value);
      await released;
      return session.get<unknown>('cart');
    },
    { label },
  );
  return { release, done };
}

const requestViews = (list: WebstorageInfo[]) => list.filter((info) => info.request !== undefined);

describe('live requests in the panel (Node)', () => {
  it('lists each live request as a webstorage named by it, edits reach that request alone, and it leaves when the request ends', async () => {
    const t = kit();
    const cart = request('GET /cart', { cart: ['tea'] });
    const other = request('POST /login', { cart: ['milk'], user: 'bob' });
    await t.hello();
    const snapshot = t.events(Event.snapshot)[0]!;
    const listed = requestViews(snapshot.webstorages);
    expect(listed.map((info) => info.request!.name)).toEqual([expect.stringMatching(/^request #\d+ GET \/cart$/), expect.stringMatching(/^request #\d+ POST \/login$/)]);
    expect(listed.map((info) => info.keys.map((key) => `${key.key}=${JSON.stringify(decode(key.value!))}`))).toEqual([['cart=["tea"]'], ['cart=["milk"]', 'user="bob"']]);
    expect(listed.every((info) => info.namespace === 'shop' && info.kind === 'session')).toBe(true);
    expect(snapshot.requests).toEqual({ live: 2, listed: 2 });
    // Outside any request the module-level instance holds nothing: the panel does not show the requests' data there.
    expect(snapshot.webstorages.find((info) => info.namespace === 'shop' && !info.request)?.keys).toEqual([]);

    // An edit from the panel, with the hash it saw, lands in that request only.
    const seen = listed[0]!.keys[0]!;
    await t.call(Command.webstorageSet, { storage: listed[0]!.id, key: 'cart', value: encode(['edited']), baseVersion: seen.hash });
    cart.release();
    other.release();
    expect(await cart.done).toEqual(['edited']);
    expect(await other.done).toEqual(['milk']);

    // Ended: unregistered at once, not when garbage-collected.
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    const gone = t.events(Event.unregistered).map((event) => event.id);
    expect(gone).toEqual(expect.arrayContaining(listed.map((info) => info.id)));
    const after = await t.call(Command.snapshot, {});
    expect(requestViews(after.webstorages)).toEqual([]);
    expect(after.requests).toBeUndefined();
  });

  it('a request that starts while the panel watches is registered with what it wrote, and its later writes arrive as deltas', async () => {
    const t = kit();
    await t.hello();
    let step!: () => void;
    const stepped = new Promise<void>((resolve) => (step = resolve));
    const done = runRequest(
      async () => {
        session.set('cart', ['first']);
        await stepped;
        session.set('cart', ['second']);
      },
      { label: 'PUT /cart' },
    );
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    const added = t.events(Event.registered).find((event) => event.kind === 'webstorage' && event.webstorage.request?.name.endsWith('PUT /cart'));
    const info = added?.kind === 'webstorage' ? added.webstorage : undefined;
    // Registered as the request first touched its memory (empty), then its writes as deltas.
    const seen = () => t.events(Event.webstorageChanged).filter((delta) => delta.storage === info!.id).map((delta) => decode(delta.value!));
    expect(info?.keys).toEqual([]);
    expect(seen()).toEqual([['first']]);
    step();
    await done;
    t.frame();
    expect(seen()).toEqual([['first'], ['second']]);
    // Nothing of it reached the module-level instance outside the request.
    expect(session.get('cart')).toBeUndefined();
  });

  it(`lists at most ${LISTED} live requests and counts the rest; a waiting one is listed when a listed one ends`, async () => {
    const t = kit();
    const running = Array.from({ length: LISTED + 5 }, (_, i) => request(`GET /item/${i}`, { cart: [i] }));
    await t.hello();
    const snapshot = t.events(Event.snapshot)[0]!;
    expect(requestViews(snapshot.webstorages)).toHaveLength(LISTED);
    expect(snapshot.requests).toEqual({ live: LISTED + 5, listed: LISTED });

    running[0]!.release();
    await running[0]!.done;
    await t.settle(new Promise((resolve) => setTimeout(resolve, 5)));
    const added = t.events(Event.registered).filter((event) => event.kind === 'webstorage' && event.webstorage.request);
    expect(added.map((event) => (event.kind === 'webstorage' ? event.webstorage.request!.name : ''))).toEqual([expect.stringMatching(/ GET \/item\/20$/)]);
    const now = await t.call(Command.snapshot, {});
    expect(requestViews(now.webstorages)).toHaveLength(LISTED);
    expect(now.requests).toEqual({ live: LISTED + 4, listed: LISTED });

    for (const each of running) each.release();
    await Promise.all(running.map((each) => each.done));
    expect((await t.call(Command.snapshot, {})).requests).toBeUndefined();
  });

  it('the validator checks the request field', async () => {
    const t = kit();
    const live = request('GET /cart', { cart: [] });
    await t.hello();
    const envelope = t.envelopes.find((each) => each.batch.some((message) => message.event === Event.snapshot))!;
    expect(validateRuntimeEnvelope(envelope).ok).toBe(true);
    const forged = structuredClone(envelope);
    const message = forged.batch.find((each) => each.event === Event.snapshot)!;
    const view = requestViews((message.payload as { webstorages: WebstorageInfo[] }).webstorages)[0]!;
    (view as unknown as { request: unknown }).request = { id: 'one', name: 'request #1', since: 0 };
    expect(validateRuntimeEnvelope(forged)).toMatchObject({ ok: false, reason: expect.stringMatching(/request/) });
    live.release();
    await live.done;
  });

  it('a request that throws is removed too, and runRequest still names bad input', () => {
    expect(() => runRequest(() => { session.set('x', 1); throw new Error('boom'); }, { label: 'GET /boom' })).toThrow('boom');
    expect(() => runRequest(() => 1, { label: 5 as unknown as string })).toThrow(/label must be a string/);
  });
});
