/** expand (a truncated part, encoded again, or one page of it) and storeAsGlobal (`window.$stratum`, no eval). */
import { BlobRef, CodecError, decode, resolvePath, type Path } from '../../../codec/index.js';
import { CommandError } from '../../../protocol/errors.js';
import type { ValueRef } from '../../../protocol/messages.js';
import type { Handlers } from '../context.js';
import { REDACTED } from '../redact.js';
import { redactedPaths, showPart, type InlineBlobs } from '../show.js';
import { stateOf, target } from '../targets.js';
import { cacheRoot } from './cache.js';
import { decodeKey, rowRoot } from './db.js';

/** The value a ref points at, where redact() sees it, and a state's version read with it. */
async function resolveRef(ref: ValueRef): Promise<{ value: unknown; root: Path; version?: number }> {
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
      const value = await db.table(ref.table).get(decodeKey(ref.key, 'the row key'));
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
async function resolveVisible(ref: ValueRef, path: Path): Promise<{ value: unknown; root: Path; hidden: Path[]; version?: number }> {
  const { value, root, version } = await resolveRef(ref);
  // Before the path is looked up: a `not-found` there would tell which keys (or how many items)
  // a redacted part holds.
  const hidden = redactedPaths(value, root);
  if (hidden.some((secret) => secret.length <= path.length && secret.every((step, i) => step === path[i]))) {
    throw new CommandError('redacted', `${JSON.stringify(path)} is redacted by configureDevtools({ redact })`);
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

export const valueCommands: Handlers<'expand' | 'storeAsGlobal'> = {
  async expand({ target: ref, path, offset, limit }, { blobs }) {
    const { value, root, hidden, version } = await resolveVisible(ref, path);
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

  async storeAsGlobal({ target: ref, path }, { blobs }) {
    const { value, root, hidden } = await resolveVisible(ref, path);
    const below = hidden.filter((secret) => secret.length > path.length && path.every((step, i) => step === secret[i]));
    if (below.length === 0) {
      (globalThis as { $stratum?: unknown }).$stratum = value;
      // Chrome's "Store as global variable" prints the name it chose; so does this.
      console.info('stratum devtools: $stratum =', value);
      return { name: '$stratum' };
    }
    // What the panel shows, as a stateSanitizer'd value reaches Redux DevTools: the redacted parts
    // as `[redacted]`, everything else of the same types. A copy, so the console neither reads a
    // secret through it nor writes one the page would keep (the live value would expose both).
    const copy = redactedCopy(value, root, path, hidden, blobs);
    (globalThis as { $stratum?: unknown }).$stratum = copy;
    console.info(`stratum devtools: $stratum = (a copy: ${below.length} redacted part${below.length === 1 ? '' : 's'} replaced by "${REDACTED}")`, copy);
    return { name: '$stratum' };
  },
};

/** `value` (the part at `path`) encoded whole, redacted as the panel sees it, and decoded again; blobs stay themselves. */
function redactedCopy(value: unknown, root: Path, path: Path, hidden: Path[], blobs: InlineBlobs): unknown {
  const shown = showPart(value, root, blobs, path, hidden, {});
  const copy = decode(shown.value);
  return withBlobs(copy, blobs, new Set());
}

/** The decoded copy with every BlobRef the agent holds the Blob of swapped back for that Blob. */
function withBlobs(node: unknown, blobs: InlineBlobs, seen: Set<object>): unknown {
  if (node instanceof BlobRef) return (node.ref !== null && blobs.get(node.ref)) || node;
  if (typeof node !== 'object' || node === null || seen.has(node)) return node;
  seen.add(node);
  if (node instanceof Map) {
    const entries = [...node].map(([k, v]) => [withBlobs(k, blobs, seen), withBlobs(v, blobs, seen)] as const);
    node.clear();
    for (const [k, v] of entries) node.set(k, v);
  } else if (node instanceof Set) {
    const items = [...node].map((item) => withBlobs(item, blobs, seen));
    node.clear();
    for (const item of items) node.add(item);
  } else {
    for (const key of Object.keys(node)) {
      const record = node as Record<string, unknown>;
      const next = withBlobs(record[key], blobs, seen);
      if (next !== record[key]) Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
    }
  }
  return node;
}
