import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';
import { asIfFromAnotherRealm } from '../../../test/helpers/other-realm.js';

contract((t, { open }) => {
  describe(`${t.label}: cache`, () => {
    it('get/set/delete/clear/keys, TTL expiry on a fake clock, prune counts what it removed', async () => {
      let now = 1_000;
      const db = await open({ cache: { now: () => now } });
      await db.cache.set('forever', { a: 1 });
      await db.cache.set('short', 'soon gone', { ttl: 100 });
      await db.cache.set('long', new Date(5), { ttl: 10_000 });
      expect(await db.cache.get('short')).toBe('soon gone');
      expect(await db.cache.keys()).toEqual(['forever', 'long', 'short']);
      now = 1_100;
      expect(await db.cache.get('short')).toBeUndefined();
      expect(await db.cache.keys()).toEqual(['forever', 'long']);
      expect(await db.cache.prune()).toBe(1);
      expect(await db.table('$cache').count()).toBe(2);
      expect(await db.cache.prune()).toBe(0);
      expect(await db.cache.get('long')).toEqual(new Date(5));
      await db.cache.delete('long');
      expect(await db.cache.keys()).toEqual(['forever']);
      await db.cache.clear();
      expect(await db.cache.keys()).toEqual([]);
      await expect(db.cache.set('x', 1, { ttl: -5 })).rejects.toThrow(/ttl/);
    });

    it('keeps an entry with a very long ttl (far beyond what a server expiry can hold)', async () => {
      const db = await open({ cache: true });
      await db.cache.set('long', 'kept', { ttl: 1e300 });
      expect(await db.cache.get('long')).toBe('kept');
      expect(await db.cache.prune()).toBe(0);
    });

    it('says in words when the layout was not asked for', async () => {
      const db = await open();
      expect(() => db.cache).toThrow(/cache: true/);
      expect(() => db.blobs).toThrow(/blobs: true/);
    });
  });


  describe(`${t.label}: blobs`, () => {
    it('stores a 1 MB blob natively and returns the same bytes and type; File names are kept', async () => {
      const db = await open({ blobs: true });
      const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
      const id = await db.blobs.put(new Blob([bytes], { type: 'application/x-test' }), { meta: { source: 'unit' } });
      const back = await db.blobs.get(id);
      expect(back?.type).toBe('application/x-test');
      expect(new Uint8Array(await (back as Blob).arrayBuffer())).toEqual(bytes);
      const file = await db.blobs.put(new File(['hello'], 'hello.txt', { type: 'text/plain' }));
      expect(await db.blobs.info(file)).toMatchObject({ id: file, name: 'hello.txt', type: 'text/plain', size: 5 });
      expect(await (await db.blobs.get(file))?.text()).toBe('hello');
      const info = await db.blobs.info(id);
      expect(info).toMatchObject({ id, name: '', size: bytes.length, meta: { source: 'unit' } });
      expect(typeof info?.created).toBe('number');
      expect((await db.blobs.list()).map((entry) => entry.id)).toEqual([id, file]);
      expect(await db.blobs.usage()).toBe(bytes.length + 5);
      await db.blobs.delete(id);
      expect(await db.blobs.get(id)).toBeUndefined();
      expect(await db.blobs.info(id)).toBeUndefined();
      expect(await db.blobs.usage()).toBe(5);
    });

    it('lists blobs oldest first even when several are put within one millisecond', async () => {
      const db = await open({ blobs: true });
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await db.blobs.put(new Blob([String(i)])));
      expect((await db.blobs.list()).map((entry) => entry.id)).toEqual(ids);
    });

    it('keeps a Blob and a File made in another realm (an iframe) with their type, name, date and bytes', async () => {
      const db = await open({ blobs: true });
      const blob = asIfFromAnotherRealm(new Blob(['from a frame'], { type: 'text/plain' }));
      const file = asIfFromAnotherRealm(new File(['{"a":1}'], 'frame.json', { type: 'application/json', lastModified: 1234 }));
      const blobId = await db.blobs.put(blob);
      const fileId = await db.blobs.put(file);
      expect(await db.blobs.info(blobId)).toMatchObject({ name: '', type: 'text/plain', size: 12 });
      expect(await db.blobs.info(fileId)).toMatchObject({ name: 'frame.json', type: 'application/json', size: 7 });
      const back = await db.blobs.get(blobId);
      expect(back).toBeInstanceOf(Blob);
      expect(back?.type).toBe('text/plain');
      expect(await back?.text()).toBe('from a frame');
      // Read back as this realm's File is: Node's structuredClone (memory, fake-indexeddb) turns
      // every File into a Blob, a browser's keeps it, as SQLite and the servers do.
      const ours = (await db.blobs.get(await db.blobs.put(new File(['{"a":1}'], 'frame.json', { type: 'application/json', lastModified: 1234 })))) as File;
      const backFile = (await db.blobs.get(fileId)) as File;
      const shape = (blob: File) => ({ class: blob.constructor.name, name: blob.name, lastModified: blob.lastModified, type: blob.type });
      expect(shape(backFile)).toEqual(shape(ours));
      if (t.kind !== 'memory' && t.kind !== 'indexeddb') expect(shape(backFile)).toEqual({ class: 'File', name: 'frame.json', lastModified: 1234, type: 'application/json' });
      expect(await backFile.text()).toBe('{"a":1}');
    });

    it('refuses what is not a Blob in words, a look-alike from another realm too, storing nothing', async () => {
      const db = await open({ blobs: true });
      await expect(db.blobs.put('text' as never)).rejects.toThrow('blobs.put: expected a Blob or File; got string.');
      await expect(db.blobs.put(null as never)).rejects.toThrow('blobs.put: expected a Blob or File; got null.');
      const fake = vm.runInNewContext("({ [Symbol.toStringTag]: 'Blob', size: 3, type: 'text/plain' })") as never;
      await expect(db.blobs.put(fake)).rejects.toThrow('blobs.put: expected a Blob or File; got object.');
      expect(await db.blobs.list()).toEqual([]);
    });

    it('refuses bad options to blobs.put in words, storing nothing', async () => {
      const db = await open({ blobs: true });
      await expect(db.blobs.put(new Blob(['x']), null as never)).rejects.toThrow(/blobs\.put: options/);
      await expect(db.blobs.put(new Blob(['x']), { meta: 'x' as never })).rejects.toThrow(/blobs\.put: meta/);
      expect(await db.blobs.list()).toEqual([]);
    });
  });

});
