/**
 * Blob commands: list, bytes by range (chunked, pulled by the panel), chunked upload, delete.
 * `database: 0` addresses blobs met inside values (a File in a state), by the `ref` of their
 * encoded node; those can be read, not replaced.
 */
import { bytesToBase64 } from '../../../codec/base64.js';
import { encode, type Encoded } from '../../../codec/index.js';
import type { Database } from '../../../db/types.js';
import { CommandError } from '../../../protocol/errors.js';
import { config } from '../../../registry/registry.js';
import { BLOB_PAGE, MAX_BLOB_CHUNK } from '../../../protocol/messages.js';
import type { Handlers } from '../context.js';
import { applyRedaction } from '../redact.js';
import { target } from '../targets.js';

const INLINE = 0;
/** A listing shows meta at a glance; the page stays small however much meta each blob has. */
const META_LIMITS = { maxString: 500, maxEntries: 20, maxDepth: 4, maxBytes: 1024 };

/**
 * A blob's meta as the listing shows it: cut to a preview, and what redact() hides there
 * `[redacted]`, asked at the path a snapshot export asks (`['db', name, '$blobs', id, 'meta']`).
 */
function showMeta(db: Database, id: string, meta: object): Encoded {
  const encoded = encode(meta, META_LIMITS);
  const redact = config.redact;
  return redact ? applyRedaction(encoded, meta, redact, ['db', db.name, '$blobs', id, 'meta']).value : encoded;
}

function withBlobs(database: number): Database {
  const db = target('database', database);
  if (!db.tables().some((table) => table.name === '$blobs')) {
    throw new CommandError('not-found', `database "${db.name}" has no blob storage: open it with { blobs: true }`);
  }
  return db;
}

export const blobCommands: Handlers<
  'blobList' | 'blobRead' | 'blobPutStart' | 'blobPutChunk' | 'blobPutEnd' | 'blobPutAbort' | 'blobDelete'
> = {
  async blobList({ database, offset = 0, limit = BLOB_PAGE }) {
    const db = withBlobs(database);
    const list = await db.blobs.list();
    const page = list.slice(offset, offset + Math.min(limit, BLOB_PAGE));
    return {
      usage: list.reduce((sum, info) => sum + info.size, 0),
      total: list.length,
      offset,
      blobs: page.map(({ id, name, type, size, created, meta }) => ({
        id,
        name,
        type,
        size,
        created,
        ...(meta !== undefined && { meta: showMeta(db, id, meta) }),
      })),
    };
  },

  async blobRead({ database, id, offset, length }, { blobs }) {
    const blob = database === INLINE ? blobs.get(id) : await withBlobs(database).blobs.get(id);
    if (!blob) throw new CommandError('not-found', `no blob ${id}${database === INLINE ? ' in the values shown (refresh)' : ''}`);
    if (offset > blob.size) throw new CommandError('invalid', `offset ${offset} is past the end of a ${blob.size}-byte blob`);
    const end = Math.min(blob.size, offset + Math.min(length, MAX_BLOB_CHUNK));
    const bytes = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    return { offset, bytes: bytesToBase64(bytes), size: blob.size, type: blob.type };
  },

  blobPutStart({ database, size, type, name, replace }, { uploads }) {
    withBlobs(database);
    return { upload: uploads.start({ database, size, type, name, replace }) };
  },

  blobPutChunk({ upload, offset, bytes }, { uploads }) {
    return { received: uploads.chunk(upload, offset, bytes) };
  },

  async blobPutEnd({ upload: id }, { uploads }) {
    const { upload, blob } = uploads.finish(id);
    const db = withBlobs(upload.database);
    const stored = await db.blobs.put(blob, upload.name === undefined ? {} : { name: upload.name });
    // BlobStore has no in-place replace: the new blob gets a new id, the old one goes once it is safe.
    if (upload.replace !== undefined) await db.blobs.delete(upload.replace);
    return { id: stored };
  },

  blobPutAbort({ upload }, { uploads }) {
    return { aborted: uploads.abort(upload) };
  },

  async blobDelete({ database, id }) {
    await withBlobs(database).blobs.delete(id);
    return { deleted: true };
  },
};
