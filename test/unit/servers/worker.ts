/**
 * A server instance in a child process for the multi-process tests (bundled by support.ts):
 *   transact <engine> <namespace> <db> <count>  — <count> concurrent `transact` increments of one
 *                                                  persisted state; prints how many were acknowledged
 *   set <engine> <namespace> <db> <value>        — writes the state once; prints when it committed
 */
import { openDatabase } from '../../../runtime/db/index.js';
import { Store } from '../../../runtime/store/index.js';
import { open } from './engines.js';

const [command, engine, namespace, name, arg] = process.argv.slice(2) as [string, 'postgres' | 'redis', string, string, string];

const db = await openDatabase(name, { version: 1, tables: {}, cache: true, provider: open(engine, namespace) });
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
} else if (command === 'set') {
  await counter.transact(() => arg);
  console.log(JSON.stringify({ at: Date.now() }));
} else {
  throw new Error(`worker: unknown command ${command}`);
}
db.close();
process.exit(0);
