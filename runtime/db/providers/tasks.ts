/** Scheduling shared by the providers that implement transactions themselves (memory, SQLite). */

/**
 * Resolves after the current task and its microtasks: setImmediate in Node (it runs before
 * timers of the next loop turn), a MessageChannel in browsers (setTimeout clamps to 4 ms+).
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else if (typeof MessageChannel === 'function') {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}

/** A first-come, first-served lock: `acquire()` resolves to the function that releases it. */
export class Lock {
  private _tail: Promise<void> = Promise.resolve();
  /** Holders and waiters not yet released. */
  private _taken = 0;

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    this._taken++;
    let released = false;
    const leave = (): void => {
      if (released) return;
      released = true;
      this._taken--;
      release();
    };
    const ready = this._tail.then(() => leave);
    this._tail = held;
    return ready;
  }

  /** Resolves once every holder queued so far has released it; undefined when none is. */
  settled(): Promise<void> | undefined {
    return this._taken > 0 ? this._tail : undefined;
  }
}
