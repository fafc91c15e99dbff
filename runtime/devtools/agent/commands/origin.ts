/**
 * Cache Storage and the origin private file system (OPFS), read-only with sizes (issue 21, part 5):
 * what else of the origin takes space, beside IndexedDB and webstorage. Shared by the agent and by
 * the extension's page storage inspector, so it reads only what it is handed (no registry).
 */
import type { CacheStorageInfo, OpfsFile, OriginStores } from '../../../protocol/messages.js';

/** Entries sized per cache: a response's size is its Content-Length, else its body read whole. */
export const MAX_SIZED_ENTRIES = 500;
/** Files listed; the walk counts up to MAX_OPFS_WALK entries in all. */
export const MAX_OPFS_FILES = 1000;
export const MAX_OPFS_WALK = 10_000;

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function responseSize(response: Response | undefined): Promise<number> {
  if (!response) return 0;
  const length = Number(response.headers.get('content-length'));
  if (response.headers.has('content-length') && Number.isFinite(length)) return length;
  // Opaque responses (no-cors) hide their body: the browser pads them in quota; 0 here, not a guess.
  if (response.type === 'opaque') return 0;
  return (await response.blob()).size;
}

export async function cacheStores(caches: CacheStorage | undefined): Promise<OriginStores['caches']> {
  if (!caches) return { unavailable: 'Cache Storage is missing here (not a secure context?)' };
  try {
    const out: CacheStorageInfo[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      const requests = await cache.keys();
      let bytes = 0;
      for (const request of requests.slice(0, MAX_SIZED_ENTRIES)) bytes += await responseSize(await cache.match(request));
      out.push({ name, entries: requests.length, bytes, ...(requests.length > MAX_SIZED_ENTRIES && { partial: true as const }) });
    }
    return out;
  } catch (error) {
    return { unavailable: reason(error) };
  }
}

type Directory = FileSystemDirectoryHandle & { entries(): AsyncIterator<[string, FileSystemHandle]> };

export async function opfsFiles(storage: StorageManager | undefined): Promise<OriginStores['opfs']> {
  if (typeof storage?.getDirectory !== 'function') return { unavailable: 'the origin private file system is missing here' };
  try {
    const files: OpfsFile[] = [];
    let count = 0;
    let bytes = 0;
    let walked = 0;
    const pending: [string, Directory][] = [['', (await storage.getDirectory()) as Directory]];
    while (pending.length > 0 && walked < MAX_OPFS_WALK) {
      const [prefix, directory] = pending.shift()!;
      // next() by hand, not for await: in a Firefox content script the iterator comes through an
      // Xray wrapper that hides Symbol.asyncIterator ("entries() is not iterable").
      const entries = directory.entries();
      for (let step = await entries.next(); !step.done; step = await entries.next()) {
        const [name, handle] = step.value;
        if (++walked > MAX_OPFS_WALK) break;
        const path = `${prefix}/${name}`;
        if (handle.kind === 'directory') pending.push([path, handle as Directory]);
        else {
          const size = (await (handle as FileSystemFileHandle).getFile()).size;
          count++;
          bytes += size;
          if (files.length < MAX_OPFS_FILES) files.push({ path, size });
        }
      }
    }
    return { files, count, bytes, ...((walked > MAX_OPFS_WALK || pending.length > 0) && { partial: true as const }) };
  } catch (error) {
    return { unavailable: reason(error) };
  }
}

export async function originStores(scope: { caches?: CacheStorage; navigator?: { storage?: StorageManager } }): Promise<OriginStores> {
  const [caches, opfs] = await Promise.all([cacheStores(scope.caches), opfsFiles(scope.navigator?.storage)]);
  return { caches, opfs };
}
