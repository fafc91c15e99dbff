/**
 * The panel's row writes (dbPut, dbAdd, dbDelete), loaded with the edit chunk on the first write:
 * each checks the hash of the row the panel saw and writes in one readwrite transaction.
 */
import { keyAt } from '../../../db/schema.js';
import { CommandError } from '../../../protocol/errors.js';
import type { Hash } from '../../../protocol/messages.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { decodeEdit } from '../edit.js';
import { fingerprint } from '../show.js';
import { target } from '../targets.js';
import { DEVTOOLS } from '../watch.js';
import { keyPlace, rowRoot, tableOf } from './db.js';
import { keylessRefusal, putAt } from './out-of-line.js';

export const dbWrites: Handlers<'dbPut' | 'dbAdd' | 'dbDelete'> = {
  async dbPut({ database, table: name, value, baseVersion, key: shown, label }, { blobs, keys }) {
    const db = target('database', database);
    const info = tableOf(db, name);
    const place = keyPlace(database, db, info);
    const next = decodeEdit(value, blobs);
    if (info.key === null) {
      // Out-of-line keys: the row holds none, so only the key the panel names can place it.
      if (shown === undefined) throw keylessRefusal(name, 'a whole row without the key of the row the panel saw');
      const at = keys.key(shown, 'the key', place);
      guardRedacted(undefined, place.root, [], { value: next });
      return db.transaction([name], 'readwrite', async (tx) => {
        const table = tx.table(name);
        const current = await table.get(at);
        const hash: Hash | null = current === undefined ? null : fingerprint(current, place.root).hash;
        if (hash !== baseVersion) throw conflict(`row ${JSON.stringify(keys.show(at, place))} of "${name}"`, current, hash, place.root, blobs);
        guardRedacted(current, place.root, [], { value: next });
        await putAt(table, at, next);
        return { key: keys.show(at, place), hash: fingerprint(await table.get(at), place.root).hash };
      }, { label: label ?? `${DEVTOOLS}: put` });
    }
    const key = keyAt(next, info.key);
    if (key === undefined && !info.autoIncrement) {
      throw new CommandError('invalid', `the row has no key at ${JSON.stringify(info.key)}, and table "${name}" does not generate keys`);
    }
    // Before the row is read: a conflict or not would tell whether a key redact() hides exists.
    guardRedacted(undefined, place.root, [], { value: next });
    return db.transaction([name], 'readwrite', async (tx) => {
      const table = tx.table(name);
      const current = key === undefined ? undefined : await table.get(key);
      const hash: Hash | null = current === undefined ? null : fingerprint(current, place.root).hash;
      if (hash !== baseVersion) throw conflict(`row ${JSON.stringify(keys.show(key, place))} of "${name}"`, current, hash, place.root, blobs);
      guardRedacted(current, place.root, [], { value: next });
      const written = await table.put(next);
      const stored = await table.get(written);
      return { key: keys.show(written, place), hash: fingerprint(stored, place.root).hash };
    }, { label: label ?? `${DEVTOOLS}: put` });
  },

  async dbAdd({ database, table: name, value }, { blobs, keys }) {
    const db = target('database', database);
    const info = tableOf(db, name);
    // Out-of-line keys with no key generator: a new row has no key to go under (the inspector says the same).
    if (info.key === null && !info.autoIncrement) throw keylessRefusal(name, 'a new row');
    const place = keyPlace(database, db, info);
    const next = decodeEdit(value, blobs);
    guardRedacted(undefined, rowRoot(db, name), [], { value: next });
    return db.transaction([name], 'readwrite', async (tx) => {
      const table = tx.table(name);
      const written = await table.add(next);
      const stored = await table.get(written);
      return { key: keys.show(written, place), hash: fingerprint(stored, rowRoot(db, name)).hash };
    }, { label: `${DEVTOOLS}: add` });
  },

  async dbDelete({ database, table: name, key: encodedKey, baseVersion, label }, { blobs, keys }) {
    const db = target('database', database);
    const key = keys.key(encodedKey, 'the key', keyPlace(database, db, tableOf(db, name)));
    return db.transaction([name], 'readwrite', async (tx) => {
      const table = tx.table(name);
      const current = await table.get(key);
      const hash = current === undefined ? null : fingerprint(current, rowRoot(db, name)).hash;
      if (hash !== baseVersion) throw conflict(`row ${JSON.stringify(encodedKey)} of "${name}"`, current, hash, rowRoot(db, name), blobs);
      await table.delete(key);
      return { deleted: true };
    }, { label: label ?? `${DEVTOOLS}: delete` });
  },

};
