/**
 * A server instance in a child process for the multi-process tests (bundled by support.ts):
 *   transact <engine> <namespace> <db> <count>  — <count> concurrent `transact` increments of one
 *                                                  persisted state; prints how many were acknowledged
 *   retry <engine> <namespace> <db> <count>     — the same, each increment tried again until acknowledged
 *                                                  (the engine restarts meanwhile); prints the failed tries
 *   set <engine> <namespace> <db> <value>        — writes the state once; prints when it committed
 * STRATUM_TEST_URL names another server than the default one (a test's own Redis).
 * STRATUM_TEST_STALL=<ms>: `retry`'s 100th increment blocks the event loop that long inside its transaction.
 * STRATUM_TEST_LATE=1: after opening, prints `opened` and waits for SIGUSR2 before restoring the state.
 */
import { openDatabase } from '../../runtime/db/index.js';
import { Store } from '../../runtime/store/index.js';
import { open } from './engines.js';

const [command, engine, namespace, name, arg] = process.argv.slice(2) as [string, 'postgres' | 'redis', string, string, string];

// An app retries its start while the engine restarts; so does this worker.
const db = await (async () => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDatabase(name, { version: 1, tables: {}, cache: true, provider: open(engine, namespace, process.env.STRATUM_TEST_URL, process.env.STRATUM_TEST_LOCK_TTL ? Number(process.env.STRATUM_TEST_LOCK_TTL) : undefined) });
    } catch (error) {
      if (attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
})();
// What the store reported about the persisted copy (e.g. a restore that failed while the engine
// restarted): printed with the result, so a run that loses increments shows where they went.
const persistErrors: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...parts: unknown[]): void => {
  if (String(parts[0]).startsWith('stratum: state')) persistErrors.push(String(parts[0]).slice(0, 200));
  warn(...parts);
};
// A late instance (STRATUM_TEST_LATE): says it opened, then restores its state only when told
// (SIGUSR2), so the test can stop the engine exactly under that restore.
if (process.env.STRATUM_TEST_LATE === '1') {
  const told = new Promise((resolve) => process.once('SIGUSR2', resolve));
  // A signal listener keeps nothing alive: with every connection cut, node would exit here.
  const alive = setInterval(() => undefined, 1000);
  console.log('opened');
  await told;
  clearInterval(alive);
}
const store = new Store({ name: 'worker' });
const counter = store.createState<number | string>(0, { key: 'counter', scope: 'shared', persist: { db } });
await counter.ready;

if (command === 'transact') {
  const count = Number(arg);
  let acknowledged = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: count }, () =>
      counter.transact((n) => Number(n) + 1).then(
        () => acknowledged++,
        (error: unknown) => {
          failed++;
          console.error(String(error));
        },
      ),
    ),
  );
  console.log(JSON.stringify({ acknowledged, failed }));
} else if (command === 'retry') {
  const count = Number(arg);
  let failed = 0;
  const reasons = new Set<string>();
  // STRATUM_TEST_STALL=<ms>: the 100th increment blocks the event loop that long between the
  // transaction's read and its write (a stalled process: no lock renewal, no timers).
  const stall = Number(process.env.STRATUM_TEST_STALL ?? 0);
  let calls = 0;
  const increment = (n: number | string): number => {
    if (stall > 0 && ++calls === 100) for (const until = Date.now() + stall; Date.now() < until; );
    return Number(n) + 1;
  };
  const once = async (): Promise<void> => {
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      try {
        await counter.transact(increment);
        return;
      } catch (error) {
        failed++;
        reasons.add(String(error).slice(0, 160));
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  await Promise.all(Array.from({ length: count }, once));
  console.log(JSON.stringify({ acknowledged: count, failed, reasons: [...reasons].slice(0, 3), persistErrors: persistErrors.slice(0, 3) }));
} else if (command === 'set') {
  await counter.transact(() => arg);
  console.log(JSON.stringify({ at: Date.now() }));
} else {
  throw new Error(`worker: unknown command ${command}`);
}
db.close();
process.exit(0);
