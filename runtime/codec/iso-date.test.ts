/**
 * parseDate must give exactly what `new Date(text)` gives, for the encoder's own ISO strings
 * and for any text that only looks like one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDate } from './iso-date.js';

const MAX = 8.64e15;

function same(text: string): void {
  expect(Object.is(parseDate(text).getTime(), new Date(text).getTime())).toBe(true);
}

describe('parseDate', () => {
  it('reads every date toISOString writes as new Date does, years 0000–9999 and beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), (time) => {
        const text = new Date(time).toISOString();
        same(text);
        if (!text.startsWith('+') && !text.startsWith('-')) expect(parseDate(text).getTime()).toBe(time);
      }),
      { numRuns: 2000 },
    );
    for (const text of ['0000-01-01T00:00:00.000Z', '0099-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-28T12:00:00.000Z', '2024-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      same(text);
    }
  });

  it('gives what new Date gives for text that is nearly the ISO form', () => {
    const digit = fc.constantFrom(...'0123456789');
    const near = fc
      .tuple(fc.array(digit, { minLength: 24, maxLength: 24 }), fc.constantFrom(...'0123456789-T:.Z +x'), fc.nat({ max: 23 }))
      .map(([chars, odd, at]) => {
        const text = [...'2023-11-14T22:13:20.000Z'].map((c, i) => (/\d/.test(c) ? chars[i] : c));
        text[at] = odd;
        return text.join('');
      });
    fc.assert(fc.property(near, same), { numRuns: 3000 });
    for (const text of ['2023-02-30T00:00:00.000Z', '2023-13-01T00:00:00.000Z', '2023-00-10T00:00:00.000Z', '2023-01-01T24:00:00.000Z', '2023-01-01T23:60:00.000Z', '2023-01-01T00:00:60.000Z', '2023-1-01T00:00:00.000Z', '2023-01-01T00:00:00.000+', '', 'x', '2023-01-01', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z']) {
      same(text);
    }
  });
});
