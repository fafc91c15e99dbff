/**
 * The 3-instance example (fixtures/servers): three processes of the same app behind a
 * round-robin proxy. A client's cart (Scopes.Client) and a user's visits (Scopes.User) follow
 * them from instance to instance with no sticky sessions.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, runName } from '../../runtime/db/contract/services.js';
import { roundRobin } from '../../fixtures/servers/proxy.js';
import { bundle, start } from './support.js';

const engines = [...((await hasPostgres()) ? ['postgres'] : []), ...((await hasRedis()) ? ['redis'] : [])];
let app = '';

beforeAll(async () => {
  app = await bundle('fixtures/servers/app.ts');
});

describe.runIf(engines.length > 0).each(engines)('the shop on %s, 3 instances behind a round-robin proxy', (engine) => {
  const namespace = runName();
  const children: ChildProcess[] = [];
  let proxy: { port: number; close(): void } | undefined;

  afterAll(async () => {
    proxy?.close();
    for (const child of children) child.kill('SIGTERM');
    if (engine === 'postgres') await dropSchema(namespace);
    else await dropPrefix(`${namespace}:`);
  });

  it("a client's cart and a user's visits follow them to every instance", async () => {
    // One first, so the shared tables exist before the other two race to create them.
    const first = await start<{ port: number }>(app, { ENGINE: engine, NAMESPACE: namespace, PORT: '0' });
    const rest = await Promise.all([1, 2].map(() => start<{ port: number }>(app, { ENGINE: engine, NAMESPACE: namespace, PORT: '0' })));
    const instances = [first, ...rest];
    children.push(...instances.map((instance) => instance.child));
    proxy = await roundRobin(instances.map((instance) => instance.first.port));
    const call = async (method: string, path: string, headers: Record<string, string>) => {
      const response = await fetch(`http://127.0.0.1:${proxy?.port}${path}`, { method, headers });
      expect(response.status).toBe(200);
      return (await response.json()) as { instance: number; items: string[]; visits: number | null };
    };
    const alice = { 'x-client-id': 'laptop', 'x-user-id': 'alice' };
    const seen = new Set<number>();
    const added: string[] = [];
    for (const item of ['tea', 'milk', 'bread', 'eggs', 'jam', 'figs']) {
      added.push(item);
      const answer = await call('POST', `/cart?item=${item}`, alice);
      seen.add(answer.instance);
      expect(answer.items).toEqual(added);
      expect(answer.visits).toBe(added.length);
    }
    expect(seen.size).toBe(3);
    for (let round = 0; round < 3; round++) expect((await call('GET', '/cart', alice)).items).toEqual(added);
    // The same user on another device: a cart of its own, the visits go on.
    const phone = await call('GET', '/cart', { 'x-client-id': 'phone', 'x-user-id': 'alice' });
    expect(phone.items).toEqual([]);
    expect(phone.visits).toBe(10);
  }, 60_000);
});
