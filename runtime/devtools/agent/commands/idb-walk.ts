/**
 * One IndexedDB cursor over a selection, on a connection of the agent's own: every row arrives in
 * a task of its own and is handed on at once, in one readonly transaction (one moment of the
 * table, as the app's own readwrite transactions are never interleaved with it).
 *
 * Why not the Table API: it answers a query only whole, and a read continued after a row of an
 * index needs (index key, primary key), which it cannot start from; by offset, Chromium walked
 * each repeated index key again per slice (a 12-value index of 100,000 rows: ~25 s). A cursor
 * continues where it is. The connection is the agent's, so the app's bundle carries none of this.
 */
import type { Range } from '../../../db/types.js';

/**
 * The range as IndexedDB's, or undefined for none. Throws for what IndexedDB refuses (a lower bound
 * above the upper one) and for what only the Table API converts (a BigInt bound) or words (`eq`
 * with another bound): the caller then reads through it, which answers or refuses as ever.
 */
function keyRange(range: Range | undefined): IDBKeyRange | undefined {
  if (!range) return undefined;
  const { eq, gt, gte, lt, lte } = range;
  if (Object.values(range).some((bound) => typeof bound === 'bigint')) throw new TypeError('a BigInt bound');
  if (eq !== undefined) {
    if (gt !== undefined || gte !== undefined || lt !== undefined || lte !== undefined) throw new TypeError('eq with another bound');
    return IDBKeyRange.only(eq);
  }
  if ((gt !== undefined && gte !== undefined) || (lt !== undefined && lte !== undefined)) throw new TypeError('two bounds on one side');
  const lower = gt ?? gte;
  const upper = lt ?? lte;
  if (lower !== undefined && upper !== undefined) return IDBKeyRange.bound(lower, upper, gt !== undefined, lt !== undefined);
  if (lower !== undefined) return IDBKeyRange.lowerBound(lower, gt !== undefined);
  return upper === undefined ? undefined : IDBKeyRange.upperBound(upper, lt !== undefined);
}

/**
 * Calls `visit` with each row of `table` (through `index`) in `range` and `direction`, from the
 * `skip`th entry on, until it returns false. Resolves to
 * false, having read nothing, when the database cannot be opened as it is (it was deleted, or is
 * being upgraded past what the cursor could read): the caller then reads through the Table API.
 * An error `visit` throws ends the walk and rejects with it.
 */
export function walkIndexedDb(
  name: string,
  table: string,
  index: string | undefined,
  range: Range | undefined,
  direction: 'next' | 'prev',
  visit: (row: unknown) => boolean,
  skip = 0,
): Promise<boolean> {
  let bounds: IDBKeyRange | undefined;
  try {
    bounds = keyRange(range);
  } catch {
    // Not a range this walk reads as the Table API would: the Table API reads it (or words the refusal).
    return Promise.resolve(false);
  }
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    // No version asked: only a database that does not exist (any more) would be created here.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = (event) => {
      // Handled: the fallback reads instead, and the error says nothing the Table API will not.
      event.preventDefault();
      resolve(false);
    };
    open.onsuccess = () => {
      const db = open.result;
      // The app upgrades or deletes it: step aside at once (a running walk still finishes).
      db.onversionchange = () => db.close();
      let failure: unknown;
      let tx: IDBTransaction;
      let request: IDBRequest<IDBCursorWithValue | null>;
      try {
        tx = db.transaction(table, 'readonly');
        const store = tx.objectStore(table);
        request = (index === undefined ? store : store.index(index)).openCursor(bounds, direction);
      } catch {
        // The table or index is not (or no longer) there as the app's connection sees it.
        db.close();
        resolve(false);
        return;
      }
      let skipped = skip === 0;
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor) return;
        if (!skipped) {
          // Entries before `skip` are passed over without being read into the page.
          skipped = true;
          cursor.advance(skip);
          return;
        }
        let more: boolean;
        try {
          more = visit(cursor.value);
        } catch (error) {
          failure = error;
          tx.abort();
          return;
        }
        // Enough: no further request, and the transaction completes.
        if (more) cursor.continue();
      };
      tx.oncomplete = () => {
        db.close();
        resolve(true);
      };
      tx.onabort = () => {
        db.close();
        reject(failure ?? tx.error ?? new DOMException(`reading "${table}" of "${name}" was aborted`, 'AbortError'));
      };
    };
  });
}
