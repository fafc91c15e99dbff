/**
 * Trace frames at their original positions (the page's source maps, read by the agent's
 * resolveFrames), cached by frame text: a stack shown again, or the same call site in another
 * change, asks nothing. A frame no map covers is cached as null (shown raw).
 */
import { signal } from '@preact/signals';
import type { Frame } from '#protocol/frames.js';
import { Command } from '#protocol/messages.js';
import type { Connection } from './connection.js';

/** Frame texts remembered; past it the oldest go (a long session sees many call sites). */
const MAX_FRAMES = 2000;

export class FramesModel {
  /** Frame text → original position, null when unmapped; absent while unknown. */
  readonly resolved = signal<ReadonlyMap<string, Frame | null>>(new Map());
  private readonly _pending = new Set<string>();

  constructor(private readonly _connection: Connection) {}

  /** Asks once for the frames of `stack` not known or asked yet; a failure leaves them raw (asked again next time). */
  async resolve(stack: readonly string[]): Promise<void> {
    const known = this.resolved.peek();
    const asked = [...new Set(stack)].filter((text) => !known.has(text) && !this._pending.has(text));
    if (asked.length === 0) return;
    for (const text of asked) this._pending.add(text);
    try {
      const { frames } = await this._connection.request(Command.resolveFrames, { frames: asked });
      const next = new Map(this.resolved.peek());
      asked.forEach((text, i) => next.set(text, frames[i] ?? null));
      for (const text of next.keys()) {
        if (next.size <= MAX_FRAMES) break;
        next.delete(text);
      }
      this.resolved.value = next;
    } catch (error) {
      // An older page runtime has no resolveFrames, a closed page answers nothing: raw frames still link.
      console.debug('stratum panel: frames shown unmapped:', error);
    } finally {
      for (const text of asked) this._pending.delete(text);
    }
  }
}
