import type { Current, ErrorCode, ProtocolError } from './messages.js';

/** A command refused in words; the panel's request rejects with the same class. */
export class CommandError extends Error {
  override name = 'CommandError';
  readonly code: ErrorCode;
  /** With `conflict`: what the edit would have overwritten. */
  readonly current: Current | undefined;

  constructor(code: ErrorCode, message: string, current?: Current) {
    super(message);
    this.code = code;
    this.current = current;
  }

  toJSON(): ProtocolError {
    return this.current ? { code: this.code, message: this.message, current: this.current } : { code: this.code, message: this.message };
  }

  static from(error: ProtocolError): CommandError {
    return new CommandError(error.code, error.message, error.current);
  }
}

/** DOMException-style names the protocol has a code for (db errors use the same names). */
const CODES: Record<string, ErrorCode> = {
  QuotaExceededError: 'quota',
  WebStorageQuotaError: 'quota',
  ConstraintError: 'constraint',
  NotFoundError: 'not-found',
  DatabaseUnavailableError: 'unavailable',
  CodecError: 'invalid',
  DataError: 'invalid',
};

/** Any thrown value as a protocol error: a CommandError keeps its code, a known error name maps to one, the rest is `failed`. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof CommandError) return error.toJSON();
  const name = error instanceof Error ? error.name : undefined;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const code = name !== undefined && Object.hasOwn(CODES, name) ? CODES[name]! : 'failed';
  return { code, message: text.slice(0, 2000) };
}
