/**
 * The calls under way on a server connection, so that its close() lets them finish first, as
 * IndexedDB's close() lets the transactions already created finish (PostgreSQL and Redis).
 */
export class Calls {
  private _running = 0;
  private _drained: (() => void) | undefined;

  /** Counts a call from now; the function returned ends it (once; later calls do nothing). */
  start(): () => void {
    this._running++;
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      if (--this._running === 0) this._drained?.();
    };
  }

  /**
   * Runs `release` once no call is under way: at once (`waited` false), or when the last one
   * ends, or after `within` ms at the latest (a transaction its caller never ends must not keep
   * the process alive).
   */
  whenDone(release: (waited: boolean) => void, within: number): void {
    if (this._running === 0) return release(false);
    const timer = setTimeout(() => this._drained?.(), within);
    timer.unref?.();
    this._drained = () => {
      clearTimeout(timer);
      this._drained = undefined;
      release(true);
    };
  }
}
