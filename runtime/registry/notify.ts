/**
 * One notification round of the store: runs every listener, keeps the first error and rethrows
 * it after all ran, so one throwing listener never starves the others (the nanostores /
 * preact-signals rule), without an array of closures per round on the hot path (every effective
 * `set`). Listeners are copied first, so one that subscribes or unsubscribes during the round
 * changes the next round, not this one. stratumjs/db writes the same rule out in
 * db/database.ts: importing it from here made this module a chunk of its own in both entries.
 */
export class Round {
  /** The first error a listener threw, boxed (an error may be any value, undefined too); none until one throws. */
  private declare _error: [unknown] | undefined;

  _each<L>(listeners: Iterable<L>, call: (listener: L) => void): void {
    for (const listener of [...listeners]) this._call(call, listener);
  }

  /**
   * _each() for listeners of one argument, without a closure or (for one listener) an array per
   * round: the store's listeners on every set while a panel is connected (issue 18).
   */
  _emit<A>(listeners: ReadonlySet<(event: A) => void>, event: A): void {
    if (listeners.size === 1) {
      // Taken before it runs, as _each() copies: one it subscribes meanwhile waits for the next round.
      for (const listener of listeners) return this._call(listener, event);
    }
    for (const listener of [...listeners]) this._call(listener, event);
  }

  /** Calls `fn`, keeping its error if it is the round's first (the store calls the agent's shape hooks with it). */
  _call<A>(fn: (arg: A) => void, arg: A): void {
    try {
      fn(arg);
    } catch (error) {
      this._error ??= [error];
    }
  }

  /** Rethrows the round's first error, once every listener ran. */
  _done(): void {
    if (this._error) throw this._error[0];
  }
}
