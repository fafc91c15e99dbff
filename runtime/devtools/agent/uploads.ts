/**
 * Chunked blob uploads from the panel (replace a blob from a file): chunks arrive in order,
 * are kept until the last one, then become one Blob. Bounded in count, bytes and idle time, so
 * a panel that went away mid-upload does not keep the page's memory.
 */
import { base64ToBytes } from '../../codec/base64.js';
import { CommandError } from '../../protocol/errors.js';

export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const MAX_UPLOADS = 4;
const IDLE_MS = 60_000;

export interface Upload {
  database: number;
  size: number;
  type: string;
  name: string | undefined;
  replace: string | undefined;
  parts: Uint8Array<ArrayBuffer>[];
  received: number;
  timer: ReturnType<typeof setTimeout>;
}

export class Uploads {
  private readonly _uploads = new Map<string, Upload>();
  private _next = 0;

  start(init: Pick<Upload, 'database' | 'size' | 'type' | 'name' | 'replace'>): string {
    if (init.size > MAX_UPLOAD_BYTES) {
      throw new CommandError('too-large', `${init.size} bytes is over the ${MAX_UPLOAD_BYTES}-byte upload limit`);
    }
    if (this._uploads.size >= MAX_UPLOADS) {
      throw new CommandError('too-large', `${MAX_UPLOADS} uploads are already running: finish or abort one first`);
    }
    const id = `u${++this._next}`;
    this._uploads.set(id, { ...init, parts: [], received: 0, timer: this._expire(id) });
    return id;
  }

  chunk(id: string, offset: number, base64: string): number {
    const upload = this._get(id);
    if (offset !== upload.received) {
      throw new CommandError('invalid', `upload ${id}: expected the chunk at byte ${upload.received}, got one at ${offset}`);
    }
    const bytes = base64ToBytes(base64);
    if (!bytes) throw new CommandError('invalid', `upload ${id}: the chunk is not base64`);
    if (upload.received + bytes.length > upload.size) {
      this.abort(id);
      throw new CommandError('too-large', `upload ${id}: more bytes than the ${upload.size} announced; upload aborted`);
    }
    upload.parts.push(bytes as Uint8Array<ArrayBuffer>);
    upload.received += bytes.length;
    clearTimeout(upload.timer);
    upload.timer = this._expire(id);
    return upload.received;
  }

  /** The finished upload as a Blob (a File when it has a name); it is forgotten here. */
  finish(id: string): { upload: Upload; blob: Blob } {
    const upload = this._get(id);
    if (upload.received !== upload.size) {
      throw new CommandError('invalid', `upload ${id}: ${upload.received} of ${upload.size} bytes arrived; send the rest first`);
    }
    this.abort(id);
    const blob =
      upload.name !== undefined && typeof File === 'function'
        ? new File(upload.parts, upload.name, { type: upload.type })
        : new Blob(upload.parts, { type: upload.type });
    return { upload, blob };
  }

  abort(id: string): boolean {
    const upload = this._uploads.get(id);
    if (!upload) return false;
    clearTimeout(upload.timer);
    this._uploads.delete(id);
    return true;
  }

  clear(): void {
    for (const id of [...this._uploads.keys()]) this.abort(id);
  }

  private _get(id: string): Upload {
    const upload = this._uploads.get(id);
    if (!upload) throw new CommandError('not-found', `no upload ${id}: it finished, was aborted, or idled out after ${IDLE_MS / 1000} s`);
    return upload;
  }

  private _expire(id: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.abort(id), IDLE_MS);
    // Node: an idle upload must not keep a test or server process alive.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  }
}
