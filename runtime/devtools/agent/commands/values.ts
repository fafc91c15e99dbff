/** expand: a truncated part, encoded again, or one page of it. */
import { CodecError, resolvePath, type Path } from '../../../codec/index.js';
import { CommandError } from '../../../protocol/errors.js';
import type { ValueRef } from '../../../protocol/messages.js';
import type { Handlers } from '../context.js';
import { describePath } from '../describe-path.js';
import { redactedPaths, showPart } from '../show.js';
import { stateOf, target } from '../targets.js';
import { cacheRoot } from './cache.js';
import type { KeyHandles } from '../key-handles.js';
import { decodeKey, keyPlace, rowRoot, tableOf } from './db.js';

/** The value a ref points at, where redact() sees it, and a state's version read with it. */
async function resolveRef(ref: ValueRef, keys: KeyHandles): Promise<{ value: unknown; root: Path; version?: number }> {
  switch (ref.kind) {
    case 'state': {
      const { state } = stateOf(ref.store, ref.state);
      return { value: state.value, root: ['state', state.scope, state.key], version: state.version };
    }
    case 'webstorage': {
      const storage = target('webstorage', ref.storage);
      if (!storage.has(ref.key)) throw new CommandError('not-found', `namespace "${storage.namespace}" has no key "${ref.key}"`);
      return { value: storage.get(ref.key), root: ['webstorage', storage.namespace, ref.key] };
    }
    case 'row': {
      const db = target('database', ref.database);
      const key = keys.key(ref.key, 'the row key', keyPlace(ref.database, db, tableOf(db, ref.table)));
      const value = await db.table(ref.table).get(key);
      if (value === undefined) throw new CommandError('not-found', `table "${ref.table}" has no such row (deleted?)`);
      return { value, root: rowRoot(db, ref.table) };
    }
    case 'cache': {
      const db = target('database', ref.database);
      const key = decodeKey(ref.key, 'the cache key');
      const value = await db.cache.get(key);
      if (value === undefined) throw new CommandError('not-found', 'no such cache entry (deleted or expired?)');
      return { value, root: cacheRoot(db, key) };
    }
  }
}

/** The part at `path`, refused when redact() hides it or anything on the way to it. */
export async function resolveVisible(ref: ValueRef, path: Path, keys: KeyHandles): Promise<{ value: unknown; root: Path; hidden: Path[]; version?: number }> {
  const { value, root, version } = await resolveRef(ref, keys);
  // Before the path is looked up: a `not-found` there would tell which keys (or how many items)
  // a redacted part holds.
  const hidden = redactedPaths(value, root);
  if (hidden.some((secret) => secret.length <= path.length && secret.every((step, i) => step === path[i]))) {
    throw new CommandError('redacted', `${describePath(path)} is redacted by configureDevtools({ redact })`);
  }
  let part: unknown;
  try {
    part = resolvePath(value, path);
  } catch (error) {
    if (error instanceof CodecError) throw new CommandError('not-found', `${error.message} (the value changed? refresh)`);
    throw error;
  }
  return { value: part, root, hidden, ...(version !== undefined && { version }) };
}

export const valueCommands: Handlers<'expand'> = {
  async expand({ target: ref, path, offset, limit }, { blobs, keys }) {
    const { value, root, hidden, version } = await resolveVisible(ref, path, keys);
    // Paging loads on first use: most sessions never read past the display limits.
    if (offset !== undefined || limit !== undefined) return (await import('./expand-page.js')).expandPage(value, root, path, blobs, offset, limit, hidden);
    const shown = showPart(value, root, blobs, path, hidden);
    // A whole state (the panel pulling what a snapshot's preview left out) says which version it is,
    // so the panel never files a newer value under an older version. Read with the value: the
    // app's own promise work may set the state while this answer is made, and an older value
    // filed under the newer version would let an edit from the panel overwrite that set.
    if (ref.kind === 'state' && path.length === 0 && version !== undefined) return { ...shown, version };
    return shown;
  },

};
