#!/usr/bin/env node
/**
 * Builds Stratum.
 *
 *   node build.mjs            build dist/runtime (ESM + .d.ts) and dist/runtime/production (the same
 *                             entries without the devtools agent), print brotli sizes (production ones
 *                             for entries with a productionBudget), fail over budget
 *   node build.mjs --watch    rebuild on change (no declarations, no budget check)
 *
 * dist/runtime/<entry>.js is one file per public entry; code shared between entries (the
 * devtools registry above all, which must be one instance per page) goes to dist/runtime/chunks/.
 * A size is the brotli bytes of an entry's minified file plus every chunk it imports statically;
 * what it imports lazily (persistence adapters, the devtools agent) does not count against it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import * as esbuild from 'esbuild';

const ROOT = path.dirname(new URL(import.meta.url).pathname);
const OUT = path.join(ROOT, 'dist/runtime');

/** Public runtime entries: package export → source, and the brotli budget in bytes (`productionBudget`: of the production build). */
export const ENTRIES = [
  // index carries store, webstorage (+ codec) and db (IndexedDB, idb): ~22.5 kB with db. Raised
  // for issue 14 (the encoder's total budget per value, a crypto-random runtime session, the data
  // fixes) and issue 15 (webstorage's adopt(), ~0.2 kB; the binding entries split its chunks once more);
  // +64 B (issue 16): the entries wire the registry to the agent and the store to its persistence
  // adapters (devtools/hook.ts, persistence/hook.ts), so no floor imports the one above it;
  // +128 B (issue 19): Database hears a provider's cross-process change feed (~65 B);
  // +128 B for the store's ChangeHook (the devtools agent's lowest-floor hook, issue 17).
  // +0.7–0.9 kB (issue 18): the codec's plain-data fast path and in-place decoding (plain.ts, decode-parsed.ts).
  // +0.3 kB (this session's merge): issue 22's fault hooks and console symbol with issue 18's codec paths and 22.5's worker listener.
  // +64 B (issue 18, third pass): checkWritable's quick pass over plain data (writable.ts).
  // +128 B (issue 18, third pass, merged): with the SQLite layout's rowid trigger text and the
  // transaction's no-wait first operation, measured 24,661 B after the merge.
  // +64 B (issue 18, twelfth pass, from a review): blobs.put refuses bad options in words, and a
  // put's `created` rises within a millisecond so blobs list oldest first (24,808 B measured).
  // +576 B (issue 18, thirteenth pass, six reviews): the codec knows another realm's Dates, Maps,
  // Sets, buffers and Errors, refuses a Blob in webstorage and takes Firefox's stack error; the
  // database checks versions, limits and Blob key paths; the store's ordered batches (24,828 →
  // 25,396 B measured).
  // +64 B (issue 18, fourteenth pass): closures are measured in an order that no longer follows
  // the chunks' hash names (staticClosure below), which put index at 25,443 B with no code change.
  // +64 B (the same pass): IndexedDB offsets past 2^32 - 1 in steps, the agent's webstorage listener
  // told first (25,517 B measured).
  // +192 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (25,690 B measured).
  // +192 B (issue 18, fifteenth pass, four reviews): another realm's Blob, File, URL, Date and ArrayBuffer told by their
  // internal slots in the database floor (codec/realm.ts), the store's bindings' fixes (25,883 B measured).
  // +64 B (the same pass): the store lets go of a deleted state; Vue's Ref follows a state made again (25,934 B measured).
  // +448 B (issue 18, sixteenth pass): the database floor's refusals found by the providers' model (WeakMap/Promise, an Error's own properties and names, DOMException, arrays' named properties), tables() by name, the codec's resizable-buffer and hole refusals (26,378 B measured).
  // +64 B (issue 18, eighteenth pass): a database described while redact is set says so, for the page-storage inspector (26,435 B measured).
  // +192 B (the same pass): tables whose keys are out of line (an IndexedDB store another library made) read,
  // updated and refused in words, KEYED_ROWS for the agent (26,656 B measured with stable chunk names, shippedBytes).
  // +64 B (issue 18, nineteenth pass): an IndexedDB write the app had not finished is aborted on pagehide, as Firefox
  // otherwise keeps what a closed tab had issued; not one the app's own pagehide listener starts (26,761 B measured).
  { name: 'index', source: 'runtime/index.ts', budget: 26816 },
  // Every entry carries the registry with its panel listener (~0.5 kB: the window listener,
  // announce, the lazy import of the agent); the production variant drops the listener.
  // Lowered to what issue 18 reached (4,455 B): see docs/PERFORMANCE.md for what the rest is;
  // +128 B (issue 22.5): in a worker, the listener catches its page relay's hand-over in the
  // first turn (the rest of the worker side loads lazily).
  // +64 B (rev-panel): turning devtools off in a worker stops its listener without a window.
  // Issue 18, third pass: 4,687 B → 4,602 B (the registry's readers in a chunk of their own,
  // registry/core.ts for the rest); the production entry (store/production.ts: codes for the
  // error words, no devtools wiring or hooks) went from 3,787 B to 3,130 B. See docs/PERFORMANCE.md.
  // Issue 18, fourth pass: 4,649 B → 4,140 B, production 3,145 B → 2,473 B (measured after merging
  // main a6f6df3): a persisted state's storage link and the duplicate-tab claim load lazily, the
  // production entry imports no registry chunk, fewer chunks and wrappers (ARCHITECTURE.md).
  // `productionBudget` checks the production build (what apps ship): issue 18's 2.5 kB.
  // Issue 18, ninth pass: 4,121 B → 3,509 B. The window listener loads after the importing tick
  // (devtools/start.ts); only a worker's first-turn catch stays (registry/relay-catch.ts); the
  // registry's maps are registry.ts, and the core queues until it loads (ARCHITECTURE.md).
  { name: 'store', source: 'runtime/store/index.ts', production: 'runtime/store/production.ts', budget: 3584, productionBudget: 2500 },
  // webstorage carries the codec (~5.7 kB of its ~8.7 kB): every stored value goes through it.
  // +0.7–0.9 kB (issue 18): the codec's plain-data fast path and in-place decoding (plain.ts, decode-parsed.ts);
  // +128 B (issue 22.5): the worker listener, as in store.
  // +64 B (rev-panel): the worker listener's own stop, as in store.
  // +64 B (issue 18, third pass): the registry is two chunks (core.ts, which stratumjs/store
  // carries alone, and its readers), one more chunk import here (+30–58 B measured).
  // +64 B (issue 18, fourth pass): the store's shape hook for the agent (11,264 → 11,277 B measured).
  // +128 B (issue 18, ninth pass, review of webstorage): recheck() tells subscribers where the
  // storage answers differently from what the page read meanwhile; adopt's checks; the superseded
  // mark of a late storage event (11,007 → 11,383 B measured, the lazy listener having taken 253 B off).
  // +64 B (review of webstorage and persistence, rev-persist): each channel queues the changes
  // listeners make while told and marks an overtaken event superseded; setRaw tells a repeated
  // undecodable text (11,388 → 11,517 B measured).
  // +64 B (search review, rev-search): already 11,523 B at the base; the agent it inlines resumes
  // a search's webstorage keys after the last key read (11,555 B measured).
  // +320 B (issue 18, thirteenth pass, six reviews): the codec's other-realm kinds, Blob refusal
  // and Firefox stack error (11,563 → 11,882 B measured).
  // +64 B (issue 18, fourteenth pass): measured in the stable order (staticClosure), 11,925 B with no code change.
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (12,066 B measured).
  // +64 B (issue 18, fifteenth pass): codec/realm.ts is a chunk of its own, shared with db (12,137 B measured).
  // +64 B (the same pass): long paths in the codec's words cut to their ends (12,178 B measured).
  // +64 B (issue 18, sixteenth pass): the codec refuses resizable buffers and over 1,000,000 holes, and reads number literals past a double's range as JSON.parse does on every path (12,255 B measured).
  // +64 B (issue 18, nineteenth pass): no change of its own; the chunks it shares with the database moved (12,273 B measured).
  { name: 'webstorage', source: 'runtime/webstorage/index.ts', budget: 12352 },
  // The same +128 B for the node build (11,868 B measured).
  // +64 B (review of the standalone server and snapshots): setRaw(), which the snapshot import
  // writes and puts back stored texts with (11,830 → 11,922 B measured; the browser build stays under).
  // The same +64 B for the node build (11,927 → 12,015 B measured); +64 B more once merged with the
  // value editor's fixes, whose codec helpers the node build shares (12,060 B measured).
  // +64 B (issue 18, thirteenth pass): recheck() lists the storage's keys to tell of those read as
  // missing during an outage (12,098 B measured; the browser build stays under).
  // +320 B (issue 18, thirteenth pass, six reviews): the same codec fixes (12,098 → 12,436 B
  // measured).
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (12,606 B measured).
  // +64 B (issue 18, fifteenth pass): the same (12,611 B measured).
  // +64 B (the same pass): the same (12,694 B measured).
  // +64 B (issue 18, sixteenth pass): the same (12,776 B measured).
  // +64 B (issue 18, eighteenth pass): no change of its own; stable chunk names (shippedBytes) read 12,790 B.
  { name: 'webstorage.node', source: 'runtime/webstorage/node.ts', budget: 12864 },
  // db: IndexedDB (idb included) with tables, transactions, Cache and blobs; the memory engine
  // and state persistence load lazily and do not count.
  // +0.2 kB (this session's merge): issue 22's fault hooks and console symbol, issue 18's IndexedDB putAll and codec paths.
  // +192 B (issue 18, thirteenth pass, six reviews): the database review: versions up to 2^53 -
  // 1, limits and offsets past 2^53, Blob and File key paths, IndexedDB's refusals in words (12,673
  // → 12,940 B measured).
  // +512 B (issue 18, fifteenth pass, realm review): blobs.put, the writable walk, key paths and keys tell
  // another realm's Blob, File, URL, Date and ArrayBuffer by their internal slots (codec/realm.ts's
  // table of brands, ~0.4 kB) (13,481 B measured).
  // +384 B (issue 18, sixteenth pass): what the providers' model found: one set of refusals for every provider (writable.ts), tables() by name, a DOMException where structured clone keeps one (13,836 B measured).
  // +256 B (issue 18, eighteenth pass): tables whose keys are out of line: reads by their own keys,
  // update(key, patch), put/add/bulkPut refused in words, KEYED_ROWS for the agent (14,073 B measured with stable chunk names).
  // +128 B (issue 18, nineteenth pass): an IndexedDB write the app had not finished is aborted on pagehide
  // (indexeddb-unload.ts), as Firefox otherwise keeps what a closed tab had issued (14,212 B measured).
  { name: 'db', source: 'runtime/db/index.ts', budget: 14272 },
  // SQLite through libSQL for Node; @libsql/client itself stays external (an optional peer).
  // +0.3 kB (issue 18, second pass): kept row counts, the version check inside a read, plain rows by JSON.parse;
  // +0.7–0.9 kB (issue 18): the codec's plain-data fast path and in-place decoding (plain.ts, decode-parsed.ts).
  // +0.25 kB (rev-panel): the console's SQL refuses transaction control, ATTACH and pragma writes in words.
  // +0.5 kB (issue 18, third pass): index entries carry rowids, older files moved at open
  // (libsql-layout.ts), the rowid trigger for older writers, one-statement gets, the quick write check.
  // +64 B (issue 18, fourth pass): mangled names shift with the Redis close in the shared db chunks (17,118 → 17,156 B measured).
  // +192 B (issue 18, eighth pass): software.ts's putAll and the Lock's count of holders, shared with
  // the servers (17,156 → 17,389 B measured).
  // +128 B (issue 18, thirteenth pass, six reviews): the codec and database fixes, names SQLite
  // cannot keep apart refused (the console's checks now load lazily) (17,359 → 17,503 B measured).
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (17,638 B measured).
  // +64 B (issue 18, fifteenth pass): another realm's keys and Blobs (realm review); the console's
  // runner moved to a lazy chunk (console review), one import more (17,692 B measured).
  // +512 B (issue 18, sixteenth pass): the same, with rows read back as structured clone reads them and a Blob in an Error's cause restored (18,189 B measured).
  { name: 'db/libsql', source: 'runtime/db/libsql.ts', budget: 18240 },
  // PostgreSQL and Redis for servers (issue 19); pg and ioredis stay external (optional peers).
  // Merged with issue 14's value and key checks (the shared software provider): +1 kB each.
  // Issue 19, third pass: Postgres settles a commit whose answer was lost (+0.3 kB); Redis
  // expires $cache entries natively (value keys, ghosts, adoption of old entries: +0.7 kB).
  // +0.7–0.9 kB (issue 18): the codec's plain-data fast path and in-place decoding.
  // +0.25 kB (rev-panel): the console's SQL refuses COPY and DO in words, with a statement timeout.
  // +64–128 B (issue 18, third pass): the shared checkWritable's quick pass and software.ts's immediate first operation.
  // +1.1 kB (issue 18, eighth pass): bulkPut's rows in chunks (putAll, writeAll), a transaction's
  // start as one text, single reads with their values as literals, reads after this process's
  // writes, close() waiting for the calls under way (17,525 → 18,701 B measured).
  // +576 B (issue 18, thirteenth pass, six reviews): the codec and database fixes, the console's
  // cursor, bigint versions, long keys and schema names in words (18,723 → 19,309 B measured).
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (19,443 B measured).
  // Lowered (issue 18, fifteenth pass, console review): the SQL console's runner loads on its first
  // statement (postgres-console.ts) (19,443 → 19,084 B measured).
  // +64 B (the same pass): long paths in the codec's words cut to their ends (19,147 B measured).
  // +448 B (issue 18, sixteenth pass): the same (19,615 B measured).
  // +64 B (issue 18, eighteenth pass): the database floor's out-of-line tables (19,665 B measured with stable chunk names).
  { name: 'db/postgres', source: 'runtime/db/postgres.ts', budget: 19712 },
  // +64 B (issue 18, third pass, merged): the store's registry split adds one chunk import (19,315 B measured).
  // +64 B (issue 18, fourth pass): close() waits for the transactions under way (19,315 → 19,387 B measured).
  // +1.4 kB (issue 18, eighth pass): bulkPut's rows in chunks (putAll, writeAll) and lone reads
  // without the lock (redis-single.ts) (19,383 → 20,855 B measured).
  // +192 B (issue 18, ninth pass): deleteDatabase in one lock-checked script with its words, and
  // the registry's hand-over of its queue (20,855 → 20,944 B measured).
  // +512 B (issue 18, thirteenth pass, six reviews): the codec and database fixes, names Redis
  // cannot keep apart refused at open (20,956 → 21,524 B measured).
  // +192 B (issue 18, fourteenth pass, database review): each base and prefix keeps its owner
  // (one script at open and delete), so overlapping prefixes are refused in words (21,714 B measured).
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (21,866 B measured).
  // +64 B (issue 18, fifteenth pass): a prefix holding '/' or '#' refused in words (21,929 B measured).
  // +192 B (issue 18, fifteenth pass, realm review): another realm's keys and Blobs, as in db (22,089 B measured).
  // +512 B (issue 18, sixteenth pass): the same (22,598 B measured).
  // +64 B (the same): 22,645 B measured with stable chunk names.
  { name: 'db/redis', source: 'runtime/db/redis.ts', budget: 22720 },
  // The agent (protocol, validators, commands) plus the codec (~5.7 kB, shared with webstorage);
  // the other entries reach it lazily, on a panel's hello, so it never counts against them.
  // History (issue 10) adds ~1.3 kB: call-site traces, labels, the snapshot commands' validators;
  // the snapshot code itself (~8.4 kB) loads on the first snapshot command and does not count.
  // 25.5 kB with issue 14's value budget, issue 16's one edit command and issue 17's label-aware
  // coalescing and store hook (~1.5 kB together). Issue 20 adds ~1 kB: connectDevtools (the reconnecting socket, the wire frames)
  // ~0.5 kB, and ~0.5 kB of chunk imports/exports since the kit's connect({ url, token }) shares
  // that socket and the panel bridge (measured: 23,021 B before the kit client, 23,557 B after).
  // +0.7–0.9 kB (issue 18): the codec's plain-data fast path and in-place decoding (plain.ts, decode-parsed.ts).
  // +1.6 kB (this session's merge): relayWorker (22.5), the fault hooks' loaders (22) and record's hooks (23) on top of each branch's own growth.
  // +0.9 kB (issue 18, third pass: h18-snapshot): snapshot columns for a panel (the agent's columns
  // form and the columns check in the protocol's validators: 29,358 → 30,228 B, measured).
  // +0.45 kB (issue 18, third pass: rows): one-walk row encoding, pages encoded and read in slices
  // of 200 (29,407 → 29,861 B on its own). Together, measured after the merge: see the build's output.
  // +0.75 kB (value editor review): the edit refuses a look-alike over a class instance or a page
  // Error class, a duplicate Set member and a path through a shared or circular reference, in
  // words (30,540 → 31,298 B; devtools.node 30,679 → 31,377 B measured).
  // +832 B (issue 18, thirteenth pass, six reviews): the agent review (redaction kept through
  // expand, renames and undecodable keys; ordered deltas; a state the codec cannot read), the cache
  // delete's version check, the codec fixes (31,249 → 32,182 B measured).
  // Lowered (issue 18, fourteenth pass, agent review): every write command and storeAsGlobal load
  // with the edit chunk on first use, 32,153 → 29,901 B measured.
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (30,048 B measured).
  // +128 B (issue 18, fifteenth pass): the storage budget sizes a sparse array by its elements in
  // IndexedDB and memory rows; the bridge knows each runtime's frame (30,196 B measured).
  // +64 B (the same pass): a restore or import keeps the page's unchanged class instances (30,241 B measured).
  // +64 B (the same pass): decodeEdit walks with its own stack; long paths cut (30,289 B measured).
  // +1536 B (issue 18, sixteenth pass): redaction: row keys as handles (key-handles.ts, ~0.75 kB), values hidden by value never matched nor counted, $cache/$blobs rows, blob meta, constraint errors (~0.5 kB); applyRedaction's own stack (31,845 B measured).
  // +1,216 B (issue 18, seventeenth pass): a far sparse array (a[2 ** 32 - 2]) hashed, shown and
  // edited by its items (agent/sparse.ts, far.ts: ~1 kB), not run out of memory (33,067 B measured).
  // +64 B (issue 18, eighteenth pass): DatabaseInfo.redact, for the page-storage inspector (33,088 B measured).
  // +128 B (the same pass): out-of-line tables' rows (the lazy out-of-line.ts aside: its checks and the
  // snapshot file's keys), a far sparse array's items paged in (33,202 B measured with stable chunk names).
  // +64 B (issue 18, nineteenth pass): an out-of-line table's refusal says the panel's Add row asks for the key (33,279 B measured).
  { name: 'devtools', source: 'runtime/devtools/index.ts', production: 'runtime/devtools/production.ts', budget: 33344 },
  // The `node` condition (issue 20): the same, with connectDevtools over `ws` (external, a dependency).
  // +64 B (search review, rev-search): search resumes webstorage keys after the last key read and
  // marks case-insensitive matches in the original text (31,426 B measured).
  // +832 B (issue 18, thirteenth pass, six reviews): the same (31,393 → 32,282 B measured).
  // Lowered with devtools (the lazy writes), 32,239 → 29,995 B measured.
  // +192 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (30,165 B measured).
  // +64 B (the same pass): a deleted database leaves the registry (30,211 B measured).
  // +64 B (issue 18, fifteenth pass): the same (30,309 B measured).
  // +64 B (the same pass): commands pending on a runtime that is dropped fail at once (30,346 B measured).
  // +1600 B (issue 18, sixteenth pass): the same, and the relay's numbered runtime sockets (31,976 B measured).
  // +1,280 B (issue 18, seventeenth pass): the same (33,209 B measured).
  // +128 B (issue 18, eighteenth pass): as devtools above (33,342 B measured with stable chunk names).
  { name: 'devtools.node', source: 'runtime/devtools/node.ts', production: 'runtime/devtools/production.ts', budget: 33408 },
  // Framework bindings (issue 15): hooks and the component-scope lifecycle only; the framework
  // is an optional peer and stays external, the store comes in through the shared chunks.
  // Issue 18, seventeenth pass: a mounted component hears that the app deleted its state (one
  // store listener per Store while any component is mounted: react 1,217 → 1,318 B, preact
  // 1,401 → 1,509 B, vue 1,410 → 1,528 B measured).
  { name: 'react', source: 'runtime/react/index.ts', budget: 1536 },
  // +64 B (issue 18, eighteenth pass): every mounted user is told of a delete even when one
  // throws (a Vue watcher with flush: 'sync'), the first error rethrown after (1,545 B measured).
  { name: 'preact', source: 'runtime/preact/index.ts', budget: 1600 },
  { name: 'preact/signals', source: 'runtime/preact/signals.ts', budget: 512 },
  // +64 B (the same pass): a write through useStratum's Ref to a deleted state still reaches its readers (1,544 B measured).
  { name: 'vue', source: 'runtime/vue/index.ts', budget: 1600 },
  // toSvelteStore: an entry of its own rather than ~80 B more on every store and index user.
  { name: 'svelte', source: 'runtime/svelte/index.ts', budget: 256 },
  // Adapters (issue 21): each carries the Store with the registry (~4.3 kB, the store entry's own
  // chunks: shared when the app imports stratumjs/store too), the mirror with its echo guard and
  // structural equality (~0.5 kB) and one library's reads and writes (0.1–0.3 kB); the library is
  // an optional peer and stays external. Measured 4,885 B (zustand) to 5,160 B (mobx).
  // +128 B each (issue 22.5): the registry's worker listener, as in store;
  // +256 B (issue 21, second pass): stop() unregisters the store and the mirror marks the
  // library values it shows (claimed.ts) for the extension's Redux DevTools shim;
  // +~70 B (issue 19, fourth pass): the State's second restore before a transact.
  { name: 'adapters/zustand', source: 'runtime/adapters/zustand/index.ts', budget: 5760 },
  { name: 'adapters/redux', source: 'runtime/adapters/redux/index.ts', budget: 5760 },
  { name: 'adapters/nanostores', source: 'runtime/adapters/nanostores/index.ts', budget: 5760 },
  { name: 'adapters/jotai', source: 'runtime/adapters/jotai/index.ts', budget: 5760 },
  { name: 'adapters/pinia', source: 'runtime/adapters/pinia/index.ts', budget: 5760 },
  { name: 'adapters/valtio', source: 'runtime/adapters/valtio/index.ts', budget: 5760 },
  { name: 'adapters/mobx', source: 'runtime/adapters/mobx/index.ts', budget: 5760 },
  // Node only: launch(), openPanel(), connect(), snapshot()/restore()/diff() for users' puppeteer
  // tests (with the codec and the snapshot validator); puppeteer stays external. The browser
  // resolver (issue 13: the order, the usual places, the download child) is ~3.5 kB of it.
  // Issue 23 added record()/replay()/rehearseUpgrade(), the recording validator, endState and the
  // test-file generator: +~2.2 kB brotli (20,918 B measured), a Node-only entry.
  // +64 B (issue 18, twelfth pass, from a review): connect({ url, token }) says hello again after
  // a server restart and fails pending commands on a drop (22,385 → 22,546 B measured).
  // +64 B (the same pass, merged): the edit engine's refusals it carries with the agent's codec
  // paths, and the ordered webstorage delivery (22,609 B measured).
  // +320 B (issue 18, thirteenth pass, six reviews): the codec fixes (22,597 → 22,922 B
  // measured).
  // +64 B (issue 18, fourteenth pass): the search cursor names the table it reads (the protocol's
  // schema), 22,992 B measured.
  // +128 B (issue 18, fourteenth pass, codec review): another realm's boxed primitives, URL, Blob and
  // File told by their internal slots; Firefox's stack error in the show/store paths (23,122 B measured).
  // +64 B (issue 18, fifteenth pass): the shared chunks' changes, none of its own (23,178 B measured).
  // +192 B (issue 18, sixteenth pass): the kit refuses a redacted key named outright, the codec's refusals, the held command's wait (23,398 B measured).
  { name: 'puppeteer', source: 'runtime/puppeteer/index.ts', budget: 23424 },
];

/**
 * The extension: manifest.json at the root is the single source; dist/chrome and dist/firefox
 * are derived from it. Scripts are IIFEs (a content script cannot be a module), with a budget each.
 */
const EXTENSION_SCRIPTS = [
  { name: 'background', source: 'extension/background.ts', budget: 8192 },
  // 7.3 kB before issue 21: the page storage inspector (extension/inspector/: the codec, a
  // RuntimeBridge, raw IndexedDB and webstorage) rides in content.js, parsed on every page but run
  // only when a panel asks. Loading it lazily would need web_accessible_resources, which the
  // least-privilege check refuses (any page could then detect the extension); see ARCHITECTURE.
  // +0.9 kB (this session's merge): the page-storage inspector (issue 21.2–5) with the Redux shim's bridge locator (21).
  // +0.5 kB (issue 18, third pass: h18-snapshot): the content script validates snapshot columns (22,414 → 22,930 B).
  // +1.2 kB (inspector review fixes): Blobs looked up again by row and path on a write (+0.55 kB),
  // exact-number check of webstorage JSON (+0.33), platform-object facts in the row hash (+0.17),
  // the key checks of dbPut and decodeKey (+0.17) (22,975 → 24,194 B).
  // +0.3 kB (value editor review): the inspector's edits share the agent's applyEdit, which now
  // keeps holes and hidden properties and refuses duplicate Set members and shared paths (24,528 B).
  // +384 B (issue 18, thirteenth pass, six reviews): the codec fixes, which the page storage
  // inspector carries (24,528 → 24,925 B measured).
  // +128 B (issue 18, fourteenth pass, codec review): the codec it carries (25,070 B measured).
  // +128 B (issue 18, fifteenth pass, realm review): the inspector places and hashes rows
  // 20,000 levels deep without recursion (25,152 B measured).
  // +64 B (the same pass): the inspector's whole-row save without recursion; long paths cut (25,262 B measured).
  // +192 B (issue 18, sixteenth pass): the inspector's codec: resizable buffers, holes, number literals (25,406 B measured).
  // +960 B (issue 18, eighteenth pass): the inspector shows and hashes a far sparse array as the
  // agent does (its sparse.ts and far.ts); hole by hole it ran the page out of memory (26,399 B measured).
  // +640 B (the same pass): the inspector hears which databases a runtime redacts (claims.ts) and
  // leaves them to the runtime's view, also when asked first; Stratum's webstorage keys refused when named (27,018 B measured).
  // +64 B (issue 18, nineteenth pass): the inspector puts an out-of-line row at the key the panel names (27,070 B measured).
  { name: 'content', source: 'extension/content.ts', budget: 27136 },
  { name: 'devtools', source: 'extension/devtools.ts', budget: 6144 },
  // 64 → 70 kB (this session): the Search, Simulate, Budget and Record tabs (issues 22, 23), the
  // query console, the page-storage inspector's header and origin stores (21).
  // +0.5 kB (issue 18, fourth pass): the rows model holds a new query until its first rows, and
  // the grid writes its column widths as rules (71,680 → 71,887 B measured). +0.25 kB (issue 18,
  // fifth pass): the grid's rows as one string of escaped markup (72,218 B measured). +0.25 kB
  // (sixth pass): the rows' box scrolls both ways with the head in step (72,501 B). +0.25 kB
  // (seventh pass): what a review of the grid found: the layout that tells a whole-value column
  // from a field named value, wide characters, a stream of changes, $blobdata with $blobs (72,832 B).
  // +0.25 kB (eleventh pass): the trace box shows what the runtime confirmed, and a command after
  // a reload waits for the page's runtime however late it announces itself (73,036 B measured).
  // +0.6 kB (value editor review): the number editor's exactness checks, the conflict banner's
  // "no overwrite" when a list on the path moved, Map keys renamed from their typed form, no JSON
  // editor on instances and page Error classes (73,189 → 73,796 B measured).
  // +640 B (issue 18, thirteenth pass, six reviews): the panel review (history budgets, targets'
  // facts and budgets, blob previews, the selected row, restores across apps), the cache delete's
  // conflict, the codec fixes (73,701 → 74,488 B measured).
  // +64 B (the same pass, last read): JSON mode waits for the whole value when the list's preview
  // is all the panel has yet (74,546 B measured).
  // +416 B (issue 18, fourteenth pass, panel review): a deleted or closed database closes its views,
  // the roll call asks a silent runtime again, the Storage tab's selection leaves with its storage,
  // the export counts skipped events, "add" appends at a long list's end (74,951 B measured).
  // +128 B (issue 18, fourteenth pass, codec review): the codec it carries (75,077 B measured).
  // +352 B (issue 18, fifteenth pass, panel review): selections per database, the add's version
  // taken when it opens, a gone page dropped at once, a re-created state edited on the first try (75,368 B measured).
  // +576 B (issue 18, sixteenth pass): a $cache search hit selects its entry, held commands fail at once or wait for a runtime that can come, [redacted] keys, the theme outside DevTools (75,985 B measured).
  // +192 B (issue 18, seventeenth pass): the agent's sparse node read as Array(length) with runs of holes (76,183 B measured).
  // +64 B (issue 18, eighteenth pass): "show more" on a cut far sparse array (76,225 B measured).
  // +256 B (issue 18, nineteenth pass): Add row on a table whose keys are out of line asks for the key (76,455 B measured).
  { name: 'panel', source: 'extension/panel/index.tsx', budget: 76544 },
  // The test kit's page: one more client of the background, driven by stratumjs/puppeteer.
  { name: 'kit', source: 'extension/kit/kit.ts', budget: 16384 },
  // Issue 21: the Redux DevTools globals in every http(s) page's main world; every page pays it.
  { name: 'redux-shim', source: 'extension/redux-shim/main.ts', budget: 1024 },
];
/**
 * Loaded by redux-shim on a library's first connect: a main-world `import()` needs a module, so
 * ESM, one file (the agent inlined, no chunks to list as web-accessible). Lazy: no page pays it
 * until a library speaks the Redux DevTools protocol.
 */
// Measured 36.0 kB: the devtools entry's agent (26.3 kB) with the Store, the mirror and the protocol
// checks in one file, as no chunk is shared with a page.
// 37 → 60 kB at the merge: built without splitting, the bridge inlines every command the agent
// loads lazily (search, console, simulate, record). Loaded only when a library connects; splitting
// it would need its chunks listed as web-accessible (a follow-up).
// +1 kB (issue 18, third pass): the agent it inlines grew by the snapshot columns and row slices
// (62,787 B measured after the merge).
// +128 B (review of the standalone server and snapshots): the agent's snapshot import compares
// raw webstorage texts apart, follows literal records in same(), names rows in refusals, and
// writes texts through setRaw() (63,333 → 63,563 B measured).
// +128 B (the same review, adapters): the mirror's stale-edit check and its write guard, and the
// 'disconnected' words naming either transport (63,669 B measured).
// +0.75 kB (value editor review): the agent it inlines refuses look-alikes of classes, duplicate
// Set members and edits through shared references, in words (63,675 → 64,425 B measured).
// +128 B (the same pass, the record/replay review): the recording validator checks a change's
// blob bytes with the snapshot's check (64,539 B measured).
// +64 B (search review, rev-search): the agent's search resumes webstorage keys after the last
// key read and marks case-insensitive matches in the original text (64,633 B measured).
// +128 B (issue 18, thirteenth pass): webstorage's recheck() tells of keys read as missing during
// an outage, and the recorder lets go of its databases when the end's read fails (64,717 B measured).
// +896 B (issue 18, thirteenth pass, six reviews): the agent and codec it inlines, as devtools
// (64,717 → 65,617 B measured).
// +64 B (issue 18, fourteenth pass): the store refuses an empty clientId or userId in its
// constructor, as forClient and setUser do (65,671 B measured).
// +64 B (the same pass): the agent's search resumes by registry id, state id and table name
// (65,729 B measured).
// +1,152 B (the same pass, agent review): the agent it inlines (its lazy chunks are inlined here)
// hides hashes and sizes of redacted parts, checks re-created states' versions, checks cacheSet,
// and copies redacted values for storeAsGlobal (66,899 B measured).
// +128 B (the same pass, codec review): the codec it inlines (67,054 B measured).
// +448 B (issue 18, fifteenth pass): the agent and the database floor it inlines: another realm's
// values by their slots, sparse arrays sized by their elements, each runtime's frame (67,453 B measured).
// +256 B (the same pass): restores and imports over unchanged class instances (67,755 B measured).
// +128 B (the same pass): decodeEdit with its own stack; long paths cut (67,869 B measured).
// +2240 B (issue 18, sixteenth pass): the agent it inlines: redaction's key handles and review, the codec's refusals (70,102 B measured).
// +2,624 B (issue 18, seventeenth pass): the agent it inlines, lazy chunks included: far sparse
// arrays (~1.5 kB), the visible rows read by cursor and in slices with redact set (~1.1 kB) (72,738 B measured).
// +1,728 B (issue 18, eighteenth pass): the agent it inlines, lazy chunks too: out-of-line tables (out-of-line.ts and
// the checks beside it), far sparse paging, DatabaseInfo.redact, redact paging's kept readings (74,477 B measured).
// +128 B (issue 18, nineteenth pass): the IndexedDB provider it inlines aborts unfinished writes on pagehide (74,589 B measured).
const EXTENSION_MODULES = [{ name: 'redux-bridge', source: 'extension/redux-shim/bridge.ts', budget: 74624 }];
const EXTENSION_STATIC = [
  ['extension/devtools.html', 'devtools.html'],
  ['extension/kit/kit.html', 'kit.html'],
  ['extension/panel/panel.html', 'panel.html'],
  ['extension/panel/theme.css', 'theme.css'],
  ['extension/icons', 'icons'],
];
const FIREFOX_GECKO = {
  id: 'stratum-devtools@stratum.dev',
  strict_min_version: '142.0',
  // Firefox asks every new extension to declare what it collects; Stratum collects nothing.
  data_collection_permissions: { required: ['none'] },
};

/**
 * Example apps (TodoMVC per framework binding) that the e2e suite opens. They import the built
 * package by its name (`stratumjs/react`, resolved through package.json's exports as a user's
 * bundler would) and bundle their framework in development mode: StrictMode checks run only there.
 */
const FIXTURE_APPS = [
  { name: 'react', source: 'fixtures/react/app.tsx', jsxImportSource: 'react' },
  { name: 'preact', source: 'fixtures/preact/app.tsx', jsxImportSource: 'preact' },
  { name: 'vue', source: 'fixtures/vue/app.ts' },
  // Issue 21: zustand and Redux Toolkit, each shown by its adapter.
  { name: 'adapters', source: 'fixtures/adapters/app.ts' },
  // Issue 21: the same libraries with no Stratum import, seen through the Redux DevTools shim.
  { name: 'redux-shim', source: 'fixtures/redux-shim/app.ts' },
  // Issue 21 parts 2–4: a Dexie app with no Stratum import, inspected from the panel.
  { name: 'foreign', source: 'fixtures/foreign/app.ts' },
  // Issue 21's "Done when": Dexie and zustand together, no Stratum import.
  { name: 'no-import', source: 'fixtures/no-import/app.ts' },
];

/** Node programs of the project itself (npm start), bundled so plain `node` runs them. */
const TOOLS = [
  { name: 'start', source: 'scripts/start.ts' },
  { name: 'screenshots', source: 'scripts/screenshots.ts' },
  // The package's bin: `npx stratumjs devtools` (issue 20).
  { name: 'stratumjs', source: 'runtime/transport/ws/cli.ts' },
  // Its server alone, for bench/standalone-latency.mjs.
  { name: 'standalone-server', source: 'runtime/transport/ws/server.ts' },
];

/** The bindings' frameworks: optional peers, the user's own copy (one React per page). */
const FRAMEWORKS = ['react', 'react/*', 'react-dom', 'react-dom/*', 'preact', 'preact/*', '@preact/signals', 'vue'];
/** The standalone panel (issue 20): the same panel on a WebSocket wall, served by the bin. */
const STANDALONE = path.join(ROOT, 'dist/standalone');

/** The state libraries the adapters (issue 21) mirror: optional peers, the app's own copy. */
const ADAPTED = ['zustand', 'zustand/*', 'redux', 'redux/*', 'nanostores', 'nanostores/*', 'jotai', 'jotai/*', 'pinia', 'pinia/*', 'valtio', 'valtio/*', 'mobx', 'mobx/*'];

/** Never bundled: optional peers, ws and Node built-ins stay imports. */
const EXTERNAL = ['ws', '@libsql/client', 'pg', 'ioredis', 'puppeteer', 'puppeteer-core', '@puppeteer/browsers', 'node:*', ...FRAMEWORKS, ...ADAPTED];

const VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

export const COMMON = {
  entryPoints: ENTRIES.map((entry) => ({ in: path.join(ROOT, entry.source), out: entry.name })),
  // Development builds fold `typeof __STRATUM_NO_AGENT__ === 'undefined'` to true, so a fault
  // hook (registry/faults.ts) costs one property read and no global lookup per get/set;
  // the production variant below overrides it with true.
  define: { __STRATUM_VERSION__: JSON.stringify(VERSION), __STRATUM_NO_AGENT__: 'undefined' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: EXTERNAL,
  // Named by their hash alone: every import of a chunk spells its name, and `chunk-` or the lazy
  // module's name before the hash cost 2-77 B brotli per entry (issue 18, fourth pass); an app's
  // bundler names the chunks its own way anyway.
  chunkNames: 'chunks/[hash]',
  // Private members are spelled `_name` (TS `private`), so minifiers may shorten them; `#name`
  // fields cannot be renamed by esbuild and cost the store a third of its budget.
  mangleProps: /^_[a-z][A-Za-z]*$/,
  // One name is fixed: esbuild gives the shortest names to the properties used most across the
  // whole build, so the Svelte adapter's one read of `_detached` (a write to a deleted state still
  // tells the adapter's subscribers) renamed others and put the production store at 2,501 B with
  // no change to it. Fixed, the store is 2,495 B (2,492 B before the read).
  mangleCache: { _detached: 'Dt' },
  logLevel: 'warning',
};

async function buildRuntime() {
  rmSync(OUT, { recursive: true, force: true });
  await esbuild.build({ ...COMMON, outdir: OUT, sourcemap: true });
}

/**
 * dist/runtime/production/: the entries again, for the `production` export condition. The define
 * makes the registry never listen, so its lazy import of the agent is dead code; chunks that no
 * entry reaches any more (the agent's) are deleted.
 */
async function buildProduction() {
  const out = path.join(OUT, 'production');
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: ENTRIES.map((entry) => ({ in: path.join(ROOT, entry.production ?? entry.source), out: entry.name })),
    define: { ...COMMON.define, __STRATUM_NO_AGENT__: 'true', 'process.env.NODE_ENV': '"production"' },
    outdir: out,
    minify: true,
    metafile: true,
  });
  const reached = new Set();
  for (const entry of ENTRIES) reachable(result.metafile, path.relative(ROOT, path.join(out, `${entry.name}.js`)), reached);
  for (const file of Object.keys(result.metafile.outputs)) if (!reached.has(file)) rmSync(path.join(ROOT, file));
  // The sizes of the entries with a production budget, measured as measureSizes() measures.
  return ENTRIES.filter((entry) => entry.productionBudget).map((entry) => {
    const closure = staticClosure(result.metafile, path.relative(ROOT, path.join(out, `${entry.name}.js`)));
    const bytes = shippedBytes(result.metafile, closure, (file) => readFileSync(path.join(ROOT, file), 'utf8'));
    return { name: `${entry.name} (prod)`, budget: entry.productionBudget, brotli: brotli(bytes), files: closure.size };
  });
}

/** Every output `start` can load, lazily included. */
function reachable(metafile, start, seen) {
  if (seen.has(start)) return;
  seen.add(start);
  for (const imported of metafile.outputs[start]?.imports ?? []) if (!imported.external) reachable(metafile, imported.path, seen);
}

async function buildFixtures() {
  await Promise.all(
    FIXTURE_APPS.map((app) =>
      esbuild.build({
        entryPoints: [path.join(ROOT, app.source)],
        outdir: path.join(ROOT, 'dist/fixtures', app.name),
        entryNames: 'app',
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        jsx: 'automatic',
        ...(app.jsxImportSource && { jsxImportSource: app.jsxImportSource }),
        define: { 'process.env.NODE_ENV': '"development"', __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
        // tsconfig.json maps stratumjs/* to the source for the typecheck; the apps use the build.
        tsconfigRaw: {},
        sourcemap: true,
        logLevel: 'warning',
      }),
    ),
  );
}

async function buildTools() {
  await esbuild.build({
    entryPoints: TOOLS.map((tool) => ({ in: path.join(ROOT, tool.source), out: tool.name })),
    outdir: path.join(ROOT, 'dist/tools'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
}

async function buildStandalone() {
  rmSync(STANDALONE, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [{ in: path.join(ROOT, 'extension/panel/standalone.tsx'), out: 'panel' }],
    outdir: STANDALONE,
    define: COMMON.define,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox142', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    logLevel: 'warning',
  });
  cpSync(path.join(ROOT, 'extension/panel/standalone.html'), path.join(STANDALONE, 'index.html'));
  cpSync(path.join(ROOT, 'extension/panel/theme.css'), path.join(STANDALONE, 'theme.css'));
}

/** Both browsers' builds: the same scripts, the manifest adapted. Returns the scripts' sizes. */
async function buildExtension() {
  const chrome = path.join(ROOT, 'dist/chrome');
  const firefox = path.join(ROOT, 'dist/firefox');
  rmSync(chrome, { recursive: true, force: true });
  rmSync(firefox, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: EXTENSION_SCRIPTS.map((script) => ({ in: path.join(ROOT, script.source), out: script.name })),
    outdir: chrome,
    define: COMMON.define,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox142'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  await esbuild.build({
    entryPoints: EXTENSION_MODULES.map((module) => ({ in: path.join(ROOT, module.source), out: module.name })),
    outdir: chrome,
    // esbuild defines NODE_ENV "production" when minifying for browsers, and the registry then
    // never listens (it takes that for the app's production build): the bridge is devtools itself.
    define: { ...COMMON.define, 'process.env.NODE_ENV': '"development"' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox142'],
    mangleProps: COMMON.mangleProps,
    minify: true,
    logLevel: 'warning',
  });
  for (const [from, to] of EXTENSION_STATIC) cpSync(path.join(ROOT, from), path.join(chrome, to), { recursive: true });
  cpSync(chrome, firefox, { recursive: true });
  const manifest = { ...JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8')), version: VERSION };
  writeFileSync(path.join(chrome, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(firefox, 'manifest.json'), `${JSON.stringify(firefoxManifest(manifest), null, 2)}\n`);
  return [...EXTENSION_SCRIPTS, ...EXTENSION_MODULES].map((script) => {
    const file = path.join(chrome, `${script.name}.js`);
    return { ...script, name: `ext/${script.name}`, brotli: brotli(readFileSync(file)) };
  });
}

/** Firefox runs MV3 background scripts as an event page, not a service worker. */
function firefoxManifest(chrome) {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = chrome;
  return { ...rest, background: { scripts: [background.service_worker] }, browser_specific_settings: { gecko: FIREFOX_GECKO } };
}

function buildDeclarations() {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Minified, in memory, with a metafile: what a user's bundler would ship of each entry. */
export async function measureSizes() {
  const result = await esbuild.build({ ...COMMON, outdir: OUT, minify: true, write: false, metafile: true });
  const files = new Map(result.outputFiles.map((file) => [path.relative(ROOT, file.path), file.contents]));
  return ENTRIES.map((entry) => {
    const outfile = path.relative(ROOT, path.join(OUT, `${entry.name}.js`));
    const closure = staticClosure(result.metafile, outfile);
    const bytes = shippedBytes(result.metafile, closure, (file) => Buffer.from(files.get(file)).toString('utf8'));
    return { ...entry, brotli: brotli(bytes), files: closure.size };
  });
}

/**
 * The output file and every chunk it reaches through static imports, depth first, each file's
 * imports taken in the order of their sources, not their names. Chunks are named by their hash and esbuild lists
 * imports by name, so any change anywhere reordered the concatenation that is compressed, and
 * moved entries that share no byte with the change by up to ~90 B (a store fix moved
 * db/postgres 19,256 → 19,345 B).
 */
export function staticClosure(metafile, start) {
  const source = (file) => Object.keys(metafile.outputs[file]?.inputs ?? {}).sort()[0] ?? file;
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const imports = (metafile.outputs[file]?.imports ?? []).filter((imported) => imported.kind === 'import-statement' && !imported.external);
    for (const next of imports.map((imported) => imported.path).sort((a, b) => (source(a) < source(b) ? -1 : source(a) > source(b) ? 1 : 0))) visit(next);
  };
  visit(start);
  return seen;
}

/**
 * The closure's files concatenated, each chunk's hashed name replaced by a name as long and as
 * random, taken from the chunk's first source module rather than from its content. A chunk's hash
 * changes with any change to the chunk (or to the chunks it imports), and an entry spells the
 * names of the chunks it imports: eight random characters that brotli compresses better or worse
 * by chance. The production store moved 2,495 -> 2,505 B with its own bytes unchanged when a
 * change elsewhere renamed two of its chunks (issue 18, eighteenth pass). Now an entry's size
 * moves only with what it holds; readable names would have been ~30-55 B smaller per entry, which
 * would measure a naming choice, not the code (an app's bundler names chunks its own way).
 */
export function shippedBytes(metafile, closure, read) {
  const names = new Map();
  for (const file of Object.keys(metafile.outputs)) {
    const first = Object.keys(metafile.outputs[file].inputs ?? {}).sort()[0];
    if (!first || !/\/chunks\//.test(file)) continue;
    const digest = createHash('sha256').update(first).digest();
    // esbuild's alphabet for [hash]: A-Z and 2-7 (base32), eight characters.
    const name = Array.from(digest.subarray(0, 8), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('');
    names.set(path.basename(file), `${name}.js`);
  }
  const rename = (text) => text.replace(/\b[A-Z0-9]{8}\.js\b/g, (name) => names.get(name) ?? name);
  return Buffer.from([...closure].map((file) => rename(read(file))).join(''));
}

export function brotli(bytes) {
  return brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

function printSizes(sizes) {
  console.log('entry            brotli   budget');
  for (const size of sizes) {
    const mark = size.brotli > size.budget ? '  OVER BUDGET' : '';
    console.log(`${size.name.padEnd(16)} ${String(size.brotli).padStart(6)} B ${String(size.budget).padStart(6)} B${mark}`);
  }
  return sizes.filter((size) => size.brotli > size.budget);
}

async function watch() {
  const context = await esbuild.context({ ...COMMON, outdir: OUT, sourcemap: true, logLevel: 'info' });
  await context.watch();
  console.log('watching runtime/ for changes (Ctrl+C to stop)');
}

async function main() {
  if (process.argv.includes('--watch')) return watch();
  const started = performance.now();
  await buildRuntime();
  const [production, , extension] = await Promise.all([buildProduction(), buildTools(), buildExtension(), buildFixtures(), buildStandalone()]);
  buildDeclarations();
  const over = printSizes([...(await measureSizes()), ...production, ...extension]);
  console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
  if (over.length) {
    console.error(`over budget: ${over.map((size) => size.name).join(', ')}`);
    process.exitCode = 1;
  }
}

// Imported (bench/sizes.ts measures the peers with the same settings), it only exports.
if (path.resolve(process.argv[1] ?? '') === decodeURIComponent(new URL(import.meta.url).pathname)) await main();
