/**
 * Values of a snapshot back as the page's values: decoded by the codec, every blob node made a
 * Blob (a File when it was one) from the file's bytes. What a file cannot rebuild — a function,
 * a symbol, a class instance's class — is found before anything is written.
 */
import { base64ToBytes } from '../../codec/base64.js';
import { BlobRef, decode, type Encoded } from '../../codec/index.js';
import { eachTagged } from '../../codec/encoded.js';
import { SnapshotError, type SnapshotFile } from '../../snapshot-file/format.js';

/** Why `value` cannot be rebuilt from a file (`instances`: a class instance counts), or undefined. */
export function unrestorable(value: Encoded, instances: boolean): string | undefined {
  let why: string | undefined;
  eachTagged(value, (node) => {
    if (why !== undefined) return;
    const tag = node['$t'];
    if (tag === 'function') why = `a function (${String(node['description'])})`;
    else if (tag === 'symbol') why = `a symbol (${String(node['description'])})`;
    else if (tag === 'instance' && instances) why = `an instance of ${String(node['class'])}, whose class a file cannot rebuild`;
  });
  return why;
}

/** Turns the file's blob nodes into Blobs, one per ref (the same ref twice is the same Blob). */
export class Rebuilder {
  private readonly _blobs = new Map<string, Blob>();

  constructor(private readonly _file: SnapshotFile) {}

  /** `encoded` decoded, blobs included; `where` names it in a refusal. */
  value(encoded: Encoded, where: string): unknown {
    let value: unknown;
    try {
      value = decode(encoded);
    } catch (error) {
      throw new SnapshotError('malformed', `${where} cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (value instanceof BlobRef) return this._blob(value);
    const seen = new Set<object>();
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const node = stack.pop();
      if (typeof node !== 'object' || node === null || seen.has(node) || node instanceof Blob) continue;
      seen.add(node);
      if (node instanceof Map) {
        // Rebuilt whole: deleting a blob key and setting its Blob would move the entry to the end.
        const entries = [...node].map(([key, item]) => [key instanceof BlobRef ? this._blob(key) : key, item instanceof BlobRef ? this._blob(item) : item] as const);
        node.clear();
        for (const [k, v] of entries) {
          node.set(k, v);
          stack.push(k, v);
        }
      } else if (node instanceof Set) {
        const items = [...node].map((item) => (item instanceof BlobRef ? this._blob(item) : item));
        node.clear();
        for (const item of items) {
          node.add(item);
          stack.push(item);
        }
      } else {
        const record = node as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          const item = record[key];
          if (item instanceof BlobRef) record[key] = this._blob(item);
          else stack.push(item);
        }
        // An error's cause and errors are own but not enumerable.
        if (node instanceof Error) {
          for (const key of ['cause', 'errors']) if (Object.hasOwn(node, key)) stack.push((node as unknown as Record<string, unknown>)[key]);
        }
      }
    }
    return value;
  }

  private _blob(ref: BlobRef): Blob {
    const key = ref.ref ?? '';
    let blob = this._blobs.get(key);
    if (blob) return blob;
    const bytes = Object.hasOwn(this._file.bytes, key) ? base64ToBytes(this._file.bytes[key]!) : undefined;
    if (!bytes) throw new SnapshotError('truncated', `the bytes of blob ${JSON.stringify(ref.ref)} are missing or damaged`);
    const parts = [bytes as Uint8Array<ArrayBuffer>];
    blob =
      ref.name !== null && typeof File === 'function'
        ? new File(parts, ref.name, { type: ref.type, ...(ref.lastModified !== null && { lastModified: ref.lastModified }) })
        : new Blob(parts, { type: ref.type });
    this._blobs.set(key, blob);
    return blob;
  }
}
