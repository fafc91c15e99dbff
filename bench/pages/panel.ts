/**
 * Row 6: what the panel waits for. A page with 10,000 states and a 100,000-row table; the
 * in-page peer (bench/pages/peer.ts) asks as the panel does — `snapshot` on connect, then the
 * first page of rows of the table it opens — and the figure is the time until the answer is in
 * the panel's hands, validated. The limits: the same values structured-cloned through the same
 * postMessage hop, and the same rows read with idb. The panel's own rendering is not in these
 * figures (docs/README-performance.md): extension/panel had no mount() when this was written.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { openDatabase } from '../../runtime/db/index.js';
import { Command } from '../../runtime/protocol/messages.js';
import { Store } from '../../runtime/store/index.js';
import { bench, sink } from '../harness.js';
import { random, record } from './data.js';
import { connect, type Connected } from './peer.js';

const STATES = 10_000;
const ROWS = 100_000;
/** What a first screen of the grid asks for. */
const FIRST_PAGE = 100;
const NAME = 'bench-panel';

let peer: Connected | undefined;
let database = -1;
/** The states' values, for the limit: the same data through the same hop, structured-cloned. */
let values: unknown[] = [];
/** The same table through idb, for the limit: the first rows as IndexedDB hands them out. */
let raw: IDBPDatabase | undefined;

async function fillStates(): Promise<void> {
  const store = new Store({ name: NAME });
  const next = random(7);
  store.batch(() => {
    for (let i = 0; i < STATES; i++) store.createState(record(i, next), { key: `state-${i}`, scope: `scope-${i % 100}` });
  });
  values = store.states().map((state) => state.value);
}

/** Posts `data` to this window and resolves when it arrives: the hop the protocol uses, nothing else. */
function posted(data: unknown): Promise<void> {
  return new Promise((resolve) => {
    const tag = Math.random();
    const onMessage = (event: MessageEvent) => {
      if ((event.data as { tag?: number } | null)?.tag !== tag) return;
      window.removeEventListener('message', onMessage);
      resolve();
    };
    window.addEventListener('message', onMessage);
    window.postMessage({ tag, data }, location.origin);
  });
}

async function fillTable(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
  const db = await openDatabase(NAME, { version: 1, tables: { rows: { key: 'id', indexes: { n: 'n' } } } });
  const next = random(8);
  for (let at = 0; at < ROWS; at += 10_000) {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ ...record(at + i, next), n: at + i }));
    await db.table('rows').bulkPut(rows);
  }
}

function connected(): Connected {
  if (!peer) throw new Error('the panel peer is not connected');
  return peer;
}

bench('panel.snapshot', {
  async setup() {
    await fillStates();
    peer ??= await connect();
  },
  variants: {
    stratum: {
      async timed() {
        const started = performance.now();
        const snapshot = await connected().bridge.request(Command.snapshot, {});
        const elapsed = performance.now() - started;
        const store = snapshot.stores.find((each) => each.name === NAME);
        const count = store?.scopes.reduce((sum, scope) => sum + scope.states.length, 0) ?? 0;
        if (count !== STATES) throw new Error(`the snapshot holds ${count} of the ${STATES} states`);
        sink.value = snapshot;
        return elapsed;
      },
    },
    postMessage: {
      async timed() {
        const started = performance.now();
        await posted(values);
        return performance.now() - started;
      },
    },
  },
});

bench('panel.rows', {
  async setup() {
    await fillTable();
    peer ??= await connect();
    const snapshot = await connected().bridge.request(Command.snapshot, {});
    const found = snapshot.databases.find((each) => each.name === NAME);
    if (!found) throw new Error(`the snapshot lists no database ${NAME}`);
    database = found.id;
    raw = await openDB(NAME);
  },
  variants: {
    stratum: {
      async timed() {
        const started = performance.now();
        const page = await connected().bridge.request(Command.dbQuery, { database, table: 'rows', limit: FIRST_PAGE });
        const elapsed = performance.now() - started;
        if (page.rows.length !== FIRST_PAGE) throw new Error(`the first page holds ${page.rows.length} rows, not ${FIRST_PAGE}`);
        sink.value = page;
        return elapsed;
      },
    },
    idb: {
      async timed() {
        if (!raw) throw new Error('the idb connection is not open');
        const started = performance.now();
        const rows = await raw.getAll('rows', null, FIRST_PAGE);
        const elapsed = performance.now() - started;
        if (rows.length !== FIRST_PAGE) throw new Error(`idb read ${rows.length} rows, not ${FIRST_PAGE}`);
        sink.value = rows;
        return elapsed;
      },
    },
  },
});
