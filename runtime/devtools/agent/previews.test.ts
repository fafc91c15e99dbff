import { describe, expect, it } from 'vitest';
import { encode } from '../../codec/index.js';
import { Store } from '../../store/store.js';
import { InlineBlobs, PREVIEW } from './show.js';
import { Previews, stateInfo } from './snapshot.js';

class Point {
  constructor(
    readonly x = 1,
    readonly y = 2,
  ) {}
}

describe('snapshot previews', () => {
  it('give every value the node the codec gives it under PREVIEW, sharing equal ones', () => {
    const store = new Store({ name: 'previews' });
    const values: unknown[] = [
      { a: 1, b: { c: 2 } },
      { z: 1, y: 2 },
      [1, 2, 3],
      [],
      {},
      Object.create(null) as object,
      new Point(),
      new Map([[1, 2]]),
      new Date(0),
      'short',
      'x'.repeat(500),
      42,
      null,
    ];
    const previews = new Previews();
    const infos = values.map((value, i) => stateInfo(store.createState(value, { key: `v${i}`, scope: 'app' }), new InlineBlobs(), previews));
    infos.forEach((info, i) => {
      expect(info.value).toEqual(encode(values[i], PREVIEW));
      const cut = (info.value as { $t?: string } | null)?.$t === 'truncated';
      expect(info.preview).toBe(cut ? true : undefined);
    });
    // Two objects of two keys: one node, sent once by structured clone.
    expect(infos[1]!.value).toBe(infos[0]!.value);
  });
});
