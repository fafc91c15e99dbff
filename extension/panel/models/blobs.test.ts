/**
 * Blob previews read bytes in chunks, so a big blob's preview takes a while: the preview shown is
 * the one asked for last, never one that was asked for earlier and arrived later, nor one closed
 * while it loaded.
 */
import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from '#codec/base64.js';
import type { Connection } from './connection.js';
import { BlobsModel, type BlobTarget } from './blobs.js';
import { Ui } from './ui.js';

function setup() {
  const reads = new Map<string, () => void>();
  const connection = {
    request: (_name: string, payload: { id: string; length: number }) =>
      new Promise((resolve) => reads.set(payload.id, () => resolve({ bytes: bytesToBase64(new TextEncoder().encode(`bytes of ${payload.id}`).subarray(0, payload.length)) }))),
  };
  const model = new BlobsModel(connection as unknown as Connection, new Ui());
  const target = (id: string): BlobTarget => ({ database: 1, id, type: 'text/plain', size: `bytes of ${id}`.length, name: `${id}.txt` });
  return { model, reads, target };
}

describe('BlobsModel previews', () => {
  it('shows the blob asked for last when an earlier preview arrives after it', async () => {
    const { model, reads, target } = setup();
    const big = model.showPreview(target('big'));
    const small = model.showPreview(target('small'));
    reads.get('small')!();
    await small;
    reads.get('big')!();
    await big;
    expect(model.preview.peek()?.target.id).toBe('small');
    expect(model.preview.peek()?.text).toBe('bytes of small');
  });

  it('stays closed when closed while the preview was loading', async () => {
    const { model, reads, target } = setup();
    const loading = model.showPreview(target('big'));
    model.closePreview();
    reads.get('big')!();
    await loading;
    expect(model.preview.peek()).toBeNull();
  });
});
