/**
 * Faults on the server engines, with nothing acknowledged lost: Redis restarting mid-run (a
 * Redis of the test's own), a paused Redis (SIGSTOP), Postgres connections cut mid-run
 * (pg_terminate_backend: the shared server itself is never restarted), and an exhausted pool.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/index.js';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, PG_URL, runName } from '../../runtime/db/contract/services.js';
import { postgres } from '../../runtime/db/postgres.js';
import { redis } from '../../runtime/db/redis.js';
import { Store } from '../../runtime/store/index.js';
import { Ledger } from '../reliability/support/ledger.js';
import { OwnPostgres, ownPostgresMissing } from './own-postgres.js';
import { open } from './engines.js';
import { OwnRedis } from './own-redis.js';
import { bundle, result, run } from './support.js';

const withRedis = await hasRedis();
const withPostgres = await hasPostgres();
const namespace = runName();
const postgresMissing = ownPostgresMissing();
if (postgresMissing) {
  if (process.env.STRATUM_REQUIRE_SERVICES === '1') throw new Error(`a private PostgreSQL cannot run: ${postgresMissing}, and STRATUM_REQUIRE_SERVICES=1 requires it.`);
  console.warn(`[stratum] skipping the Postgres restart test: ${postgresMissing}.`);
}
let worker = '';
// Rows in docs/RELIABILITY.md, like test/reliability's suites.
const ledger = new Ledger('servers-faults');

beforeAll(async () => {
  worker = await bundle('test/servers/worker.ts');
});
afterAll(() => ledger.save());

describe.runIf(withRedis)('Redis faults (a Redis of the test’s own, appendfsync always)', () => {
  const own = new OwnRedis();
  beforeAll(() => own.start());
  afterAll(() => own.remove());

  it('restarted mid-run: 3 processes × 1,000 transact increments (each retried until acknowledged) end at exactly 3,000', async () => {
    const row = ledger.open('Faults', 'Redis (a server of the test’s own, appendfsync always) restarted in the middle of 3 processes × 1,000 concurrent `transact` increments of one persisted state, each retried until acknowledged; the stop lands while the third process restores its state');
    const env = { STRATUM_TEST_URL: own.url, STRATUM_TEST_LOCK_TTL: '1500' };
    const args = ['retry', 'redis', namespace, 'restart', '1000'];
    const early = [1, 2].map(() => run(worker, args, env));
    // Mid-run: once the counter's row exists, the increments are under way. Then a third
    // instance starts, and the server stops exactly while that one restores its state: once, on
    // a loaded machine, such a late instance counted its 1,000 increments in memory (2,000).
    const probe = new Redis(own.url);
    while ((await probe.zcard(`${namespace}:restart/z/$cache`)) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    probe.disconnect();
    let restarted: Promise<void> | undefined;
    const late = run(worker, args, { ...env, STRATUM_TEST_LATE: '1' }, (stdout, child) => {
      restarted ??= stdout.includes('opened')
        ? (async () => {
            await own.stop();
            child.kill('SIGUSR2');
            await new Promise((resolve) => setTimeout(resolve, 300));
            await own.start();
          })()
        : undefined;
    });
    const workers = Promise.all([...early, late]);
    await workers.finally(() => restarted);
    const counts = (await workers).map((exit) => result<{ acknowledged: number; failed: number; reasons: string[]; persistErrors: string[] }>(exit));
    console.log(`[redis restart] failed tries per process: ${counts.map((count) => count.failed).join(', ')}; e.g. ${counts.flatMap((count) => count.reasons)[0] ?? 'none'}; persistence errors: ${counts.flatMap((count) => count.persistErrors).join(' | ') || 'none'}`);
    expect(counts.reduce((sum, count) => sum + count.failed, 0)).toBeGreaterThan(0);
    // The late instance's restore ran while the server was down (so this run tried that path).
    expect(counts[2]?.persistErrors).toEqual([expect.stringMatching(/could not restore .*DatabaseUnavailableError/)]);
    const db = await openDatabase('restart', { version: 1, tables: {}, cache: true, provider: redis({ url: own.url }, { prefix: `${namespace}:` }) });
    const counter = new Store({ name: 'reader' }).createState<number>(-1, { key: 'counter', scope: 'shared', persist: { db } });
    await counter.ready;
    const lost = counter.get() === 3000 ? [] : [`the counter ended at ${counter.get()}, not 3,000`];
    expect(row.done({ times: 3000, lost, figures: `failed tries (rejected in words, then retried): ${counts.map((count) => count.failed).join(', ')}` })).toEqual([]);
    expect(counter.get()).toBe(3000);
    db.close();
  }, 120_000);

  it('down while a persisted state restores: its transact rejects in words until the server is back, then counts from the stored value', async () => {
    // How one worker's 1,000 acknowledged increments were lost once: its state's restore ran
    // while Redis restarted, and transact then counted in memory, resolving every increment.
    const db = await openDatabase('restoring', { version: 1, tables: {}, cache: true, provider: redis({ url: own.url }, { prefix: `${namespace}:` }) });
    const first = new Store({ name: 'first' }).createState(0, { key: 'counter', scope: 'shared', persist: { db } });
    await first.ready;
    for (let i = 0; i < 5; i++) await first.transact((n) => n + 1);
    const row = ledger.open('Faults', 'Redis down while a persisted state restores, then `transact` on that state before and after the server is back');
    await own.stop();
    const late = new Store({ name: 'late' }).createState(0, { key: 'counter', scope: 'shared', persist: { db } });
    await late.ready;
    await expect(late.transact((n) => n + 1)).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringMatching(/^Redis failed during/) });
    await own.start();
    let tries = 1;
    let counted: number | undefined;
    while (counted === undefined) {
      counted = await late.transact((n) => n + 1).catch(() => undefined);
      if (counted === undefined && ++tries > 100) throw new Error('transact never succeeded after the restart');
      if (counted === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stored = await first.transact((n) => n);
    expect(row.done({ times: 1, lost: stored === 6 ? [] : [`the counter ended at ${stored}, not 6`], figures: `transact rejected while the server was down; ${tries} ${tries === 1 ? 'try' : 'tries'} after it was started again` })).toEqual([]);
    expect([counted, stored, late.get()]).toEqual([6, 6, 6]);
    db.close();
  }, 30_000);

  it('paused (SIGSTOP): an operation fails with a timeout in words instead of hanging, and works again after SIGCONT', async () => {
    const db = await openDatabase('paused', { version: 1, tables: { keys: { key: 'k' } }, provider: redis({ url: own.url }, { prefix: `${namespace}:`, commandTimeout: 300 }) });
    await db.table('keys').put({ k: 1 });
    const row = ledger.open('Faults', 'Redis paused (SIGSTOP) while the app reads; resumed (SIGCONT)');
    own.pause();
    try {
      await expect(db.table('keys').get(1)).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringMatching(/no answer in time: is the server paused or overloaded\?/) });
    } finally {
      own.resume();
    }
    const back = await db.table('keys').get(1);
    expect(row.done({ times: 1, lost: back === undefined ? ['the row written before the pause'] : [], figures: 'the read failed after the 300 ms commandTimeout: "no answer in time: is the server paused or overloaded?"' })).toEqual([]);
    expect(back).toEqual({ k: 1 });
    db.close();
  }, 30_000);
});

describe.runIf(!postgresMissing)('Postgres restarted (a PostgreSQL of the test’s own: initdb in a temp directory, its own port)', () => {
  const own = new OwnPostgres();
  beforeAll(() => own.start(), 60_000);
  afterAll(() => own.remove());

  it('restarted mid-run (pg_ctl stop -m fast, then start): 3 processes × 1,000 transact increments (each retried until acknowledged) end at exactly 3,000', async () => {
    const row = ledger.open('Faults', 'PostgreSQL (a server of the test’s own) stopped (`pg_ctl stop -m fast`) and started again in the middle of 3 processes × 1,000 concurrent `transact` increments of one persisted state, each retried until acknowledged; the stop lands while the third process restores its state');
    const env = { STRATUM_TEST_URL: own.url };
    const args = ['retry', 'postgres', namespace, 'restart', '1000'];
    const early = [1, 2].map(() => run(worker, args, env));
    // Mid-run: once the counter has moved past its first increments, they are under way.
    const probe = new pg.Client({ connectionString: own.url });
    await probe.connect();
    const counted = async (): Promise<number> => {
      try {
        const { rows } = await probe.query<{ n: string }>(`SELECT count(*) AS n FROM "${namespace}".stratum_rows WHERE db = 'restart'`);
        return Number(rows[0]?.n ?? 0);
      } catch (error) {
        // The schema does not exist until the first worker opens the database.
        if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return 0;
        throw error;
      }
    };
    while ((await counted()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await probe.end();
    // As on Redis: a third instance starts, and the server stops exactly while it restores its state.
    let down = 0;
    let restarted: Promise<void> | undefined;
    const late = run(worker, args, { ...env, STRATUM_TEST_LATE: '1' }, (stdout, child) => {
      restarted ??= stdout.includes('opened')
        ? (async () => {
            const stopped = Date.now();
            own.stop();
            child.kill('SIGUSR2');
            await new Promise((resolve) => setTimeout(resolve, 300));
            await own.start();
            down = Date.now() - stopped;
          })()
        : undefined;
    });
    const workers = Promise.all([...early, late]);
    await workers.finally(() => restarted);
    const counts = (await workers).map((exit) => result<{ acknowledged: number; failed: number; reasons: string[]; persistErrors: string[] }>(exit));
    const reasons = counts.flatMap((count) => count.reasons);
    console.log(`[postgres restart] down ${down} ms; failed tries per process: ${counts.map((count) => count.failed).join(', ')}; e.g. ${reasons[0] ?? 'none'}`);
    // The restart reached the workers: in-flight operations rejected (in words) and were retried.
    expect(counts.reduce((sum, count) => sum + count.failed, 0)).toBeGreaterThan(0);
    expect(reasons.every((reason) => /^DatabaseUnavailableError: PostgreSQL/.test(reason))).toBe(true);
    expect(counts[2]?.persistErrors).toEqual([expect.stringMatching(/could not restore .*DatabaseUnavailableError: PostgreSQL/)]);
    const db = await openDatabase('restart', { version: 1, tables: {}, cache: true, provider: postgres({ url: own.url, schema: namespace }) });
    const counter = new Store({ name: 'reader' }).createState<number>(-1, { key: 'counter', scope: 'shared', persist: { db } });
    await counter.ready;
    const lost = counter.get() === 3000 ? [] : [`the counter ended at ${counter.get()}, not 3,000`];
    expect(row.done({ times: 3000, lost, figures: `server down ${down} ms; failed tries (rejected in words, then retried): ${counts.map((count) => count.failed).join(', ')}` })).toEqual([]);
    expect(counter.get()).toBe(3000);
    db.close();
  }, 120_000);
});

const engines = [...(withRedis ? (['redis'] as const) : []), ...(withPostgres ? (['postgres'] as const) : [])];
describe.runIf(engines.length > 0).each(engines)('%s: a holder stalled inside its transaction', (engine) => {
  afterAll(() => (engine === 'redis' ? dropPrefix(`${namespace}_stall:`) : dropSchema(`${namespace}_stall`)));

  it('blocked 1.5 s between its read and its write (5 × its lock TTL on Redis): 2 processes × 300 increments end at exactly 600', async () => {
    const row = ledger.open('Faults', `${engine === 'redis' ? 'Redis' : 'PostgreSQL'}: one of 2 processes blocks its event loop 1.5 s between a transaction's read and its write (${engine === 'redis' ? 'lock TTL 300 ms' : 'its advisory lock is its session’s'}), during 2 × 300 concurrent \`transact\` increments each retried until acknowledged`);
    const args = ['retry', engine, `${namespace}_stall`, 'stall', '300'];
    const counts = (await Promise.all([run(worker, args, { STRATUM_TEST_LOCK_TTL: '300', STRATUM_TEST_STALL: '1500' }), run(worker, args, { STRATUM_TEST_LOCK_TTL: '300' })])).map((exit) =>
      result<{ failed: number; reasons: string[] }>(exit),
    );
    const db = await openDatabase('stall', { version: 1, tables: {}, cache: true, provider: open(engine, `${namespace}_stall`) });
    const counter = new Store({ name: 'reader' }).createState<number>(-1, { key: 'counter', scope: 'shared', persist: { db } });
    await counter.ready;
    const ended = counter.get();
    // On Redis the other process took the expired lock meanwhile: the stalled write was refused (fencing) and retried.
    const stalled = counts[0];
    expect(row.done({ times: 600, lost: ended === 600 ? [] : [`the counter ended at ${ended}, not 600`], figures: `failed tries of the stalled process: ${stalled?.failed ?? '?'}${stalled?.reasons[0] ? ` (${stalled.reasons[0].slice(0, 90)}…)` : ''}` })).toEqual([]);
    if (engine === 'redis') expect(stalled?.reasons).toContainEqual(expect.stringMatching(/lock on the database expired/));
    expect(ended).toBe(600);
    db.close();
  }, 120_000);
});

describe.runIf(withPostgres)('Postgres faults', () => {
  afterAll(() => dropSchema(namespace));

  it('connections cut mid-run (pg_terminate_backend): nothing acknowledged is lost, failures are errors in words, the pool and LISTEN reconnect', async () => {
    const app = `stratum-faults-${process.pid}`;
    const pool = new pg.Pool({ connectionString: PG_URL, application_name: app, max: 4 });
    const db = await openDatabase('cut', { version: 1, tables: { keys: { key: 'k' } }, cache: true, provider: postgres({ client: pool, schema: namespace }) });
    const counter = new Store({ name: 'cut' }).createState(0, { key: 'counter', scope: 'shared', persist: { db } });
    await counter.ready;
    const reasons = new Set<string>();
    let acknowledged = 0;
    const increment = async (): Promise<void> => {
      for (;;) {
        try {
          await counter.transact((n) => n + 1);
          acknowledged++;
          return;
        } catch (error) {
          reasons.add((error as Error).name);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const cut = async (): Promise<void> => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
    };
    const row = ledger.open('Faults', 'Postgres: every connection of the app cut twice (pg_terminate_backend) during 300 concurrent `transact` increments, each retried until acknowledged');
    const running = Promise.all(Array.from({ length: 300 }, increment));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await cut();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await cut();
    await running;
    const stored = await counter.transact((n) => n);
    expect(row.done({ times: 300, lost: stored === 300 ? [] : [`the counter ended at ${stored}, not 300`], figures: `errors seen: ${[...reasons].join(', ') || 'none'}; LISTEN reconnected` })).toEqual([]);
    expect(acknowledged).toBe(300);
    expect(reasons.size === 0 || [...reasons].every((name) => name === 'DatabaseUnavailableError')).toBe(true);
    expect(await counter.transact((n) => n)).toBe(300);
    // The LISTEN connection came back: another connection's write is heard again.
    const other = await openDatabase('cut', { version: 1, tables: { keys: { key: 'k' } }, cache: true, provider: postgres({ url: PG_URL, schema: namespace }) });
    const heard = new Promise((resolve) => db.subscribe((event) => event.type === 'put' && event.origin === 'remote' && resolve(event)));
    for (let attempt = 0; attempt < 20; attempt++) {
      await other.table('keys').put({ k: attempt });
      if (await Promise.race([heard.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 250))])) break;
    }
    await expect(heard).resolves.toMatchObject({ table: 'keys' });
    other.close();
    db.close();
    await admin.end();
    await pool.end();
  }, 60_000);

  it('an exhausted pool is an error in words after connectTimeout, not a hang', async () => {
    const db = await openDatabase('full', { version: 1, tables: { keys: { key: 'k' }, other: { key: 'k' } }, provider: postgres({ url: PG_URL, schema: namespace, max: 2, connectTimeout: 300 }) });
    // The LISTEN connection holds one of the two; a put waiting for its table's lock (held here
    // by another session) holds the other. The read is of another table: one of 'keys' would
    // wait for the put issued before it, as IndexedDB orders them.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`stratum:"${namespace}":full/keys`]);
    const row = ledger.open('Faults', 'Postgres pool exhausted (pool of 2: LISTEN and a transaction waiting for a lock) while another operation needs a connection');
    const waiting = db.table('keys').put({ k: 'after the wait' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(db.table('other').count()).rejects.toMatchObject({ name: 'DatabaseUnavailableError', message: expect.stringMatching(/no pooled connection for 'full' became free within 300 ms \(pool of 2\)/) });
    await admin.query('SELECT pg_advisory_unlock_all()');
    await admin.end();
    await expect(waiting).resolves.toBe('after the wait');
    const count = await db.table('keys').count();
    expect(row.done({ times: 1, lost: count === 1 ? [] : ['the waiting put'], figures: "the operation failed in words after the 300 ms connectTimeout; the waiting put completed" })).toEqual([]);
    expect(count).toBe(1);
    db.close();
  }, 30_000);
});
