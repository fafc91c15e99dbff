/**
 * `edit`: one command for every stratum. The agent reads the CURRENT value (a state, a webstorage
 * key, a row, a cache entry), checks it against the version the client read (a state's version,
 * else the hash of the value), applies the path edit with applyEdit and writes the result through
 * the stratum's own API, labelled `devtools: edit <path>` so the timeline and history show it.
 * The client sends only the path and the new part: a value cut for display elsewhere stays whole.
 */
import { pathText } from '../../../codec/encoded.js';
import type { Path } from '../../../codec/index.js';
import { compareKeys, type Key } from '../../../db/keys.js';
import { CACHE_TABLE, keyAt } from '../../../db/schema.js';
import { CommandError } from '../../../protocol/errors.js';
import type { CommandRequest, Hash, ValueRef } from '../../../protocol/messages.js';
import { conflict, guardRedacted, type Context, type Handlers } from '../context.js';
import { applyEdit, decodeEdit, guardClasses, liveAt } from '../edit.js';
import { editFar } from '../edit-far.js';
import { fingerprint } from '../show.js';
import { DEVTOOLS } from '../watch.js';
import { versionOf } from '../recreated.js';
import { stateOf, target } from '../targets.js';
import { cacheRoot, withCache, type CacheRow } from './cache.js';
import { decodeKey, keyPlace, rowRoot, tableOf } from './db.js';
import { dbWrites } from './db-write.js';
import { putAt } from './out-of-line.js';
import { stateCommands } from './state.js';
import { webstorageCommands } from './webstorage.js';

type Edit = CommandRequest<'edit'>;

/** A path as people read it in a label: `title`, `items[3]`, `meta["odd key"]`. */
export function pathLabel(path: Path): string {
  return path.length === 0 ? '(whole value)' : pathText(path);
}

/** The new part the edit writes (decoded), checked for what the op needs. */
function newPart({ op, value }: Edit, context: Context): unknown {
  if ((op === 'set' || op === 'insert') && value === undefined) throw new CommandError('invalid', `${op} needs a value`);
  return value === undefined ? undefined : decodeEdit(value, context.blobs);
}

/** The whole value after the edit, refused when it touches what redact() hides. */
function edited(current: unknown, root: Path, edit: Edit, decoded: unknown): unknown {
  const { path, op, to } = edit;
  guardRedacted(current, root, path, op === 'set' || op === 'insert' ? { value: decoded } : undefined);
  // The value renamed lands under `to`: where redact() hides that name, the panel would be writing it.
  if (op === 'rename' && to !== undefined) guardRedacted(current, root, [...path.slice(0, -1), to], { value: liveAt(current, path) });
  const next = op === 'set' || op === 'insert' ? guardClasses(decoded, op === 'set' ? liveAt(current, path) : undefined, path) : decoded;
  return applyEdit(current, path, op, next, to, editFar);
}

function stale(edit: Edit, version: number | Hash | null): boolean {
  return edit.baseVersion !== undefined && edit.baseVersion !== version;
}

function sameKey(a: Key | undefined, b: Key): boolean {
  return a !== undefined && compareKeys(a, b) === 0;
}

function labelOf(edit: Edit): string {
  return edit.label ?? `devtools: edit ${pathLabel(edit.path)}`;
}

/**
 * Synchronous from the version check to the set (nothing can slip in between), and answered at
 * once, as stateSet is: the answer leaves before the delta the set queued.
 */
function editState(ref: Extract<ValueRef, { kind: 'state' }>, edit: Edit, context: Context): { version: number } {
  const next = newPart(edit, context);
  const { state } = stateOf(ref.store, ref.state);
  const root = ['state', state.scope, state.key];
  const version = versionOf(ref.store, state);
  if (stale(edit, version)) {
    const again = version === state.version ? '' : ', deleted and created again';
    throw conflict(`state "${state.key}" (version ${String(edit.baseVersion)} → ${state.version}${again})`, state.value, version, root, context.blobs);
  }
  state.set(edited(state.value, root, edit, next), { label: labelOf(edit) });
  return { version: state.version };
}

async function editTarget(ref: Exclude<ValueRef, { kind: 'state' }>, edit: Edit, context: Context): Promise<{ version: number | Hash }> {
  const next = newPart(edit, context);
  const label = labelOf(edit);
  switch (ref.kind) {
    case 'webstorage': {
      const storage = target('webstorage', ref.storage);
      if (!storage.has(ref.key)) throw new CommandError('not-found', `namespace "${storage.namespace}" has no key "${ref.key}"`);
      const root = ['webstorage', storage.namespace, ref.key];
      const current = storage.get(ref.key);
      const hash = fingerprint(current, root).hash;
      if (stale(edit, hash)) throw conflict(`key "${ref.key}" of ${storage.backend} namespace "${storage.namespace}"`, current, hash, root, context.blobs);
      const value = edited(current, root, edit, next);
      context.label(label, () => storage.set(ref.key, value));
      return { version: fingerprint(storage.get(ref.key), root).hash };
    }
    case 'row': {
      const db = target('database', ref.database);
      const info = tableOf(db, ref.table);
      const key = context.keys.key(ref.key, 'the row key', keyPlace(ref.database, db, info));
      const root = rowRoot(db, ref.table);
      // Check and write in one readwrite transaction: another tab cannot slip a write in between.
      return db.transaction([ref.table], 'readwrite', async (tx) => {
        const table = tx.table(ref.table);
        const current = await table.get(key);
        if (current === undefined) throw new CommandError('not-found', `table "${ref.table}" has no such row (deleted?)`);
        const hash = fingerprint(current, root).hash;
        if (stale(edit, hash)) throw conflict(`row ${JSON.stringify(ref.key)} of "${ref.table}"`, current, hash, root, context.blobs);
        const value = edited(current, root, edit, next);
        if (info.key === null) {
          // Out-of-line keys: no edit of the row changes its key; it is written back where it was.
          await putAt(table, key, value);
          return { version: fingerprint(await table.get(key), root).hash };
        }
        if (!sameKey(keyAt(value, info.key), key)) {
          throw new CommandError('invalid', `the edit would change the row's key (${JSON.stringify(info.key)}): add a row with the new key and delete this one instead`);
        }
        await table.put(value);
        return { version: fingerprint(await table.get(key), root).hash };
      }, { label });
    }
    case 'cache': {
      const db = target('database', ref.database);
      tableOf(db, CACHE_TABLE);
      const key = decodeKey(ref.key, 'the cache key');
      const root = cacheRoot(db, key);
      return db.transaction([CACHE_TABLE], 'readwrite', async (tx) => {
        const table = tx.table(CACHE_TABLE);
        const row = (await table.get(key)) as { key: unknown; value: unknown; expires: number | null } | undefined;
        if (row === undefined || (row.expires !== null && row.expires <= Date.now())) {
          throw new CommandError('not-found', 'no such cache entry (deleted or expired?)');
        }
        const hash = fingerprint(row.value, root).hash;
        if (stale(edit, hash)) throw conflict(`cache entry ${JSON.stringify(ref.key)} of "${db.name}"`, row.value, hash, root, context.blobs);
        // The entry keeps its expiry: an edit is not a fresh cache.set.
        const value = edited(row.value, root, edit, next);
        await table.put({ ...row, value });
        return { version: fingerprint(value, root).hash };
      }, { label });
    }
  }
}

export const editCommands: Handlers<'edit'> = {
  edit(payload, context) {
    const { target: ref } = payload;
    return ref.kind === 'state' ? editState(ref, payload, context) : editTarget(ref, payload, context);
  },
};

/**
 * The panel's writes of whole cache entries, here for the same reason as edits (loaded on the
 * first one). Each takes the hash the panel listed and checks it in the transaction that writes,
 * as a row's put and delete do.
 */
export const cacheWrites: Handlers<'cacheSet' | 'cacheDelete'> = {
  async cacheSet({ database, key: encodedKey, value, ttl, baseVersion }, { blobs }) {
    const db = withCache(database);
    const key = decodeKey(encodedKey, 'the cache key');
    const next = decodeEdit(value, blobs);
    const root = cacheRoot(db, key);
    if (ttl !== undefined && !(ttl > 0)) throw new CommandError('invalid', `ttl is a number of milliseconds > 0 (omit it for no expiry); got ${ttl}`);
    // The check and the write in one transaction, so the app cannot slip a set in between; the row
    // as cache.set writes it (db.cache.set would open a transaction of its own).
    await db.transaction([CACHE_TABLE], 'readwrite', async (tx) => {
      const table = tx.table(CACHE_TABLE);
      let row = (await table.get(key)) as CacheRow | undefined;
      if (row && row.expires !== null && row.expires <= Date.now()) row = undefined;
      const hash = row ? fingerprint(row.value, root).hash : null;
      if (baseVersion !== undefined && hash !== baseVersion) throw conflict(`cache entry ${JSON.stringify(encodedKey)} of "${db.name}"`, row?.value, hash, root, blobs);
      guardRedacted(row?.value, root, [], { value: next });
      await table.put({ key, value: next, expires: ttl === undefined ? null : Date.now() + ttl } satisfies CacheRow);
    }, { label: `${DEVTOOLS}: cache.set` });
    return { hash: fingerprint(next, root).hash };
  },

  async cacheDelete({ database, key: encodedKey, baseVersion }, { blobs }) {
    const db = withCache(database);
    const key = decodeKey(encodedKey, 'the cache key');
    if (baseVersion === undefined) await db.cache.delete(key);
    else {
      // As a row's delete: only the value the panel listed goes, in one transaction with the check.
      await db.transaction([CACHE_TABLE], 'readwrite', async (tx) => {
        const table = tx.table(CACHE_TABLE);
        const row = (await table.get(key)) as CacheRow | undefined;
        const root = cacheRoot(db, key);
        const hash = row === undefined ? null : fingerprint(row.value, root).hash;
        if (hash !== baseVersion) throw conflict(`cache entry ${JSON.stringify(encodedKey)} of "${db.name}"`, row?.value, hash, root, blobs);
        await table.delete(key);
      }, { label: `${DEVTOOLS}: cache.delete` });
    }
    return { deleted: true };
  },
};

/** Every command that writes (loaded together on the first one): a session that only looks never needs them. */
export type Write = 'edit' | 'cacheSet' | 'cacheDelete' | 'stateSet' | 'webstorageSet' | 'webstorageRemove' | 'webstorageClear' | 'dbPut' | 'dbAdd' | 'dbDelete';

export const writes: Handlers<Write> = { ...editCommands, ...cacheWrites, ...stateCommands, ...webstorageCommands, ...dbWrites };
