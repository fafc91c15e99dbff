/**
 * What the panel may hold in values, in bytes (issue 14.16). Counts alone (5,000 timeline entries,
 * 50 history steps per state) let a state of long strings changed often hold hundreds of
 * megabytes. Past a budget the oldest held values go first: a timeline entry stays and says why
 * its value is gone; a state's oldest history steps go.
 */
import type { Signal } from '@preact/signals';
import type { Encoded } from '#codec/types.js';
import type { Change } from './state-history.js';
import type { Held } from './timeline-events.js';

/** The budgets; tests lower them. */
export const MEMORY = {
  /** Values the timeline holds (for restores and the detail view). */
  timelineBytes: 64 * 1024 * 1024,
  /** Values every state's history holds together (the history slider's stops). */
  historyBytes: 32 * 1024 * 1024,
};

/** About what an encoded value takes in the panel's heap: UTF-16 strings, plus a little per part. */
export function estimateBytes(value: Encoded): number {
  let bytes = 0;
  const stack: Encoded[] = [value];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next === 'string') bytes += 16 + 2 * next.length;
    else if (Array.isArray(next)) {
      bytes += 16;
      for (const item of next) stack.push(item);
    } else if (typeof next === 'object' && next !== null) {
      bytes += 16;
      for (const key of Object.keys(next)) {
        bytes += 16 + 2 * key.length;
        stack.push(next[key]!);
      }
    } else bytes += 8;
  }
  return bytes;
}

/** The timeline's held values, oldest first, and their bytes. */
export class HeldBudget {
  private _bytes = 0;
  private _queue: Held[] = [];
  private _head = 0;
  /** Items in the queue still counted; the others (released) are dropped from it now and then. */
  private _live = 0;
  private readonly _sizes = new WeakMap<Held, number>();

  get bytes(): number {
    return this._bytes;
  }

  /** Items this budget still references (counted or not yet dropped): what it keeps alive. */
  get referenced(): number {
    return this._queue.length - this._head;
  }

  /** Counts the values of `held` not counted yet (a row read later joins when it is read). */
  hold(held: Held[] | undefined): void {
    for (const item of held ?? []) {
      if (item.value === undefined || this._sizes.has(item)) continue;
      const size = estimateBytes(item.value);
      this._sizes.set(item, size);
      this._bytes += size;
      this._live++;
      this._queue.push(item);
    }
    this._trim();
  }

  /** Entries left the buffer: their values no longer count. */
  release(held: Held[] | undefined): void {
    for (const item of held ?? []) {
      const size = this._sizes.get(item);
      if (size === undefined) continue;
      this._sizes.delete(item);
      this._bytes -= size;
      this._live--;
    }
  }

  clear(): void {
    this._bytes = 0;
    this._queue = [];
    this._head = 0;
    this._live = 0;
  }

  private _trim(): void {
    const budget = MEMORY.timelineBytes;
    while (this._bytes > budget && this._head < this._queue.length) {
      const item = this._queue[this._head++]!;
      const size = this._sizes.get(item);
      if (size === undefined) continue;
      this._sizes.delete(item);
      this._bytes -= size;
      this._live--;
      delete item.value;
      delete item.redacted;
      item.unknown = `not kept: the timeline holds at most ${Math.round(budget / 1024 / 1024)} MB of values in memory and lets the oldest go first`;
    }
    // Released items (their entries left the 5,000) still held their values from this queue
    // until the byte budget was reached: under a steady stream, tens of MB (issue 18).
    if (this._queue.length - this._head > 2 * this._live + 1024) {
      this._queue = this._queue.slice(this._head).filter((item) => this._sizes.has(item));
      this._head = 0;
    } else if (this._head > 1024) {
      this._queue = this._queue.slice(this._head);
      this._head = 0;
    }
  }
}

interface Owner {
  history: Signal<Change[]>;
}

/** Every state's history steps together, oldest first, and their bytes. */
export class HistoryBudget {
  private _bytes = 0;
  private _queue: { owner: Owner; change: Change }[] = [];
  private _head = 0;
  /** Steps in the queue still counted; forgotten ones are dropped from it now and then. */
  private _live = 0;
  private readonly _sizes = new WeakMap<Change, number>();

  /** Steps this budget still references (counted or not yet dropped): what it keeps alive. */
  get referenced(): number {
    return this._queue.length - this._head;
  }

  /** Adds `change` as the newest step of `owner` (at most `max` steps), then trims to the budget. */
  push(owner: Owner, change: Change, max: number): void {
    const size = estimateBytes(change.before) + estimateBytes(change.after);
    this._sizes.set(change, size);
    this._bytes += size;
    this._live++;
    this._queue.push({ owner, change });
    const all = [change, ...owner.history.peek()];
    for (const gone of all.slice(max)) this._forget(gone);
    owner.history.value = all.slice(0, max);
    this._trim();
  }

  /** A state went away: its steps no longer count. */
  forget(owner: Owner): void {
    for (const change of owner.history.peek()) this._forget(change);
  }

  private _forget(change: Change): void {
    const size = this._sizes.get(change);
    if (size === undefined) return;
    this._sizes.delete(change);
    this._bytes -= size;
    this._live--;
  }

  private _trim(): void {
    while (this._bytes > MEMORY.historyBytes && this._head < this._queue.length) {
      const { owner, change } = this._queue[this._head++]!;
      if (!this._sizes.has(change)) continue;
      this._forget(change);
      owner.history.value = owner.history.peek().filter((step) => step !== change);
    }
    // Steps past a state's 50 were forgotten but still held (with both values) by this queue
    // until the byte budget was reached: under a steady stream, tens of MB (issue 18).
    if (this._queue.length - this._head > 2 * this._live + 1024) {
      this._queue = this._queue.slice(this._head).filter(({ change }) => this._sizes.has(change));
      this._head = 0;
    } else if (this._head > 1024) {
      this._queue = this._queue.slice(this._head);
      this._head = 0;
    }
  }
}
