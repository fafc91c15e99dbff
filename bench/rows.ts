/**
 * Every row of the bench table, in the order issue 8 lists them. A row names the suite that
 * measures it (a page in bench/pages/, or a node module in bench/node/), the case inside that
 * suite, and which of the case's variants is ours and which are the peers. The suites register
 * the same case and variant names (bench/harness.ts); a name here without a match there is a
 * row that reports "not available" with the reason, never a crash.
 */

/** throughput: ops/s, more is better. time/latency: ms, less is better. size: bytes, less is better. */
export type Kind = 'throughput' | 'time' | 'latency' | 'size';

export interface Peer {
  /** The case's variant name (for size rows: a package specifier). */
  variant: string;
  label: string;
  /** The platform's own limit (raw API, bare object): what we can at best approach. */
  limit?: boolean;
}

export interface Row {
  id: string;
  group: string;
  title: string;
  kind: Kind;
  suite: string;
  case: string;
  /** One operation per sample (it cannot repeat: a bulkPut into an emptied table, a fresh mount). */
  single?: boolean;
  /** For latency rows: which percentile of the samples the row shows. */
  percentile?: number;
  ours: { variant: string; label: string };
  peers: Peer[];
}

/**
 * `flags`: Chromium arguments this suite needs (every browser suite gets a Chromium of its own).
 * `loads`: how many times the suite runs, each in a fresh Chromium, its rows' samples pooled: for a
 * suite whose ratio moves with how V8 happened to optimise one page, not with the code.
 */
export type Suite = { name: string; where: 'browser' | 'node'; flags?: string[]; loads?: number };

export const SUITES: Suite[] = [
  { name: 'state', where: 'browser' },
  // The watched set's ratio moved from one page load to the next far beyond the spread inside
  // one (1.01× to 1.55× measured alone in eight loads of unchanged code, spreads ≤ 2%; a full
  // run once read 2.01× faster): five loads pooled (issue 18, nineteenth pass).
  { name: 'state-panel', where: 'browser', loads: 5 },
  // A precise heap after a full GC; these flags slowed other rows, so only this suite has them.
  { name: 'memory', where: 'browser', flags: ['--enable-precise-memory-info', '--js-flags=--expose-gc'] },
  { name: 'webstorage', where: 'browser' },
  { name: 'idb', where: 'browser' },
  { name: 'blob', where: 'browser' },
  { name: 'codec', where: 'browser' },
  { name: 'panel', where: 'browser' },
  // gc() between samples: one variant's garbage (100,000 rows read at once) is not the other's frame.
  { name: 'search', where: 'browser', flags: ['--js-flags=--expose-gc'] },
  { name: 'sqlite', where: 'node' },
  { name: 'postgres', where: 'node' },
  { name: 'redis', where: 'node' },
];

const STRATUM = { variant: 'stratum', label: 'stratum' };

const STATE_PEERS: Peer[] = [
  { variant: 'nanostores', label: 'nanostores atom' },
  { variant: 'zustand', label: 'zustand/vanilla' },
  { variant: 'signals', label: '@preact/signals-core' },
  { variant: 'bare', label: 'object + callback', limit: true },
];

const IDB_PEERS: Peer[] = [
  { variant: 'idb', label: 'idb (raw)', limit: true },
  { variant: 'dexie', label: 'Dexie' },
];

const SQLITE_PEERS: Peer[] = [{ variant: 'libsql', label: '@libsql/client (raw SQL)', limit: true }];
const POSTGRES_PEERS: Peer[] = [{ variant: 'pg', label: 'pg (raw SQL, JSON rows)', limit: true }];
const REDIS_PEERS: Peer[] = [{ variant: 'ioredis', label: 'ioredis (hash + score index; INCR)', limit: true }];

const CODEC_PLAIN: Peer[] = [
  { variant: 'json', label: 'JSON', limit: true },
  { variant: 'devalue', label: 'devalue' },
  { variant: 'superjson', label: 'superjson' },
];

// JSON cannot carry Maps, Dates or BigInts, so it is no limit for the rich value.
const CODEC_RICH: Peer[] = CODEC_PLAIN.filter((peer) => peer.variant !== 'json');

type Listed = [id: string, title: string, single?: 'single'];

function rows(group: string, suite: string, kind: Kind, peers: Peer[], list: Listed[]): Row[] {
  return list.map(([id, title, single]) => ({ id, group, title, kind, suite, case: id, single: single === 'single', ours: STRATUM, peers }));
}

export const ROWS: Row[] = [
  ...rows('1 State updates', 'state', 'throughput', STATE_PEERS, [
    ['state.set', 'set, one subscriber, no panel'],
  ]),
  {
    id: 'state.set.panel',
    group: '1 State updates',
    title: 'set, one subscriber, panel connected',
    kind: 'throughput',
    suite: 'state-panel',
    case: 'state.set.panel',
    ours: { variant: 'connected', label: 'stratum + panel' },
    peers: [
      { variant: 'idle', label: 'stratum, no panel (overhead)' },
      { variant: 'nanostores', label: 'nanostores atom' },
      { variant: 'bare', label: 'object + callback', limit: true },
    ],
  },
  {
    id: 'memory.states',
    group: '1 State updates',
    title: 'memory: page heap kept by 10,000 states (after GC)',
    kind: 'size',
    suite: 'memory',
    case: 'memory.states',
    ours: { variant: 'connected', label: 'stratum + panel' },
    peers: [{ variant: 'idle', label: 'stratum, no panel (overhead)' }],
  },
  ...rows('2 Webstorage', 'webstorage', 'throughput', [
    { variant: 'localStorage', label: 'localStorage + JSON', limit: true },
    { variant: 'localforage', label: 'localforage (localStorage)' },
  ], [
    ['webstorage.set', 'set of a small object'],
    ['webstorage.get', 'get of a small object'],
  ]),
  ...rows('3 IndexedDB', 'idb', 'time', IDB_PEERS, [
    ['idb.bulkPut', 'bulkPut 10,000 rows', 'single'],
    ['idb.query', 'query 100 rows by index of 100,000'],
    ['idb.count', 'count 100,000 rows'],
  ]),
  ...rows('3 SQLite (node)', 'sqlite', 'time', SQLITE_PEERS, [
    ['sqlite.bulkPut', 'bulkPut 10,000 rows', 'single'],
    ['sqlite.query', 'query 100 rows by index of 100,000'],
    ['sqlite.count', 'count 100,000 rows'],
  ]),
  ...rows('3 PostgreSQL (node)', 'postgres', 'time', POSTGRES_PEERS, [
    ['postgres.bulkPut', 'bulkPut 10,000 rows', 'single'],
    ['postgres.query', 'query 100 rows by index of 100,000'],
    ['postgres.count', 'count 100,000 rows'],
    ['postgres.transact', 'transact: 3 processes × 300 concurrent increments', 'single'],
  ]),
  ...rows('3 Redis (node)', 'redis', 'time', REDIS_PEERS, [
    ['redis.bulkPut', 'bulkPut 10,000 rows', 'single'],
    ['redis.query', 'query 100 rows by index of 100,000'],
    ['redis.count', 'count 100,000 rows'],
    ['redis.transact', 'transact: 3 processes × 300 concurrent increments', 'single'],
  ]),
  ...rows('4 Blobs', 'blob', 'time', [{ variant: 'idb', label: 'idb (raw)', limit: true }], [
    ['blob.put', 'put a 10 MB blob', 'single'],
    ['blob.get', 'get a 10 MB blob and read its bytes'],
  ]),
  ...rows('5 Codec', 'codec', 'time', CODEC_PLAIN, [
    ['codec.encode.plain', 'encode 1 MB JSON-like state'],
    ['codec.decode.plain', 'decode 1 MB JSON-like state'],
  ]),
  ...rows('5 Codec', 'codec', 'time', CODEC_RICH, [
    ['codec.encode.rich', 'encode 1 MB state with Maps/Dates/BigInts'],
    ['codec.decode.rich', 'decode 1 MB state with Maps/Dates/BigInts'],
  ]),
  ...rows('6 Panel', 'panel', 'time', [{ variant: 'postMessage', label: 'the values, postMessage', limit: true }], [
    ['panel.snapshot', 'snapshot to render, 10,000 states', 'single'],
  ]),
  ...rows('6 Panel', 'panel', 'time', [{ variant: 'idb', label: 'idb getAll of a page (raw)', limit: true }], [
    ['panel.rows', 'first rows of a 100,000-row table', 'single'],
  ]),
  ...rows('6 Panel', 'search', 'time', [{ variant: 'unsliced', label: 'idb getAll + one JSON pass (unsliced)', limit: true }], [
    ['search.time', 'search 100,000 rows + 10,000 states (issue 22)', 'single'],
    ['search.frame', "page's longest frame during that search, ms", 'single'],
  ]),
  ...rows('6 Panel', 'panel', 'time', [], [
    ['panel.frames.snapshot', "page's longest frame while the panel takes a snapshot of 10,000 states (0: none over 50 ms)", 'single'],
    ['panel.frames.rows', "page's longest frame while the panel reads 100,000 rows (0: none over 50 ms)", 'single'],
    ['panel.frames.redacted', "page's longest frame while the panel reads an index view's first page of 100,000 rows with redact set (0: none over 50 ms)", 'single'],
  ]),
  ...[50, 99].map((percentile): Row => ({
    id: `panel.latency.p${percentile}`,
    group: '6 Panel',
    title: `page-to-panel latency of one change, p${percentile}`,
    kind: 'latency',
    suite: 'panel',
    case: 'panel.latency',
    percentile,
    ours: STRATUM,
    peers: [],
  })),
];

/** Size rows: our entry (build.mjs ENTRIES name) against the packages a user would pick instead. */
export const SIZE_PEERS: Record<string, Peer[]> = {
  store: [
    { variant: 'nanostores', label: 'nanostores' },
    { variant: 'zustand/vanilla', label: 'zustand/vanilla' },
    { variant: '@preact/signals-core', label: '@preact/signals-core' },
  ],
  webstorage: [{ variant: 'localforage', label: 'localforage' }],
  db: [
    { variant: 'idb', label: 'idb' },
    { variant: 'idb-keyval', label: 'idb-keyval' },
    { variant: 'dexie', label: 'dexie' },
    { variant: 'localforage', label: 'localforage' },
  ],
};
