import { describe, expect, it } from 'vitest';
import { contract } from './harness.js';

contract((t, { open }) => {
  describe(`${t.label}: values`, () => {
    it('stores a value holding an array of 200,000 elements (issue 14.7)', async () => {
      const db = await open();
      const keys = db.table('keys');
      const big = Array.from({ length: 200_000 }, (_, i) => i);
      await keys.put({ k: 'big', big, nested: [{ big }] });
      const back = (await keys.get('big')) as { big: number[]; nested: [{ big: number[] }] };
      expect(back.big.length).toBe(200_000);
      expect(back.big[199_999]).toBe(199_999);
      expect(back.nested[0].big).toBe(back.big);
    });
  });
});
