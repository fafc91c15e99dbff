import { describe, expect, it } from 'vitest';
import { runRequest as browserRunRequest } from './index.js';
import { runRequest, webstorage, type WebStorageEvent } from './node.js';

// Created once at module level, as a server app would: requests must still never share data.
const moduleLevel = webstorage('local', { namespace: 'srv' });

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('on a server', () => {
  it('uses memory with reason "server"', () => {
    expect(moduleLevel).toMatchObject({ backend: 'memory', available: false, reason: 'server' });
  });

  it('keeps concurrent requests apart, across awaits, even for module-level instances', async () => {
    const seen = await Promise.all(
      ['ann', 'bob', 'cy'].map((user) =>
        runRequest(async () => {
          expect(moduleLevel.get('user')).toBeUndefined();
          moduleLevel.set('user', user);
          webstorage('session', { namespace: 'srv' }).set('cart', [user]);
          await tick();
          const inner = webstorage('local', { namespace: 'srv' });
          await tick();
          return { user: inner.get('user'), cart: webstorage('session', { namespace: 'srv' }).get('cart'), keys: moduleLevel.keys() };
        }),
      ),
    );
    expect(seen).toEqual([
      { user: 'ann', cart: ['ann'], keys: ['user'] },
      { user: 'bob', cart: ['bob'], keys: ['user'] },
      { user: 'cy', cart: ['cy'], keys: ['user'] },
    ]);
  });

  it('drops a request’s data when it ends, and gives each instance its own memory outside requests', () => {
    runRequest(() => moduleLevel.set('token', 'secret'));
    expect(runRequest(() => moduleLevel.get('token'))).toBeUndefined();
    expect(moduleLevel.get('token')).toBeUndefined();
    moduleLevel.set('outside', 1);
    expect(moduleLevel.get('outside')).toBe(1);
    expect(webstorage('local', { namespace: 'srv' }).get('outside')).toBeUndefined();
    expect(runRequest(() => moduleLevel.get('outside'))).toBeUndefined();
  });

  it("delivers a request's events only to listeners subscribed in that request", async () => {
    const heard: Record<string, WebStorageEvent[]> = { a: [], b: [] };
    await Promise.all(
      (['a', 'b'] as const).map((name) =>
        runRequest(async () => {
          const stop = moduleLevel.subscribe((event) => heard[name]!.push(event));
          await tick();
          moduleLevel.set('who', name);
          await tick();
          stop();
        }),
      ),
    );
    expect(heard).toEqual({ a: [{ key: 'who', value: 'a', origin: 'local' }], b: [{ key: 'who', value: 'b', origin: 'local' }] });
  });

  it("refuses runRequest from the browser build, which cannot keep requests apart", () => {
    expect(() => browserRunRequest(() => 1)).toThrow(/needs the server build of stratumjs\/webstorage.*'node' export condition/);
  });
});
