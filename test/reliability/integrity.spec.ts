/**
 * Data integrity in real Chromium and Firefox ESR: blobs keep every byte (size and SHA-256) on the way from the
 * app to the kit and from the kit to the app; webstorage and database writes that fail leave the
 * previous value readable, through the app's API and through the kit.
 * integrity.firefox.spec.ts runs these bodies in Firefox (rows: integrity-firefox).
 */
import { createHash, randomBytes } from 'node:crypto';
import { isDeepStrictEqual as same } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../runtime/codec/index.js';
import { Command, MAX_BLOB_CHUNK } from '../../runtime/protocol/messages.js';
import { connect, StratumError, type StratumClient } from '../../runtime/puppeteer/index.js';
import { e2eBrowser, startBrowser, type StartedBrowser } from '../e2e/harness/browser.js';
import { serveRepo, type Served } from '../e2e/harness/server.js';
import { openApp } from './support/app.js';
import { Ledger } from './support/ledger.js';

const ledger = new Ledger('integrity', e2eBrowser());
const SIZES = [0, 1, 1000, MAX_BLOB_CHUNK - 1, MAX_BLOB_CHUNK, MAX_BLOB_CHUNK + 3, 5 * MAX_BLOB_CHUNK + 7];
let started: StartedBrowser;
let served: Served;

beforeAll(async () => {
  [started, served] = await Promise.all([startBrowser({ extension: true, browser: e2eBrowser() }), serveRepo()]);
  ledger.environment = `${await started.browser.version()}, ${ledger.environment}`;
});

afterAll(async () => {
  ledger.save();
  await Promise.all([started?.close(), served?.close()]);
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const codeOf = (error: unknown) => (error instanceof StratumError ? error.code : String(error));

async function upload(client: StratumClient, database: number, bytes: Uint8Array, name: string): Promise<string> {
  const { upload: id } = await client.request(Command.blobPutStart, { database, size: bytes.length, type: 'application/octet-stream', name });
  for (let offset = 0; offset < bytes.length; offset += MAX_BLOB_CHUNK) {
    await client.request(Command.blobPutChunk, { upload: id, offset, bytes: Buffer.from(bytes.subarray(offset, offset + MAX_BLOB_CHUNK)).toString('base64') });
  }
  return (await client.request(Command.blobPutEnd, { upload: id })).id;
}

describe('blobs', () => {
  it('keep size and SHA-256 from the app to the kit and from the kit to the app', async () => {
    const row = ledger.open('Data integrity', `Blobs of ${SIZES.length} sizes (0 B to 5 MB + 7, across the 1 MB chunk edges) put by the app and read by the kit, uploaded by the kit and read by the app: size, type, name and SHA-256 compared`);
    const page = await openApp(started.browser, served.origin, 'name=integrity');
    const client = await connect(page);
    const lost: string[] = [];
    const fromApp = await page.evaluate(async (sizes: number[]) => {
      const { db } = (window as unknown as Any).app;
      const out: { id: string; size: number; sha: string; name: string }[] = [];
      for (const size of sizes) {
        const bytes = new Uint8Array(size);
        for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)));
        const name = `app-${size}.bin`;
        const id = await db.blobs.put(new File([bytes], name, { type: 'application/x-test' }));
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        out.push({ id, size, name, sha: [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('') });
      }
      return out;
    }, SIZES);
    const listed = await client.blobs('integrity').list();
    for (const blob of fromApp) {
      const bytes = await client.blobs('integrity').read(blob.id);
      const info = listed.find((candidate) => candidate.id === blob.id);
      if (bytes.length !== blob.size || sha256(bytes) !== blob.sha) lost.push(`app → kit ${blob.size} B: read ${bytes.length} B, ${sha256(bytes).slice(0, 12)} ≠ ${blob.sha.slice(0, 12)}`);
      if (!info || info.size !== blob.size || info.name !== blob.name || info.type !== 'application/x-test') lost.push(`app → kit ${blob.size} B: listed as ${JSON.stringify(info)}`);
    }
    const database = (await client.snapshot()).databases.find((candidate) => candidate.name === 'integrity')!.id;
    for (const size of SIZES) {
      const bytes = new Uint8Array(randomBytes(size));
      const id = await upload(client, database, bytes, `kit-${size}.bin`);
      const read = await page.evaluate(async (blobId: string) => {
        const { db } = (window as unknown as Any).app;
        const blob: Blob = await db.blobs.get(blobId);
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
        return { size: blob.size, name: (blob as File).name ?? null, sha: [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join(''), info: await db.blobs.info(blobId) };
      }, id);
      if (read.size !== size || read.sha !== sha256(bytes)) lost.push(`kit → app ${size} B: read ${read.size} B, ${read.sha.slice(0, 12)} ≠ ${sha256(bytes).slice(0, 12)}`);
      if (read.info?.name !== `kit-${size}.bin` || read.info?.size !== size) lost.push(`kit → app ${size} B: info ${JSON.stringify(read.info)}`);
    }
    const total = SIZES.reduce((sum, size) => sum + size, 0) * 2;
    expect(row.done({ times: SIZES.length * 2, lost, figures: `${(total / 1024 / 1024).toFixed(1)} MB compared byte for byte (SHA-256)` })).toEqual([]);
    await client.close();
    await page.close();
  });
});

describe('failed writes', () => {
  it('leave the previous webstorage value readable', async () => {
    const row = ledger.open('Data integrity', "Webstorage writes that fail: over the quota (app and kit), a stale edit from the kit, an undecodable value from the kit, the storage's setItem throwing");
    const page = await openApp(started.browser, served.origin, 'db=0');
    const client = await connect(page);
    const local = client.storage('local', { namespace: 'rel' });
    await page.evaluate(() => (window as unknown as Any).app.local.set('kept', { v: 1 }));
    const read = () => page.evaluate(() => (window as unknown as Any).app.local.get('kept'));
    const storage = (await client.webstorages()).find((candidate) => candidate.kind === 'local' && candidate.namespace === 'rel')!;
    const attempts: [string, () => Promise<string>][] = [
      ['app over quota', () => page.evaluate(() => { try { (window as unknown as Any).app.local.set('kept', 'x'.repeat(12 << 20)); return 'stored'; } catch (error) { return (error as Error).name; } })],
      ['kit over quota', () => local.set('kept', Array.from({ length: 4 }, () => 'y'.repeat(1_500_000))).then(() => 'stored', codeOf)],
      ['kit stale edit', () => client.request(Command.webstorageSet, { storage: storage.id, key: 'kept', value: encode('stale'), baseVersion: 'h0' }).then(() => 'stored', codeOf)],
      ['kit undecodable', () => client.request(Command.webstorageSet, { storage: storage.id, key: 'kept', value: { $t: 'bigint', v: 'x' }, baseVersion: storage.keys.find((key) => key.key === 'kept')!.hash }).then(() => 'stored', codeOf)],
      ['setItem throws', () => page.evaluate(() => {
        const original = Storage.prototype.setItem;
        Storage.prototype.setItem = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
        try {
          (window as unknown as Any).app.local.set('other', 1);
          return 'other written to memory';
        } finally {
          Storage.prototype.setItem = original;
        }
      })],
    ];
    const lost: string[] = [];
    const outcomes: string[] = [];
    for (const [what, attempt] of attempts) {
      const outcome = await attempt();
      outcomes.push(`${what}: ${outcome}`);
      if (outcome === 'stored') lost.push(`${what}: the write went through`);
      const value = await read();
      if (!same(value, { v: 1 })) lost.push(`${what}: the previous value reads ${JSON.stringify(value)?.slice(0, 40)}`);
      if (!same(await local.get('kept'), { v: 1 })) lost.push(`${what}: the kit reads another value`);
    }
    expect(row.done({ times: attempts.length, lost, figures: outcomes.join('; ') })).toEqual([]);
    await client.close();
    await page.close();
  });

  it('leave the previous database row readable', async () => {
    const row = ledger.open('Data integrity', 'Database writes that fail: a value IndexedDB cannot clone, a row without its key, a duplicate add, an update of a missing row, a failing op inside a transaction, a stale edit and a malformed row from the kit, a cache value that cannot be cloned');
    const page = await openApp(started.browser, served.origin, 'name=integrity-rows');
    const client = await connect(page);
    await page.evaluate(async () => {
      const { db } = (window as unknown as Any).app;
      await db.table('records').put({ id: 'kept', v: 1 });
      await db.cache.set('cached', 'before');
    });
    const readRow = () => page.evaluate(async () => [await (window as unknown as Any).app.db.table('records').get('kept'), await (window as unknown as Any).app.db.cache.get('cached')]);
    const database = (await client.snapshot()).databases.find((candidate) => candidate.name === 'integrity-rows')!.id;
    /** A failing write the app makes, run in the page by name. */
    const inPage = (name: string) => () =>
      page.evaluate(async (which: string) => {
        const { db } = (window as unknown as Any).app;
        const cases: Record<string, () => Promise<unknown>> = {
          'uncloneable value': () => db.table('records').put({ id: 'kept', v: () => 2 }),
          'row without its key': () => db.table('records').put({ v: 2 }),
          'duplicate add': () => db.table('records').add({ id: 'kept', v: 2 }),
          'update of a missing row': () => db.table('records').update('missing', { v: 2 }),
          'failing op in a transaction': () =>
            db.transaction(['records'], 'readwrite', async (tx: Any) => {
              await tx.table('records').put({ id: 'kept', v: 2 });
              await tx.table('records').add({ id: 'kept', v: 3 });
            }),
          'uncloneable cache value': () => db.cache.set('cached', () => 'after'),
        };
        return cases[which]!().then(
          () => 'stored',
          (error: Error) => error.name,
        );
      }, name);
    const attempts: [string, () => Promise<string>][] = [
      ...['uncloneable value', 'row without its key', 'duplicate add', 'update of a missing row', 'failing op in a transaction', 'uncloneable cache value'].map(
        (name) => [name, inPage(name)] as [string, () => Promise<string>],
      ),
      ['kit stale edit', () => client.request(Command.dbPut, { database, table: 'records', value: encode({ id: 'kept', v: 2 }), baseVersion: 'h0' }).then(() => 'stored', codeOf)],
      ['kit row without its key', () => client.request(Command.dbPut, { database, table: 'records', value: encode({ v: 2 }), baseVersion: null }).then(() => 'stored', codeOf)],
    ];
    const lost: string[] = [];
    const outcomes: string[] = [];
    for (const [what, attempt] of attempts) {
      const outcome = await attempt();
      outcomes.push(`${what}: ${outcome}`);
      if (outcome === 'stored') lost.push(`${what}: the write went through`);
      const value = await readRow();
      if (!same(value, [{ id: 'kept', v: 1 }, 'before'])) lost.push(`${what}: reads ${JSON.stringify(value)}`);
    }
    const rows = await client.db('integrity-rows').table('records').query();
    if (!same(rows, [{ id: 'kept', v: 1 }])) lost.push(`the kit reads ${JSON.stringify(rows)}`);
    expect(row.done({ times: attempts.length, lost, figures: outcomes.join('; ') })).toEqual([]);
    await client.close();
    await page.close();
  });
});
