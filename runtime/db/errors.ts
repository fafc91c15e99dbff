/**
 * The database's errors. Each `name` equals the class name, which matches the DOMException
 * IndexedDB throws in the same situation where one exists, so `error.name === 'ConstraintError'`
 * reads the same whichever provider ran the operation.
 */

/**
 * ES2022's ErrorOptions, spelled out: the emitted .d.ts must compile for consumers whose lib is
 * ES2020 (no ErrorOptions there) with skipLibCheck off.
 */
export interface CauseOptions {
  cause?: unknown;
}

class DatabaseError extends Error {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    // The subclass's own name, not "Error": minifiers keep class names only where asked,
    // so every subclass sets it explicitly below.
    this.name = 'DatabaseError';
  }
}

/** A duplicate key on `add`, or a row that breaks a unique index. */
export class ConstraintError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'ConstraintError';
  }
}

/** A table, index or row that does not exist (e.g. `update` of a missing key). */
export class NotFoundError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** Opening at a version lower than the stored one, or a connection that another one upgraded. */
export class VersionError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'VersionError';
  }
}

/** An operation on a transaction that already finished, e.g. after awaiting something else inside it. */
export class TransactionInactiveError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'TransactionInactiveError';
  }
}

/** A write inside a readonly transaction. */
export class ReadOnlyError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'ReadOnlyError';
  }
}

/** A value that is not a valid key (IndexedDB's DataError): NaN, a BigInt, an object, a cycle… */
export class DataError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** A value no provider can store as it is (IndexedDB's DataCloneError): symbol-keyed properties, a SharedArrayBuffer… */
export class DataCloneError extends DatabaseError {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'DataCloneError';
  }
}

/** The storage cannot be used: IndexedDB absent, blocked by the browser, failing to open, or the connection closed. */
export class DatabaseUnavailableError extends DatabaseError {
  /** The browser's (or the driver's) own words, e.g. `SecurityError: The operation is insecure.` */
  readonly reason: string;

  constructor(message: string, reason: string, options?: CauseOptions) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
    this.reason = reason;
  }
}

/** `Name: message` of anything thrown, for the words of a wrapping error. */
export function describeError(error: unknown): string {
  if (error instanceof Error || (typeof DOMException === 'function' && error instanceof DOMException)) {
    const { name, message } = error as Error;
    return message ? `${name}: ${message}` : name;
  }
  return String(error);
}
