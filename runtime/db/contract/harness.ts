/**
 * The contract every provider keeps: one suite, run against memory, IndexedDB (fake-indexeddb
 * in node), libSQL in memory and on a temp file, PostgreSQL and Redis (each run in a schema /
 * key prefix of its own, removed afterwards; skipped with a reason when a server is down). Each
 * test file of this folder covers one part of it and calls `contract()` with its tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import { openDatabase, type Database, type OpenOptions, type Provider } from '../index.js';
import { indexeddb } from '../providers/indexeddb.js';
import { memory } from '../providers/memory.js';
import { libsql } from '../libsql.js';
import { postgres } from '../postgres.js';
import { redis } from '../redis.js';
import { dropPrefix, dropSchema, hasPostgres, hasRedis, PG_URL, REDIS_URL, runName } from './services.js';

export interface Target {
  label: string;
  kind: Provider['kind'];
  persistent: boolean;
  /** A provider for one test; calls within the test reach the same stored databases. */
  provider(): Provider;
}

export interface Contract {
  /** Opens this test's database with the contract's tables (and the options given). */
  open(options?: Partial<OpenOptions>): Promise<Database>;
  /** This test's database name. */
  name(): string;
  /** Closes a database the test opened itself once the test ends. */
  track(db: Database): void;
}

const folder = mkdtempSync(path.join(tmpdir(), 'stratum-db-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let place = 0;
function target(label: string, kind: Provider['kind'], persistent: boolean, make: () => () => Provider): Target {
  let current: () => Provider = make();
  beforeEach(() => {
    current = make();
  });
  return { label, kind, persistent, provider: () => current() };
}

// The server engines join when they answer (services.ts says why not, or fails in CI).
const schema = runName();
const withPostgres = await hasPostgres();
if (withPostgres) afterAll(() => dropSchema(schema));
const prefix = `${runName()}:`;
const withRedis = await hasRedis();
if (withRedis) afterAll(() => dropPrefix(prefix));

const targets: Array<() => Target> = [
  () => target('memory', 'memory', false, () => memory),
  () =>
    target('indexeddb', 'indexeddb', true, () => {
      // A fresh factory per test: no database survives into the next one.
      globalThis.indexedDB = new IDBFactory();
      return indexeddb;
    }),
  () =>
    target('libsql :memory:', 'libsql', false, () => {
      const shared = libsql({ url: ':memory:' });
      return () => shared;
    }),
  () =>
    target('libsql file', 'libsql', true, () => {
      const url = `file:${path.join(folder, `db-${++place}.sqlite`)}`;
      return () => libsql({ url });
    }),
  ...(withPostgres ? [() => target('postgres', 'postgres', true, () => () => postgres({ url: PG_URL, schema }))] : []),
  ...(withRedis ? [() => target('redis', 'redis', true, () => () => redis({ url: REDIS_URL }, { prefix }))] : []),
];

let names = 0;

/** Runs `tests` once per provider, each test with a fresh database name and provider. */
export function contract(tests: (t: Target, c: Contract) => void): void {
  describe.each(targets.map((make) => [make]))('%#', (make) => {
  const t = make();
  const opened: Database<unknown>[] = [];
  let name = '';

  beforeEach(() => {
    name = `contract-${++names}`;
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });

  async function open(options: Partial<OpenOptions> = {}): Promise<Database> {
    const db = await openDatabase(name, {
      version: 1,
      tables: {
        notes: { key: 'id', autoIncrement: true, indexes: { byTag: { path: 'tags', multiEntry: true }, byTitle: 'title' } },
        users: { key: 'email', indexes: { byHandle: { path: 'handle', unique: true } } },
        pairs: { key: ['a', 'b'], indexes: { byBA: ['b', 'a'] } },
        keys: { key: 'k' },
      },
      provider: t.provider(),
      ...options,
    });
    opened.push(db);
    return db;
  }

    tests(t, { open, name: () => name, track: (db) => void opened.push(db) });
  });
}
