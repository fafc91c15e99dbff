/**
 * webstorageSet / Remove / Clear. A key has no version, so the panel sends the hash of the value
 * it saw (null: it saw no such key); a different hash now is a `conflict`. Check and write run in
 * one synchronous step, so no page code runs between them.
 */
import { CommandError } from '../../../protocol/errors.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { DEVTOOLS } from '../watch.js';
import { decodeEdit } from '../edit.js';
import { fingerprint } from '../show.js';
import { target, type WebStorageLike } from '../targets.js';
import type { InlineBlobs } from '../show.js';

function checkBase(storage: WebStorageLike, key: string, baseVersion: string | null, blobs: InlineBlobs): unknown {
  const exists = storage.has(key);
  const current = exists ? storage.get(key) : undefined;
  const hash = exists ? fingerprint(current, ['webstorage', storage.namespace, key]).hash : null;
  if (hash !== baseVersion) {
    throw conflict(`key "${key}" of ${storage.backend} namespace "${storage.namespace}"`, current, hash, ['webstorage', storage.namespace, key], blobs);
  }
  return current;
}

export const webstorageCommands: Handlers<'webstorageSet' | 'webstorageRemove' | 'webstorageClear'> = {
  webstorageSet({ storage: id, key, value, baseVersion, label }, { blobs, label: labelled }) {
    const storage = target('webstorage', id);
    if (key === '') throw new CommandError('invalid', 'a webstorage key may not be empty');
    const current = checkBase(storage, key, baseVersion, blobs);
    const next = decodeEdit(value, blobs);
    guardRedacted(current, ['webstorage', storage.namespace, key], [], { value: next });
    labelled(label ?? `${DEVTOOLS}: set`, () => storage.set(key, next));
    return { hash: fingerprint(storage.get(key), ['webstorage', storage.namespace, key]).hash };
  },

  webstorageRemove({ storage: id, key, baseVersion, label }, { blobs, label: labelled }) {
    const storage = target('webstorage', id);
    checkBase(storage, key, baseVersion, blobs);
    labelled(label ?? `${DEVTOOLS}: remove`, () => storage.remove(key));
    return { removed: true };
  },

  webstorageClear({ storage: id }, { label: labelled }) {
    const storage = target('webstorage', id);
    const removed = storage.keys().length;
    labelled(`${DEVTOOLS}: clear`, () => storage.clear());
    return { removed };
  },
};
