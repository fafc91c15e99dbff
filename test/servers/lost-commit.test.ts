/**
 * A commit whose answer is lost must not be applied twice by a retry: a TCP proxy between the
 * provider and PostgreSQL cuts the connection right after a COMMIT (its answer dropped, or the
 * COMMIT itself never delivered), and the provider settles the outcome with the server.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/index.js';
import { postgres } from '../../runtime/db/postgres.js';
import { dropSchema, hasPostgres, PG_URL, runName } from '../../runtime/db/contract/services.js';

const schema = `${runName()}_commit`;
const up = await hasPostgres();

type Cut = 'answer' | 'commit';

/** Forwards to the server; once armed, the next COMMIT is cut as told. */
function proxy(target: URL): Promise<{ port: number; arm(cut: Cut): void; cuts: number; close(): void }> {
  let armed: Cut | undefined;
  const sockets = new Set<net.Socket>();
  const state = { cuts: 0 };
  const commit = Buffer.from('COMMIT\0');
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let cutting = false;
    const cut = (): void => {
      state.cuts++;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk[0] === 0x51 && chunk.includes(commit)) {
        const how = armed;
        armed = undefined;
        cutting = true;
        if (how === 'commit') return cut();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      // The server answered the COMMIT (it is applied); the answer never reaches the client.
      if (cutting) return cut();
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        arm: (how) => void (armed = how),
        get cuts() {
          return state.cuts;
        },
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    ),
  );
}

afterAll(async () => {
  if (up) await dropSchema(schema);
});

describe.runIf(up)('postgres: a commit whose answer is lost', () => {
  it('resolves once the server says it committed, so the increment is applied exactly once', async () => {
    const target = new URL(PG_URL);
    const relay = await proxy(target);
    const url = new URL(PG_URL);
    url.host = `127.0.0.1:${relay.port}`;
    const db = await openDatabase('lost', { version: 1, tables: { counters: { key: 'id' } }, provider: postgres({ url: url.toString(), schema }) });
    const counters = db.table('counters');
    await counters.put({ id: 'n', n: 0 });
    const increment = () =>
      db.transaction(['counters'], 'readwrite', async (tx) => {
        const row = (await tx.table('counters').get('n')) as { n: number };
        await tx.table('counters').put({ id: 'n', n: row.n + 1 });
      });
    /** An app's retry loop: again until acknowledged. */
    const untilAcknowledged = async (): Promise<number> => {
      for (let tries = 1; ; tries++) {
        try {
          await increment();
          return tries;
        } catch (error) {
          expect(String(error)).toMatch(/PostgreSQL/);
          if (tries > 5) throw error;
        }
      }
    };

    relay.arm('answer');
    expect(await untilAcknowledged()).toBe(1);
    expect(relay.cuts).toBe(1);
    expect(((await counters.get('n')) as { n: number }).n).toBe(1);

    // The COMMIT never reached the server: rolled back, said so, and the retry applies it once.
    relay.arm('commit');
    const failed = increment();
    await expect(failed).rejects.toThrow(/rolled the transaction back; nothing of it was applied/);
    expect(((await counters.get('n')) as { n: number }).n).toBe(1);
    expect(await untilAcknowledged()).toBe(1);
    expect(((await counters.get('n')) as { n: number }).n).toBe(2);
    expect(relay.cuts).toBe(2);
    db.close();
    relay.close();
  }, 60_000);
});
