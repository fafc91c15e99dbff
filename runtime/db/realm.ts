/**
 * Blobs and Files from another realm (an iframe's, a vm context's): instanceof never matches
 * them, yet IndexedDB stores them and reads their key paths as it does this realm's.
 */
import { foreignKind } from '../codec/realm.js';

/** 'File' or 'Blob' for a File or Blob of this realm or another (told by its internal slots), else undefined. */
export function blobKind(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (typeof Blob === 'function' && value instanceof Blob) return typeof File === 'function' && value instanceof File ? 'File' : 'Blob';
  const kind = value instanceof Object ? undefined : foreignKind(value);
  return kind === 'Blob' || kind === 'File' ? kind : undefined;
}
