// A Node process for power.spec.ts (issue 22): a libSQL database (in memory) with a `notes`
// table, connected to the standalone panel, so the query console's SQL runs on a real engine.
import { openDatabase } from '../../../dist/runtime/db.js';
import { libsql } from '../../../dist/runtime/db/libsql.js';
import { connectDevtools } from '../../../dist/runtime/devtools.node.js';

const [url, token] = process.argv.slice(2);
const db = await openDatabase('ledger', { version: 1, tables: { notes: { key: 'id' } }, provider: libsql({ url: ':memory:' }) });
await db.table('notes').bulkPut(Array.from({ length: 12 }, (_, id) => ({ id, title: `entry ${id}` })));
connectDevtools({ url, token, name: 'ledger', onStatus: (status) => process.stdout.write(`${JSON.stringify({ status })}\n`) });
setInterval(() => {}, 1 << 30);
