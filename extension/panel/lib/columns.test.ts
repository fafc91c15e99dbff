import { describe, expect, it } from 'vitest';
import { columnsOf, fits, fitWidth } from './columns.js';

describe('column widths in monospace characters', () => {
  it('counts a wide character (CJK, kana, Hangul, fullwidth) as two, anything else as one', () => {
    expect(columnsOf('abc')).toBe(3);
    expect(columnsOf('漢字')).toBe(4);
    expect(columnsOf('かな한글ＡＢ')).toBe(12);
    expect(columnsOf('é–→')).toBe(3);
    // Beyond the Basic Multilingual Plane: two UTF-16 units, drawn about two wide.
    expect(columnsOf('😀')).toBe(2);
  });

  it('a cell of wide text that is cut is not said to fit, so it keeps its tooltip', () => {
    const width = fitWidth(['abcdefghij']);
    expect(fits('abcdefghij', width)).toBe(true);
    expect(fits('漢字漢字漢字漢字漢字', width)).toBe(false);
    expect(fitWidth(['漢字漢字漢字漢字漢字'])).toBeGreaterThan(width);
  });
});
