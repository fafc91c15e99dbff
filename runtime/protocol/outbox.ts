/**
 * The send queue both bridges share. The page's events wait for the next animation frame or
 * 16 ms, whichever comes first (unless the channel was idle); commands and their answers leave
 * when the task that queued them ends. Either way they leave as envelopes of at most
 * LIMITS.batch messages. It batches and
 * never merges: coalescing (a state changed 10,000 times in one frame leaves as one delta) has
 * one owner, the agent's Watcher (runtime/devtools/agent/watch.ts).
 */
import { LIMITS } from './messages.js';

/** Runs `flush` once, soon; returns a cancel. */
export type Schedule = (flush: () => void) => () => void;

const FLUSH_AFTER_MS = 16;

/**
 * The next frame or 16 ms, whichever first: a hidden tab runs no frames (Chrome pauses
 * requestAnimationFrame in background tabs), so the timer keeps deltas flowing there; a
 * visible tab flushes in step with its own rendering.
 */
export const frameOrTimeout: Schedule = (flush) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
    flush();
  };
  const timer = setTimeout(once, FLUSH_AFTER_MS);
  const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(once) : undefined;
  return () => {
    done = true;
    clearTimeout(timer);
    if (frame !== undefined) cancelAnimationFrame(frame);
  };
};

/**
 * At the end of the current task: everything queued in that task leaves as one envelope, and
 * nothing waits for a frame. For messages someone is waiting on (a command, a command's answer).
 */
export const endOfTask: Schedule = (flush) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) flush();
  });
  return () => {
    cancelled = true;
  };
};

/**
 * frameOrTimeout, but a message queued while the channel is idle (nothing sent for a frame's
 * worth of time) leaves at the end of the current task, on a microtask: a lone change reaches
 * the panel at once instead of waiting up to 16 ms. Everything queued synchronously in that task
 * (10,000 sets in a loop) still leaves in the one flush, and once something was sent, what
 * follows within 16 ms waits for the frame: coalescing continues while changes keep coming.
 * Stateful: one per queue.
 */
export function idleOrFrame(frame: Schedule = frameOrTimeout): Schedule {
  let sentAt = -Infinity;
  const sent = (flush: () => void) => () => {
    sentAt = performance.now();
    flush();
  };
  return (flush) => {
    if (performance.now() - sentAt < FLUSH_AFTER_MS) return frame(sent(flush));
    let cancelled = false;
    const run = sent(flush);
    queueMicrotask(() => {
      if (!cancelled) run();
    });
    return () => {
      cancelled = true;
    };
  };
}

export class Outbox<M> {
  private _queue: M[] = [];
  private _cancel: (() => void) | undefined;
  private _closed = false;

  /** Run at the start of every flush: a sender that queued placeholders fills them in here. */
  beforeFlush: (() => void) | undefined;

  constructor(
    private readonly _deliver: (batch: M[]) => void,
    private readonly _schedule: Schedule,
  ) {}

  get size(): number {
    return this._queue.length;
  }

  push(message: M): void {
    if (this._closed) return;
    this._queue.push(message);
    this._cancel ??= this._schedule(() => {
      this._cancel = undefined;
      this.flush();
    });
  }

  /** Sends everything queued now, in order. A delivery that throws is rethrown after the rest went. */
  flush(): void {
    this._cancel?.();
    this._cancel = undefined;
    if (this._queue.length === 0) return;
    this.beforeFlush?.();
    const queue = this._queue;
    this._queue = [];
    let failed = false;
    let first: unknown;
    for (let start = 0; start < queue.length; start += LIMITS.batch) {
      try {
        this._deliver(queue.slice(start, start + LIMITS.batch));
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  }

  /** Drops what is queued, unsent (the transport is gone; the senders were told). */
  clear(): void {
    this._cancel?.();
    this._cancel = undefined;
    this._queue = [];
  }

  /** Flushes what is queued, then refuses further messages. */
  close(): void {
    if (this._closed) return;
    try {
      this.flush();
    } finally {
      this._closed = true;
    }
  }
}
