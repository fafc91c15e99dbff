/**
 * The simulated failures themselves: which are on, and the hook functions they put on
 * registry/faults.ts. Faults name their targets by kind + namespace or database name (registry
 * ids change with a reload; a pinned fault must find its target again). Lives in the agent's
 * lazy chunk, so production builds (no agent) never carry it.
 */
import type { Key } from '../../../db/keys.js';
import type { ProviderQuery, ProviderTransaction } from '../../../db/provider.js';
import { keyAt } from '../../../db/schema.js';
import type { Database } from '../../../db/types.js';
import { mapError } from '../../../db/providers/indexeddb-transaction.js';
import { faults } from '../../../registry/faults.js';
import { abortError, dbQuotaError, openError, securityError, storageQuotaError } from './errors.js';
import { entryBytes, namespaceBytes, valueBytes } from './sizes.js';

/** A fault with its target by name. */
export type Rule =
  | { fault: 'blocked'; kind: 'local' | 'session' }
  | { fault: 'quota'; kind: 'local' | 'session' | 'memory'; namespace: string; bytes: number }
  | { fault: 'dbQuota'; database: string; bytes: number }
  | { fault: 'openFails' }
  | { fault: 'abortNext'; database: string }
  | { fault: 'versionchange'; database: string }
  | { fault: 'clock'; offset: number };

export interface Fault {
  id: string;
  rule: Rule;
  pinned: boolean;
  at: number;
}

/** One id per fault and target: turning the same fault on again replaces it. */
export function ruleId(rule: Rule): string {
  switch (rule.fault) {
    case 'blocked':
      return `blocked:${rule.kind}`;
    case 'quota':
      return `quota:${rule.kind}:${rule.namespace}`;
    case 'dbQuota':
    case 'abortNext':
    case 'versionchange':
      return `${rule.fault}:${rule.database}`;
    default:
      return rule.fault;
  }
}

/** The banner's words: what the page now sees. */
export function describe(rule: Rule): string {
  switch (rule.fault) {
    case 'blocked':
      return `${rule.kind}Storage blocked: it throws SecurityError, as with cookies and site data blocked`;
    case 'quota':
      return `Quota of ${rule.bytes.toLocaleString('en-US')} bytes on ${rule.kind}Storage namespace "${rule.namespace}": a write past it throws QuotaExceededError`;
    case 'dbQuota':
      return `Quota of ${rule.bytes.toLocaleString('en-US')} bytes on database "${rule.database}": a transaction past it aborts with QuotaExceededError`;
    case 'openFails':
      return 'IndexedDB fails to open (UnknownError, as in a broken profile)';
    case 'abortNext':
      return `The next readwrite transaction on "${rule.database}" aborts (AbortError)`;
    case 'versionchange':
      return `"${rule.database}" received a versionchange as if another tab opened it at a higher version`;
    case 'clock':
      return `Cache clock ${rule.offset >= 0 ? '+' : '−'}${formatOffset(Math.abs(rule.offset))}: TTLs expire ${rule.offset >= 0 ? 'early' : 'late'}`;
  }
}

function formatOffset(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const active = new Map<string, Fault>();
/** Told when a fault ends by itself (abortNext once used): the timeline and banner hear of it. */
let onEnded: ((fault: Fault, why: string) => void) | undefined;

export function whenEnded(listener: (fault: Fault, why: string) => void): void {
  onEnded = listener;
}

export function activeFaults(): Fault[] {
  return [...active.values()];
}

export function setFault(rule: Rule, pinned: boolean): Fault {
  const fault: Fault = { id: ruleId(rule), rule, pinned, at: Date.now() };
  active.set(fault.id, fault);
  install();
  return fault;
}

export function removeFault(id: string): Fault | undefined {
  const fault = active.get(id);
  active.delete(id);
  install();
  return fault;
}

function find<F extends Rule['fault']>(fault: F, test: (rule: Extract<Rule, { fault: F }>) => boolean): Extract<Rule, { fault: F }> | undefined {
  for (const { rule } of active.values()) {
    if (rule.fault === fault && test(rule as Extract<Rule, { fault: F }>)) return rule as Extract<Rule, { fault: F }>;
  }
  return undefined;
}

/** Puts on registry/faults.ts only the hooks some fault needs: the rest stay absent (one property read). */
function install(): void {
  const rules = [...active.values()].map((fault) => fault.rule);
  const has = (name: Rule['fault']) => rules.some((rule) => rule.fault === name);
  if (has('blocked') || has('quota')) faults.storage = storageHook;
  else delete faults.storage;
  if (has('openFails')) faults.open = openHook;
  else delete faults.open;
  if (has('dbQuota') || has('abortNext')) faults.transaction = transactionHook;
  else delete faults.transaction;
  faults.clockOffset = find('clock', () => true)?.offset ?? 0;
}

function storageHook(kind: 'local' | 'session', op: string, namespace?: string, storage?: Storage, full?: string, text?: string): void {
  if (find('blocked', (rule) => rule.kind === kind)) throw securityError(kind);
  if (op !== 'setItem' || !storage || namespace === undefined || full === undefined || text === undefined) return;
  const quota = find('quota', (rule) => rule.kind === kind && rule.namespace === namespace);
  if (quota && namespaceBytes(storage, `${namespace}:`, full) + entryBytes(full, text) > quota.bytes) throw storageQuotaError(full);
}

function openHook(): void {
  if (find('openFails', () => true)) throw openError();
}

/** Bytes each simulated database quota has counted so far (measured when the quota was set). */
const usage = new Map<string, number>();

export function setUsage(database: string, bytes: number): void {
  usage.set(database, bytes);
}

function transactionHook<T>(database: object, tx: T, mode: 'readonly' | 'readwrite'): T {
  if (mode !== 'readwrite') return tx;
  const db = database as Database;
  const abort = find('abortNext', (rule) => rule.database === db.name);
  if (abort) {
    const fault = removeFault(ruleId(abort));
    if (fault) onEnded?.(fault, 'a readwrite transaction aborted');
    return new AbortingTx(tx as ProviderTransaction) as T;
  }
  const quota = find('dbQuota', (rule) => rule.database === db.name);
  return quota ? (new QuotaTx(tx as ProviderTransaction, db, quota.bytes) as T) : tx;
}

/** Passes every operation through to the provider's transaction. */
class PassTx implements ProviderTransaction {
  constructor(protected readonly inner: ProviderTransaction) {}
  get(table: string, key: Key): Promise<unknown> {
    return this.inner.get(table, key);
  }
  put(table: string, value: unknown, add: boolean, key?: Key): Promise<Key> {
    return this.inner.put(table, value, add, key);
  }
  delete(table: string, key: Key): Promise<void> {
    return this.inner.delete(table, key);
  }
  clear(table: string): Promise<void> {
    return this.inner.clear(table);
  }
  query(table: string, query: ProviderQuery, keys?: boolean): Promise<unknown[]> {
    return this.inner.query(table, query, keys);
  }
  count(table: string, query: Pick<ProviderQuery, 'index' | 'range'>): Promise<number> {
    return this.inner.count(table, query);
  }
  idle(): Promise<void> {
    return this.inner.idle();
  }
  commit(): Promise<void> {
    return this.inner.commit();
  }
  abort(): Promise<void> {
    return this.inner.abort();
  }
}

/** Runs as usual, then aborts instead of committing: nothing of it lands, the app's promise rejects. */
class AbortingTx extends PassTx {
  override async commit(): Promise<void> {
    await this.inner.abort();
    throw abortError();
  }
}

/**
 * Counts what the transaction adds and removes against the database's simulated quota; past it,
 * the commit aborts with the QuotaExceededError Chromium gives (checked at commit, as there).
 */
class QuotaTx extends PassTx {
  private _delta = 0;
  /** Counted as the budget counts them (valueBytes): structured clones hold no array holes. */
  private readonly _clone: boolean;
  constructor(inner: ProviderTransaction, private readonly _db: Database, private readonly _bytes: number) {
    super(inner);
    this._clone = _db.provider === 'indexeddb' || _db.provider === 'memory';
  }

  override async put(table: string, value: unknown, add: boolean, named?: Key): Promise<Key> {
    const info = this._db.tables().find((candidate) => candidate.name === table);
    // Out-of-line keys: the key is the one the write names, not one in the row.
    const key = named ?? (info && info.key !== null ? keyAt(value, info.key) : undefined);
    const before = key === undefined ? undefined : await this.inner.get(table, key);
    const stored = await this.inner.put(table, value, add, named);
    this._delta += valueBytes(value, this._clone) - (before === undefined ? 0 : valueBytes(before, this._clone));
    return stored;
  }

  override async delete(table: string, key: Key): Promise<void> {
    const before = await this.inner.get(table, key);
    await this.inner.delete(table, key);
    if (before !== undefined) this._delta -= valueBytes(before, this._clone);
  }

  override async commit(): Promise<void> {
    const used = usage.get(this._db.name) ?? 0;
    if (this._delta > 0 && used + this._delta > this._bytes) {
      await this.inner.abort();
      throw mapError(dbQuotaError(), 'commit');
    }
    await this.inner.commit();
    usage.set(this._db.name, Math.max(0, used + this._delta));
  }
}
