/**
 * Closing a Redis database lets the transactions under way finish, as IndexedDB's close() does:
 * each holds the database's lock, and a connection cut under one left the lock held until its
 * TTL, so every other process waited that long (15 s by default).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openDatabase } from '../../runtime/db/index.js';
import { redis } from '../../runtime/db/redis.js';
import { dropPrefix, hasRedis, REDIS_URL, runName } from '../../runtime/db/contract/services.js';

const prefix = `${runName()}_close:`;
const up = await hasRedis();

afterAll(async () => {
  if (up) await dropPrefix(prefix);
});

describe.runIf(up)('redis: close', () => {
  it('lets a transaction under way finish and free the lock, then refuses new ones in words', async () => {
    const raw = new Redis(REDIS_URL);
    try {
      const db = await openDatabase('closing', { version: 1, tables: { notes: { key: 'id' } }, provider: redis({ url: REDIS_URL }, { prefix }) });
      await db.table('notes').put({ id: 1, text: 'kept' });
      const reading = db.table('notes').get(1);
      const writing = db.table('notes').put({ id: 2, text: 'written while closing' });
      db.close();
      await expect(reading).resolves.toEqual({ id: 1, text: 'kept' });
      await expect(writing).resolves.toBe(2);
      await expect(db.table('notes').get(1)).rejects.toThrow(/closed/);
      // The lock went with the last transaction: another process opens at once.
      expect(await raw.exists(`${prefix}closing#lock`)).toBe(0);
      const again = await openDatabase('closing', { version: 1, tables: { notes: { key: 'id' } }, provider: redis({ url: REDIS_URL }, { prefix }) });
      expect(await again.table('notes').get(2)).toEqual({ id: 2, text: 'written while closing' });
      again.close();
    } finally {
      raw.disconnect();
    }
  });
});
