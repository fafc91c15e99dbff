/**
 * A database's blobs: the listing, byte ranges pulled for previews and downloads (chunks of at
 * most MAX_BLOB_CHUNK; never pushed), and uploads from a file in chunks (replace = a new blob,
 * then the old one goes, as the agent does it). Object URLs made for previews are revoked when
 * the preview changes or the panel unmounts.
 */
import { batch, signal } from '@preact/signals';
import { base64ToBytes, bytesToBase64 } from '#codec/base64.js';
import { Command, MAX_BLOB_CHUNK, type BlobInfo } from '#protocol/messages.js';
import { saveBlob } from '../lib/download.js';
import type { SortBy } from '../lib/sort.js';
import { asText, hexDump, kindOf, PREVIEW_BYTES, prettyJson, type PreviewKind } from '../lib/preview.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

/** A blob the agent can read: in a database's BlobStore, or met inside a value (database 0, id = ref). */
export interface BlobTarget {
  database: number;
  id: string;
  type: string;
  size: number;
  name?: string;
}

export interface Preview {
  target: BlobTarget;
  kind: PreviewKind;
  /** An object URL for image/audio/video. */
  url?: string;
  text?: string;
  /** Bytes shown are fewer than the blob has. */
  partial: boolean;
}

export class BlobsModel {
  readonly list = signal<BlobInfo[]>([]);
  readonly usage = signal(0);
  /** How many blobs the database holds; `list` has the pages loaded so far. */
  readonly total = signal(0);
  readonly database = signal<number | null>(null);
  readonly selected = signal<string | null>(null);
  readonly sort = signal<SortBy | null>({ column: 'created', descending: true });
  readonly preview = signal<Preview | null>(null);
  /** Bytes sent of the running upload, or null. */
  readonly upload = signal<{ name: string; sent: number; size: number } | null>(null);
  /** Bumped by every preview asked for or closed: a preview still loading for an older one is dropped. */
  private _previewing = 0;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  async load(database: number): Promise<void> {
    this.database.value = database;
    const listing = await this._ui.run(() => this._connection.request(Command.blobList, { database }));
    if (!listing || this.database.peek() !== database) return;
    this.list.value = listing.blobs;
    this.usage.value = listing.usage;
    this.total.value = listing.total;
  }

  /** The next page of the listing, after the ones shown. */
  async more(): Promise<void> {
    const database = this.database.peek();
    if (database === null) return;
    const offset = this.list.peek().length;
    const listing = await this._ui.run(() => this._connection.request(Command.blobList, { database, offset }));
    if (!listing || this.database.peek() !== database || this.list.peek().length !== offset) return;
    this.list.value = [...this.list.peek(), ...listing.blobs];
    this.usage.value = listing.usage;
    this.total.value = listing.total;
  }

  /** No blobs shown (their database was deleted or closed); a preview of one of them closes too. */
  close(database: number): void {
    batch(() => {
      if (this.database.peek() === database) {
        this.database.value = null;
        this.list.value = [];
        this.usage.value = 0;
        this.total.value = 0;
        this.selected.value = null;
      }
      if (this.preview.peek()?.target.database === database) this.closePreview();
    });
  }

  reload(): Promise<void> {
    const database = this.database.peek();
    return database === null ? Promise.resolve() : this.load(database);
  }

  /** Reads bytes [0, limit) in chunks. */
  async read(target: BlobTarget, limit: number): Promise<Uint8Array> {
    const size = Math.min(target.size, limit);
    const out = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const chunk = await this._connection.request(Command.blobRead, { database: target.database, id: target.id, offset, length: Math.min(MAX_BLOB_CHUNK, size - offset) });
      const bytes = base64ToBytes(chunk.bytes);
      if (!bytes) throw new Error(`blob ${target.id}: the page sent bytes that are not base64`);
      if (bytes.length === 0) break;
      out.set(bytes.subarray(0, size - offset), offset);
      offset += bytes.length;
    }
    return offset < size ? out.subarray(0, offset) : out;
  }

  async showPreview(target: BlobTarget): Promise<void> {
    const declared = kindOf(target.type);
    const asked = ++this._previewing;
    const bytes = await this._ui.run(() => this.read(target, PREVIEW_BYTES[declared ?? 'text']));
    // A big blob's chunks take a while: another preview asked for (or this one closed) meanwhile wins.
    if (bytes && asked === this._previewing) this._setPreview(this._build(target, declared, bytes));
  }

  closePreview(): void {
    this._previewing++;
    this._setPreview(null);
  }

  async download(target: BlobTarget): Promise<void> {
    const bytes = await this._ui.run(() => this.read(target, target.size));
    if (bytes) saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: target.type }), target.name || `${target.id}${extension(target.type)}`);
  }

  /** Stores a file as a new blob, or in place of `replace`; resolves to the new id. */
  async put(file: File, replace?: string): Promise<string | undefined> {
    const database = this.database.peek();
    if (database === null) return undefined;
    const id = await this._ui.run(() => this._upload(database, file, replace));
    this.upload.value = null;
    if (id === undefined) return undefined;
    this._ui.notify(replace === undefined ? `Stored "${file.name}"` : `Replaced with "${file.name}"`);
    await this.reload();
    this.selected.value = id;
    if (replace !== undefined && this.preview.peek()?.target.id === replace) this.closePreview();
    return id;
  }

  async remove(blob: BlobInfo): Promise<void> {
    const database = this.database.peek();
    if (database === null) return;
    if (!(await this._ui.run(() => this._connection.request(Command.blobDelete, { database, id: blob.id })))) return;
    if (this.preview.peek()?.target.id === blob.id) this.closePreview();
    await this.reload();
  }

  dispose(): void {
    this._setPreview(null);
  }

  private async _upload(database: number, file: File, replace: string | undefined): Promise<string> {
    const start = { database, size: file.size, type: file.type, name: file.name, ...(replace !== undefined && { replace }) };
    const { upload } = await this._connection.request(Command.blobPutStart, start);
    this.upload.value = { name: file.name, sent: 0, size: file.size };
    try {
      for (let offset = 0; offset < file.size; offset += MAX_BLOB_CHUNK) {
        const bytes = new Uint8Array(await file.slice(offset, offset + MAX_BLOB_CHUNK).arrayBuffer());
        await this._connection.request(Command.blobPutChunk, { upload, offset, bytes: bytesToBase64(bytes) });
        this.upload.value = { name: file.name, sent: offset + bytes.length, size: file.size };
      }
      return (await this._connection.request(Command.blobPutEnd, { upload })).id;
    } catch (error) {
      // Nothing half-written: the agent drops the upload's chunks; the old blob stays.
      await this._connection.request(Command.blobPutAbort, { upload }).catch((abort: unknown) => console.warn('stratum panel: abort failed', abort));
      throw error;
    }
  }

  private _build(target: BlobTarget, declared: PreviewKind | undefined, bytes: Uint8Array): Preview {
    const partial = bytes.length < target.size;
    if (declared === 'image' || declared === 'audio' || declared === 'video') {
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: target.type }));
      return { target, kind: declared, url, partial };
    }
    const text = asText(bytes);
    if (text !== undefined) {
      const pretty = declared === 'json' || /^\s*[[{]/.test(text) ? prettyJson(text) : undefined;
      return pretty === undefined ? { target, kind: 'text', text, partial } : { target, kind: 'json', text: pretty, partial };
    }
    const head = bytes.subarray(0, PREVIEW_BYTES.hex);
    return { target, kind: 'hex', text: hexDump(head), partial: head.length < target.size };
  }

  private _setPreview(preview: Preview | null): void {
    const old = this.preview.peek();
    if (old?.url) URL.revokeObjectURL(old.url);
    this.preview.value = preview;
  }
}

function extension(type: string): string {
  const sub = type.split('/')[1]?.split(/[+;]/)[0];
  return sub ? `.${sub}` : '';
}
