/**
 * Runs every call, keeps the first error and rethrows it after all ran, so one throwing
 * listener never starves the others (the nanostores / preact-signals rule).
 */
export function runAll(calls: Iterable<() => void>): void {
  const round = new Round();
  round._each(calls, (call) => call());
  round._done();
}

/**
 * One notification round on the hot path (every effective `set`): runAll's first-error rule
 * without an array of closures per round. Listeners are copied first, so one that subscribes
 * or unsubscribes during the round changes the next round, not this one.
 */
export class Round {
  private _failed = false;
  private _first: unknown;

  _each<L>(listeners: Iterable<L>, call: (listener: L) => void): void {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        if (!this._failed) this._first = error;
        this._failed = true;
      }
    }
  }

  /**
   * _each() for listeners of one argument, without a closure or (for one listener) an array per
   * round: the store's listeners on every set while a panel is connected (issue 18).
   */
  _emit<A>(listeners: ReadonlySet<(event: A) => void>, event: A): void {
    if (listeners.size === 1) {
      // Taken before it runs, as _each() copies: one it subscribes meanwhile waits for the next round.
      for (const listener of listeners) return this._emitOne(listener, event);
    }
    for (const listener of [...listeners]) this._emitOne(listener, event);
  }

  _emitOne<A>(listener: (event: A) => void, event: A): void {
    try {
      listener(event);
    } catch (error) {
      if (!this._failed) this._first = error;
      this._failed = true;
    }
  }

  /** Rethrows the round's first error, once every listener ran. */
  _done(): void {
    if (this._failed) throw this._first;
  }
}
