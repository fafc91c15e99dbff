/**
 * What a table's operation runs on (OpHost) and how its writes are named (Change, Stamp): the
 * contract between table.ts / cache.ts / blobs.ts and the hosts that run them (database.ts,
 * transaction.ts), in a file of its own so table.ts and transaction.ts no longer import each other.
 */
import { config } from '../registry/registry.js';
import type { Key } from './keys.js';
import type { ProviderTransaction } from './provider.js';
import type { TableInfo } from './schema.js';

export interface Change {
  type: 'put' | 'delete' | 'clear';
  table: string;
  key?: Key;
  /** The operation that made it (`put`, `bulkPut`, `cache.set`, …) or the transaction's label. */
  label?: string;
  /** The call site, only while the panel records traces. */
  trace?: object;
}

/** Names a write for change events; see `stamp`. */
export interface Stamp {
  label: string;
  trace?: object;
}

/**
 * Names a write by its public method. While the panel records traces (the agent sets
 * `config.trace`), it also captures the call site above `boundary`, the public method itself:
 * it must be called synchronously from that method, before anything is awaited. Off, it costs
 * one property read.
 */
export function stamp(label: string, boundary: Function): Stamp {
  const trace = config.trace?.(boundary);
  return trace ? { label, trace } : { label };
}

export function stamped(changes: Change[], label: string | undefined, trace: object | undefined): Change[] {
  for (const change of changes) {
    if (label !== undefined) change.label = label;
    if (trace) change.trace = trace;
  }
  return changes;
}

/** Runs a table's operation: in a transaction of its own (Database) or in an open one (TxScope). */
export interface OpHost {
  /** `tables`: one table, or several for an operation that spans them (blobs); `named`: a write's label and call site. */
  _op<T>(
    tables: string | readonly string[],
    write: boolean,
    op: (tx: ProviderTransaction, changes: Change[]) => Promise<T>,
    named?: Stamp,
  ): Promise<T>;
  _info(table: string): TableInfo;
  readonly _dbName: string;
}
