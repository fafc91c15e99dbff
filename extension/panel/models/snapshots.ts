/**
 * Snapshots in the panel: export the page's data as one file, import a file back (preview,
 * confirmation, then import; a refusal is shown in the page's words and nothing is applied), and
 * compare two files. A file can dwarf a message (a 20 MB blob is 27 MB of base64), so it crosses
 * as text in pieces of MAX_SNAPSHOT_CHUNK characters (snapshotRead out, snapshotWrite in). The
 * page checks an imported file against its own stratum version; comparing runs `diff` here.
 * Reading and saving files is the components' part: models never touch the DOM.
 */
import { signal } from '@preact/signals';
import { diff, type Difference } from '#snapshot-file/diff.js';
import { parseSnapshot } from '#snapshot-file/validate.js';
import type { SnapshotFile } from '#snapshot-file/format.js';
import { CommandError } from '#protocol/errors.js';
import { Command, MAX_SNAPSHOT_CHUNK, type SnapshotSummary } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

/** Characters moved so far, of how many. */
export interface Progress {
  done: number;
  size: number;
}

export type ImportStep =
  | { step: 'sending'; name: string; progress: Progress }
  | { step: 'confirm'; name: string; summary: SnapshotSummary }
  | { step: 'importing'; name: string }
  | { step: 'refused'; name: string; reason: string };

/** One side of a comparison: a file read and checked, or why it could not be. */
export interface Side {
  name: string;
  file?: SnapshotFile;
  error?: string;
}

export interface Comparison {
  a?: Side;
  b?: Side;
  /** Once both sides are files: what differs from a to b. */
  differences?: Difference[];
}

export class SnapshotModel {
  readonly exporting = signal<Progress | null>(null);
  readonly importing = signal<ImportStep | null>(null);
  readonly comparing = signal<Comparison | null>(null);
  /** The file being imported and its transfer on the page (kept until imported or cancelled). */
  private _pending: { text: string; transfer: string | null } | undefined;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  /** The page's snapshot as a file name and JSON text, or undefined once a failure is shown. */
  async exportFile(): Promise<{ name: string; text: string } | undefined> {
    if (this.exporting.peek()) return undefined;
    this.exporting.value = { done: 0, size: 0 };
    let transfer: string | undefined;
    try {
      const started = await this._connection.request(Command.snapshotExport, {});
      transfer = started.transfer;
      let text = '';
      while (text.length < started.size) {
        const piece = await this._connection.request(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK });
        if (piece.text.length === 0) throw new Error(`the page's snapshot ended at ${text.length} of ${started.size} characters`);
        text += piece.text;
        this.exporting.value = { done: text.length, size: started.size };
      }
      return { name: fileName(this._connection.ready?.runtime.name), text };
    } catch (error) {
      this._ui.fail(new Error(`Export failed: ${message(error)}`));
      return undefined;
    } finally {
      this.exporting.value = null;
      if (transfer !== undefined) this._discard(transfer);
    }
  }

  /** Sends a file's text to the page and shows what importing it would change (nothing applied yet). */
  async importText(name: string, text: string): Promise<void> {
    this.cancelImport();
    const pending = { text, transfer: null as string | null };
    this._pending = pending;
    this.importing.value = { step: 'sending', name, progress: { done: 0, size: text.length } };
    try {
      pending.transfer = await this._send(text, (progress) => this._pending === pending && (this.importing.value = { step: 'sending', name, progress }));
      if (this._pending !== pending) return this._discard(pending.transfer);
      const summary = await this._connection.request(Command.snapshotPreview, { transfer: pending.transfer });
      if (this._pending === pending) this.importing.value = { step: 'confirm', name, summary };
    } catch (error) {
      if (this._pending === pending) this._refuse(name, error);
    }
  }

  /** Imports the file previewed; a refusal now (the page changed meanwhile) is shown the same way. */
  async confirmImport(): Promise<void> {
    const step = this.importing.peek();
    const pending = this._pending;
    if (step?.step !== 'confirm' || !pending?.transfer) return;
    this.importing.value = { step: 'importing', name: step.name };
    try {
      const summary = await this._import(pending);
      this._finish();
      this._ui.notify(`Imported ${step.name}: ${changed(summary)}`);
    } catch (error) {
      this._refuse(step.name, error);
    }
  }

  cancelImport(): void {
    this._finish();
  }

  openCompare(): void {
    this.comparing.value = {};
  }

  closeCompare(): void {
    this.comparing.value = null;
  }

  /** Reads one side of the comparison; with both sides read, lists the differences from a to b. */
  compareText(slot: 'a' | 'b', name: string, text: string): void {
    let side: Side;
    try {
      side = { name, file: parseSnapshot(text) };
    } catch (error) {
      side = { name, error: message(error) };
    }
    const next: Comparison = { ...this.comparing.peek(), [slot]: side };
    delete next.differences;
    if (next.a?.file && next.b?.file) next.differences = diff(next.a.file, next.b.file);
    this.comparing.value = next;
  }

  /** Imports a transfer; one that idled out on the page (60 s unused) is sent again first. */
  private async _import(pending: { text: string; transfer: string | null }): Promise<SnapshotSummary> {
    try {
      return await this._connection.request(Command.snapshotImport, { transfer: pending.transfer! });
    } catch (error) {
      if (!(error instanceof CommandError && error.code === 'not-found')) throw error;
      pending.transfer = await this._send(pending.text, () => undefined);
      return this._connection.request(Command.snapshotImport, { transfer: pending.transfer });
    }
  }

  /** Sends text in pieces, never cutting a surrogate pair; resolves with the page's transfer id. */
  private async _send(text: string, progress: (progress: Progress) => void): Promise<string> {
    let transfer: string | null = null;
    let offset = 0;
    do {
      let end = Math.min(text.length, offset + MAX_SNAPSHOT_CHUNK);
      if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
      const piece: { transfer: string } = await this._connection.request(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, end), size: text.length });
      transfer = piece.transfer;
      offset = end;
      progress({ done: offset, size: text.length });
    } while (offset < text.length);
    return transfer;
  }

  private _refuse(name: string, error: unknown): void {
    if (this._pending?.transfer) this._discard(this._pending.transfer);
    this._pending = undefined;
    this.importing.value = { step: 'refused', name, reason: message(error) };
  }

  private _finish(): void {
    if (this._pending?.transfer) this._discard(this._pending.transfer);
    this._pending = undefined;
    this.importing.value = null;
  }

  private _discard(transfer: string): void {
    this._connection.request(Command.snapshotDiscard, { transfer }).catch((error: unknown) => {
      // The page forgets transfers after 60 s idle and when the panel leaves: nothing is kept.
      console.debug('stratum panel: could not discard a snapshot transfer', error);
    });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `stratum-snapshot-<app>-<time>.json`, safe as a file name on every system. */
function fileName(app: string | undefined): string {
  const name = (app ?? 'page').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'page';
  return `stratum-snapshot-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
}

/** What an import changed, in words: `3 changed, 1 added, 2 skipped`. */
export function changed(summary: SnapshotSummary): string {
  const totals = { added: 0, changed: 0, removed: 0 };
  for (const counts of Object.values(summary.counts)) {
    totals.added += counts.added;
    totals.changed += counts.changed;
    totals.removed += counts.removed;
  }
  const parts = (['changed', 'added', 'removed'] as const).filter((kind) => totals[kind] > 0).map((kind) => `${totals[kind]} ${kind}`);
  if (summary.skipped.length > 0) parts.push(`${summary.skipped.length} skipped`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to change';
}
