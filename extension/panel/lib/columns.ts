/**
 * Column widths for the row grid, from what the columns hold: the longest of the header and the
 * first rows' cells, in monospace characters, within [MIN_COLUMN, MAX_COLUMN] pixels. Chrome's
 * Application panel gives every column the same share, which squeezes a short value column to
 * "t…" beside a wide key; sizing by content shows short columns whole and caps long ones (the
 * full value is in the cell's tooltip, and a dragged width wins).
 */
export const MIN_COLUMN = 48;
export const MAX_COLUMN = 360;
/** The width of one character of the panel's monospace font at its size, and a cell's padding. */
const CHAR_PX = 7.2;
const PADDING_PX = 18;

/**
 * East Asian wide and fullwidth characters of the Basic Multilingual Plane (Hangul, CJK, kana,
 * fullwidth forms): a monospace font draws each about two characters wide. A character beyond
 * it is two UTF-16 units, so `length` already counts it twice.
 */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** The text's width in monospace characters. */
export function columnsOf(text: string): number {
  // The test first: most cells are ASCII, and a failed test allocates nothing.
  WIDE.lastIndex = 0;
  if (!WIDE.test(text)) return text.length;
  return text.length + (text.match(WIDE)?.length ?? 0);
}

export function fitWidth(texts: Iterable<string>): number {
  let longest = 0;
  for (const text of texts) longest = Math.max(longest, columnsOf(text));
  return Math.round(Math.min(MAX_COLUMN, Math.max(MIN_COLUMN, longest * CHAR_PX + PADDING_PX)));
}

/** Whether `text` shows whole in a column `width` pixels wide (else the cell needs its tooltip). */
export function fits(text: string, width: number): boolean {
  return columnsOf(text) * CHAR_PX + PADDING_PX <= width;
}

/** A width moved by a drag or a key, kept within the bounds. */
export function resized(width: number, by: number): number {
  return Math.min(MAX_COLUMN * 3, Math.max(MIN_COLUMN, Math.round(width + by)));
}
