/**
 * A database as localForage or a hand-written upgrade leaves it: an object store without a key
 * path ('legacy', out-of-line keys, with an index) beside a table Stratum declares ('notes'), in
 * the IndexedDB given (fake-indexeddb in tests). Opened by Stratum at the same version, so no
 * upgrade runs and the foreign store stays.
 */
export const LEGACY_ROWS: [string, unknown][] = [
  ['k1', { tag: 'a', text: 'first zebra' }],
  ['k2', { tag: 'b', text: 'second' }],
  ['k3', 'a plain string, as localForage stores one'],
];

export function makeLegacyDatabase(factory: IDBFactory, name: string, rows: [string, unknown][] = LEGACY_ROWS): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = factory.open(name, 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      const legacy = db.createObjectStore('legacy');
      legacy.createIndex('byTag', 'tag');
      for (const [key, value] of rows) legacy.put(value, key);
      const notes = db.createObjectStore('notes', { keyPath: 'id' });
      notes.put({ id: 1, text: 'a note' });
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      open.result.close();
      resolve();
    };
  });
}
