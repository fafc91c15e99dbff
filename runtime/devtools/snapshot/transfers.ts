/**
 * Snapshot files on their way out (exported, pulled a piece at a time) or in (sent a piece at a
 * time, then previewed or imported). A file is JSON text, cut into pieces of at most
 * MAX_SNAPSHOT_CHUNK characters, never inside a surrogate pair. Bounded in count, size and idle
 * time, so a panel that went away does not keep a 30 MB text in the page.
 */
import { CommandError } from '../../protocol/errors.js';
import { MAX_SNAPSHOT_CHUNK } from '../../protocol/messages.js';

/** V8 cannot hold a longer string (2^29 − 24 characters). */
export const MAX_SNAPSHOT_CHARS = 500_000_000;
const MAX_TRANSFERS = 4;
const IDLE_MS = 60_000;

interface Transfer {
  size: number;
  /** Pieces received so far (incoming), or the whole text (outgoing, complete). */
  parts: string[];
  received: number;
  timer: ReturnType<typeof setTimeout>;
}

export class Transfers {
  private readonly _transfers = new Map<string, Transfer>();
  private _next = 0;

  /** An exported file's text, ready to be read. */
  hold(text: string): { transfer: string; size: number } {
    const transfer = this._open(text.length);
    const held = this._transfers.get(transfer)!;
    held.parts = [text];
    held.received = text.length;
    return { transfer, size: text.length };
  }

  /** `length` characters from `offset`, ending before a lone high surrogate. */
  read(id: string, offset: number, length: number): { offset: number; text: string; size: number } {
    const transfer = this._get(id);
    const text = this._complete(id, transfer);
    if (offset > text.length) throw new CommandError('invalid', `offset ${offset} is past the end of a ${text.length}-character snapshot`);
    let end = Math.min(text.length, offset + Math.min(length, MAX_SNAPSHOT_CHUNK));
    // A piece never ends between the two halves of a surrogate pair.
    if (end < text.length && end > offset + 1 && /[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
    return { offset, text: text.slice(offset, end), size: text.length };
  }

  /** One piece of an incoming file; `id` null starts one of `size` characters. */
  write(id: string | null, offset: number, text: string, size: number): { transfer: string; received: number } {
    const transfer = id ?? this._open(size);
    const incoming = this._get(transfer);
    if (incoming.size !== size) throw new CommandError('invalid', `transfer ${transfer} is ${incoming.size} characters, not ${size}`);
    if (offset !== incoming.received) {
      throw new CommandError('invalid', `transfer ${transfer}: expected the piece at character ${incoming.received}, got one at ${offset}`);
    }
    if (incoming.received + text.length > incoming.size) {
      this.discard(transfer);
      throw new CommandError('too-large', `transfer ${transfer}: more than the ${incoming.size} characters announced; it was discarded`);
    }
    incoming.parts.push(text);
    incoming.received += text.length;
    this._touch(transfer, incoming);
    return { transfer, received: incoming.received };
  }

  /** The whole text of a complete transfer (sent, or exported). */
  text(id: string): string {
    return this._complete(id, this._get(id));
  }

  discard(id: string): boolean {
    const transfer = this._transfers.get(id);
    if (!transfer) return false;
    clearTimeout(transfer.timer);
    this._transfers.delete(id);
    return true;
  }

  clear(): void {
    for (const id of [...this._transfers.keys()]) this.discard(id);
  }

  private _open(size: number): string {
    if (size > MAX_SNAPSHOT_CHARS) throw new CommandError('too-large', `a ${size}-character snapshot is over the ${MAX_SNAPSHOT_CHARS}-character limit`);
    if (this._transfers.size >= MAX_TRANSFERS) {
      throw new CommandError('too-large', `${MAX_TRANSFERS} snapshot transfers are open: finish or discard one first`);
    }
    const id = `s${++this._next}`;
    this._transfers.set(id, { size, parts: [], received: 0, timer: this._expire(id) });
    return id;
  }

  private _complete(id: string, transfer: Transfer): string {
    if (transfer.received !== transfer.size) {
      throw new CommandError('invalid', `transfer ${id}: ${transfer.received} of ${transfer.size} characters arrived; send the rest first`);
    }
    // Joined once, kept joined: a preview and then an import read it twice.
    if (transfer.parts.length > 1) transfer.parts = [transfer.parts.join('')];
    this._touch(id, transfer);
    return transfer.parts[0] ?? '';
  }

  private _get(id: string): Transfer {
    const transfer = this._transfers.get(id);
    if (!transfer) throw new CommandError('not-found', `no snapshot transfer ${id}: it was discarded, or idled out after ${IDLE_MS / 1000} s`);
    return transfer;
  }

  private _touch(id: string, transfer: Transfer): void {
    clearTimeout(transfer.timer);
    transfer.timer = this._expire(id);
  }

  private _expire(id: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.discard(id), IDLE_MS);
    // Node: an idle transfer must not keep a test or server process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}
