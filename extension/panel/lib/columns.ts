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

export function fitWidth(texts: Iterable<string>): number {
  let longest = 0;
  for (const text of texts) longest = Math.max(longest, text.length);
  return Math.round(Math.min(MAX_COLUMN, Math.max(MIN_COLUMN, longest * CHAR_PX + PADDING_PX)));
}

/** Whether `text` shows whole in a column `width` pixels wide (else the cell needs its tooltip). */
export function fits(text: string, width: number): boolean {
  return text.length * CHAR_PX + PADDING_PX <= width;
}

/** A width moved by a drag or a key, kept within the bounds. */
export function resized(width: number, by: number): number {
  return Math.min(MAX_COLUMN * 3, Math.max(MIN_COLUMN, Math.round(width + by)));
}
