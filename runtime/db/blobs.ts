/**
 * Blob storage: metadata rows in `$blobs`, bytes in `$blobdata` as the Blob itself (IndexedDB and
 * memory keep the object, SQLite a BLOB column), so listing never reads bytes and nothing is
 * ever base64.
 */
import { BLOB_DATA_TABLE, BLOBS_TABLE } from './schema.js';
import { stamp, type OpHost } from './op.js';
import { blobKind } from './realm.js';
import type { BlobInfo, BlobStore } from './types.js';

const TABLES: readonly string[] = [BLOBS_TABLE, BLOB_DATA_TABLE];

function newId(): string {
  // randomUUID exists only in secure contexts; a plain-http page still gets 122 random bits.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function checkId(id: unknown, method: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError(`blobs.${method}: the id is the string blobs.put returned; got ${String(id)}.`);
  return id;
}

/**
 * `created` of the last blob put here: the next one is at least 1 ms later, so `list()` (by the
 * `created` index, ties by random id) keeps puts within one millisecond in the order they came.
 */
let lastCreated = 0;

function createdNow(): number {
  lastCreated = Math.max(Date.now(), lastCreated + 1);
  return lastCreated;
}

export class BlobStoreImpl implements BlobStore {
  private _host: OpHost;

  constructor(host: OpHost) {
    this._host = host;
  }

  put(blob: Blob, options: { name?: string; meta?: object } = {}): Promise<string> {
    const kind = blobKind(blob);
    if (!kind) return Promise.reject(new TypeError(`blobs.put: expected a Blob or File; got ${blob === null ? 'null' : typeof blob}.`));
    if (options === null || typeof options !== 'object') return Promise.reject(new TypeError(`blobs.put: options is an object { name?, meta? }; got ${options === null ? 'null' : typeof options}.`));
    const { name, meta } = options;
    if (name !== undefined && typeof name !== 'string') return Promise.reject(new TypeError('blobs.put: name must be a string.'));
    if (meta !== undefined && (meta === null || typeof meta !== 'object')) return Promise.reject(new TypeError(`blobs.put: meta must be an object; got ${meta === null ? 'null' : typeof meta}.`));
    const info: BlobInfo = {
      id: newId(),
      name: name ?? (kind === 'File' ? (blob as File).name : ''),
      type: blob.type,
      size: blob.size,
      created: createdNow(),
    };
    if (meta !== undefined) info.meta = meta;
    return this._host._op(TABLES, true, async (tx, changes) => {
      await Promise.all([tx.put(BLOBS_TABLE, info, true), tx.put(BLOB_DATA_TABLE, { id: info.id, data: blob }, true)]);
      changes.push({ type: 'put', table: BLOBS_TABLE, key: info.id });
      return info.id;
    }, stamp('blobs.put', this.put));
  }

  async get(id: string): Promise<Blob | undefined> {
    const key = checkId(id, 'get');
    const row = (await this._host._op(BLOB_DATA_TABLE, false, (tx) => tx.get(BLOB_DATA_TABLE, key))) as { data: Blob } | undefined;
    return row?.data;
  }

  async info(id: string): Promise<BlobInfo | undefined> {
    const key = checkId(id, 'info');
    return this._host._op(BLOBS_TABLE, false, (tx) => tx.get(BLOBS_TABLE, key)) as Promise<BlobInfo | undefined>;
  }

  list(): Promise<BlobInfo[]> {
    return this._host._op(BLOBS_TABLE, false, (tx) => tx.query(BLOBS_TABLE, { index: 'created', direction: 'next', offset: 0 })) as Promise<BlobInfo[]>;
  }

  async delete(id: string): Promise<void> {
    const key = checkId(id, 'delete');
    return this._host._op(TABLES, true, async (tx, changes) => {
      await Promise.all([tx.delete(BLOBS_TABLE, key), tx.delete(BLOB_DATA_TABLE, key)]);
      changes.push({ type: 'delete', table: BLOBS_TABLE, key });
    }, stamp('blobs.delete', this.delete));
  }

  async usage(): Promise<number> {
    const all = await this.list();
    return all.reduce((sum, info) => sum + info.size, 0);
  }
}
