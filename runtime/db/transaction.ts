/**
 * Transactions with one behaviour in every provider: all or nothing, and ended by a
 * TransactionInactiveError when the function awaits anything but its own operations.
 *
 * IndexedDB commits a transaction as soon as a task passes with no request pending, so code
 * that awaits a fetch inside it finds it committed halfway. Here, whenever nothing of the
 * transaction is pending and its function has not finished, the provider is asked to wait one
 * task boundary while keeping the transaction open (`idle`). If by then the function issued
 * nothing, it waits on something else: the transaction is rolled back and fails in words,
 * instead of committing half of the work.
 */
import { NotFoundError, ReadOnlyError, TransactionInactiveError } from './errors.js';
import type { Mode, ProviderTransaction } from './provider.js';
import type { TableInfo } from './schema.js';
import { TableImpl } from './table.js';
import type { Table, Transaction } from './types.js';
import { stamped, type Change, type OpHost, type Stamp } from './op.js';

export { stamp, type Change, type OpHost, type Stamp } from './op.js';

/** What a transaction needs from its database. */
export interface TxOwner {
  readonly _dbName: string;
  _info(table: string): TableInfo;
  _committed(changes: Change[]): void;
}

const MISUSE =
  'awaited something other than its own operations before finishing; IndexedDB would have committed it halfway, ' +
  'so it was rolled back and nothing was written. Await only tx.table(…) calls inside the function; do other async work before or after.';

export class TxScope implements Transaction, OpHost {
  readonly mode: Mode;
  readonly tables: readonly string[];
  readonly _dbName: string;

  private _owner: TxOwner;
  private _label: string | undefined;
  private _tx: ProviderTransaction;
  private _pending = 0;
  private _issued = 0;
  private _state: 'active' | 'committing' | 'done' = 'active';
  /** Why operations are refused once the transaction ended. */
  private _ended = 'has already committed';
  private _fnDone = false;
  private _changes: Change[] = [];
  private _drained: (() => void) | undefined;
  private _reject: (error: unknown) => void = () => undefined;

  /** `label` names every change of the transaction (else each is named by its operation). */
  constructor(owner: TxOwner, tx: ProviderTransaction, tables: readonly string[], mode: Mode, label?: string) {
    this._owner = owner;
    this._label = label;
    this._dbName = owner._dbName;
    this._tx = tx;
    this.tables = tables;
    this.mode = mode;
  }

  table(name: string): Table {
    this._inScope(name);
    return new TableImpl(this, name);
  }

  _info(table: string): TableInfo {
    return this._owner._info(table);
  }

  async _op<T>(
    tables: string | readonly string[],
    write: boolean,
    op: (tx: ProviderTransaction, changes: Change[]) => Promise<T>,
    named?: Stamp,
  ): Promise<T> {
    const table = String(tables);
    for (const name of typeof tables === 'string' ? [tables] : tables) this._inScope(name);
    if (this._state !== 'active') {
      throw new TransactionInactiveError(`The transaction on ${this._where()} ${this._ended}; this operation on '${table}' was not run.`);
    }
    if (write && this.mode === 'readonly') {
      throw new ReadOnlyError(`Cannot write to '${table}' in a readonly transaction (${this._where()}); ask for 'readwrite'.`);
    }
    this._pending++;
    this._issued++;
    try {
      // Operations of one transaction run concurrently: each collects its own changes to name them.
      const own: Change[] = [];
      const result = await op(this._tx, own);
      this._changes.push(...stamped(own, this._label ?? named?.label, named?.trace));
      return result;
    } catch (error) {
      // A failed request aborts the whole transaction in IndexedDB, even when the function
      // catches it; every provider does the same.
      this._fail(error, `was aborted because an operation on '${table}' failed`);
      throw error;
    } finally {
      this._pending--;
      this._afterOp();
    }
  }

  /** Runs `fn`; with `commit`, commits after it, else leaves the provider to commit (upgrades). */
  _run<R>(fn: (tx: Transaction) => R | Promise<R>, commit: boolean): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this._reject = reject;
      let result: Promise<R>;
      try {
        result = Promise.resolve(fn(this));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (value) => {
          this._fnDone = true;
          this._finish(commit, () => resolve(value));
        },
        (error: unknown) => {
          this._fnDone = true;
          this._fail(error, 'was rolled back because its function threw');
        },
      );
      this._afterOp();
    });
  }

  private _inScope(name: string): void {
    if (!this.tables.includes(name)) throw new NotFoundError(`Table '${name}' is not part of this transaction on ${this._where()}.`);
  }

  private _where(): string {
    return `${this.tables.map((t) => `'${t}'`).join(', ')} in database '${this._dbName}'`;
  }

  private _finish(commit: boolean, done: () => void): void {
    if (this._state !== 'active') return;
    if (this._pending > 0) {
      // Operations the function started without awaiting still belong to the transaction.
      this._drained = () => this._finish(commit, done);
      return;
    }
    this._state = 'committing';
    if (!commit) {
      this._state = 'done';
      done();
      return;
    }
    this._tx.commit().then(
      () => {
        this._state = 'done';
        this._owner._committed(this._changes);
        done();
      },
      (error: unknown) => {
        this._state = 'done';
        this._reject(error);
      },
    );
  }

  private _fail(error: unknown, why: string): void {
    if (this._state !== 'active') return;
    this._state = 'done';
    this._ended = why;
    const reject = () => this._reject(error);
    // Rejected only once the rollback is complete, so a read right after sees nothing of it.
    this._tx.abort().then(reject, reject);
  }

  private _afterOp(): void {
    if (this._pending > 0 || this._state !== 'active') return;
    if (this._fnDone) {
      const drained = this._drained;
      this._drained = undefined;
      drained?.();
      return;
    }
    const mark = this._issued;
    this._tx.idle().then(
      () => {
        if (this._state === 'active' && !this._fnDone && this._pending === 0 && this._issued === mark) {
          this._fail(new TransactionInactiveError(`The transaction on ${this._where()} ${MISUSE}`), `ended: its function ${MISUSE}`);
        }
      },
      (error: unknown) => this._fail(error, 'ended unexpectedly'),
    );
  }
}

/** One operation in a transaction of its own: what `db.table(x).put(v)` runs outside `transaction()`. */
export async function runSingle<T>(
  owner: TxOwner,
  tx: ProviderTransaction,
  op: (tx: ProviderTransaction, changes: Change[]) => Promise<T>,
  named?: Stamp,
): Promise<T> {
  const changes: Change[] = [];
  let value: T;
  try {
    value = await op(tx, changes);
  } catch (error) {
    await tx.abort();
    throw error;
  }
  await tx.commit();
  owner._committed(stamped(changes, named?.label, named?.trace));
  return value;
}
