/**
 * Failure simulation and the storage budget (issue 22, parts 3–4): the wire types and their
 * checks. messages.ts names the commands; this file holds their shapes so the shared files
 * grow by a few lines only.
 */
import type { Encoded } from './values.js';
import { arr, bool, finite, int, json, literal, nullable, obj, oneOf, opt, str, tagged, type Check } from './shape.js';
import { LIMITS } from './limits.js';

/**
 * A failure to simulate. `storage` and `database` are registry ids (the panel's); the kit
 * resolves names to them.
 * - `blocked`: localStorage / sessionStorage throws SecurityError, as with cookies blocked.
 * - `quota`: a webstorage namespace (`storage`) or a database holds at most `bytes`; a write past
 *   it fails with QuotaExceededError.
 * - `openFails`: IndexedDB's open fails (UnknownError, as a broken profile does) for every open.
 * - `abortNext`: the database's next readwrite transaction aborts (AbortError), then this ends.
 * - `versionchange`: the database receives a versionchange as if another tab opened it at a
 *   higher version (IndexedDB databases; the connection closes, the stored version stays).
 * - `clock`: every Cache's clock runs `offset` ms ahead (negative: behind), so TTLs expire early or late.
 */
export type SimulationSpec =
  | { fault: 'blocked'; kind: 'local' | 'session' }
  | { fault: 'quota'; storage: number; bytes: number }
  | { fault: 'quota'; database: number; bytes: number }
  | { fault: 'openFails' }
  | { fault: 'abortNext'; database: number }
  | { fault: 'versionchange'; database: number }
  | { fault: 'clock'; offset: number };

export type SimulationFault = SimulationSpec['fault'];

export interface ActiveSimulation {
  id: string;
  spec: SimulationSpec;
  /** Kept in the page's sessionStorage, so it comes back after a reload of the tab. */
  pinned: boolean;
  /** What the page now sees, in words (the banner's text). */
  description: string;
  at: number;
}

export interface SimulateRequest {
  /** Turns a simulation on (a second one of the same fault and target replaces the first). */
  on?: SimulationSpec;
  pinned?: boolean;
  /** Turns off the simulation with this id, or every one with 'all'. */
  off?: string;
}

export interface SimulateResult {
  active: ActiveSimulation[];
}

/** One item of a top-N list: a webstorage key or a row's key, and its bytes. */
export interface BudgetItem {
  key: Encoded;
  bytes: number;
}

export interface WebstorageBudget {
  id: number;
  kind: 'local' | 'session' | 'memory';
  namespace: string;
  /** UTF-16 bytes of every full key and stored text: what browsers count against the 5 MiB. */
  bytes: number;
  keys: number;
  top: BudgetItem[];
}

export interface TableBudget {
  name: string;
  rows: number;
  /** UTF-8 bytes of the codec's text of each row (blob bytes by size). */
  bytes: number;
  indexes: { name: string; bytes: number }[];
  top: BudgetItem[];
  /** Only the first `measured` rows were read (the table is larger than the scan limit). */
  measured: number;
}

export interface DatabaseBudget {
  id: number;
  name: string;
  provider: string;
  bytes: number;
  tables: TableBudget[];
  /** The blob store's bytes (sizes of the blobs) and count, when the database has one. */
  blobs?: { count: number; bytes: number };
  /** How the sizes were found, in words: the codec's encoding, or the engine's own size function. */
  method: string;
}

export interface StorageBudget {
  webstorages: WebstorageBudget[];
  databases: DatabaseBudget[];
  estimate: { usage: number; quota: number } | { unavailable: string };
  persisted: boolean | null;
  /** usage / quota at or above this shows the warning (0.8). */
  warnAt: number;
}

const spec: Check<SimulationSpec> = tagged<SimulationSpec, 'fault'>('fault', {
  blocked: obj({ fault: literal('blocked'), kind: literal('local', 'session') }) as Check<SimulationSpec>,
  quota: oneOf(
    obj({ fault: literal('quota'), storage: int, bytes: int }),
    obj({ fault: literal('quota'), database: int, bytes: int }),
    'a quota on a storage or a database',
  ) as Check<SimulationSpec>,
  openFails: obj({ fault: literal('openFails') }) as Check<SimulationSpec>,
  abortNext: obj({ fault: literal('abortNext'), database: int }) as Check<SimulationSpec>,
  versionchange: obj({ fault: literal('versionchange'), database: int }) as Check<SimulationSpec>,
  clock: obj({ fault: literal('clock'), offset: finite }) as Check<SimulationSpec>,
});

const text = str(LIMITS.string);
const MANY = 10_000;

export const simulateRequest: Check<SimulateRequest> = obj({ on: opt(spec), pinned: opt(bool), off: opt(str(LIMITS.id)) });
export const simulateResult: Check<SimulateResult> = obj({
  active: arr(obj<ActiveSimulation>({ id: str(LIMITS.id), spec, pinned: bool, description: text, at: finite }), 100),
});

const encodedKey = json as Check<Encoded>;
const item = obj<BudgetItem>({ key: encodedKey, bytes: int });
export const budgetRequest: Check<{ top?: number }> = obj({ top: opt(int) });
export const budgetResult: Check<StorageBudget> = obj({
  webstorages: arr(
    obj<WebstorageBudget>({ id: int, kind: literal('local', 'session', 'memory'), namespace: text, bytes: int, keys: int, top: arr(item, 100) }),
    MANY,
  ),
  databases: arr(
    obj<DatabaseBudget>({
      id: int,
      name: text,
      provider: text,
      bytes: int,
      tables: arr(
        obj<TableBudget>({
          name: text,
          rows: int,
          bytes: int,
          indexes: arr(obj({ name: text, bytes: int }), 1000),
          top: arr(item, 100),
          measured: int,
        }),
        MANY,
      ),
      blobs: opt(obj({ count: int, bytes: int })),
      method: text,
    }),
    MANY,
  ),
  estimate: oneOf(obj<{ usage: number; quota: number }>({ usage: finite, quota: finite }), obj({ unavailable: text }), 'an estimate'),
  persisted: nullable(bool),
  warnAt: finite,
});
export const persistResult: Check<{ persisted: boolean; granted: boolean }> = obj({ persisted: bool, granted: bool });
